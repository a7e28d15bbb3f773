namespace Router.Configuration.Hocon.Lexing;

/// <summary>The character classes of the HOCON spec's "Whitespace" and "Unquoted strings" sections.</summary>
internal static class HoconCharacters
{
    /// <summary>
    /// Whitespace other than the ASCII newline, which is its own token. Includes the Unicode separators,
    /// the ASCII file/group/record/unit separators and the byte-order mark (a BOM at the start of a file is noise).
    /// </summary>
    public static bool IsWhitespace(char c) =>
        c != '\n' && (char.IsWhiteSpace(c) || c is >= '\u001C' and <= '\u001F' || c == '\uFEFF');

    /// <summary>Characters that end an unquoted string; some are syntax, the rest are reserved by the spec.</summary>
    public static bool IsForbiddenInUnquoted(char c) => c is '$' or '"' or '{' or '}' or '[' or ']' or ':' or '='
        or ',' or '+' or '#' or '`' or '^' or '?' or '!' or '@' or '*' or '&' or '\\';
}

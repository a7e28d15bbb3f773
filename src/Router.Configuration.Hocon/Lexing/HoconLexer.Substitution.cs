namespace Router.Configuration.Hocon.Lexing;

/// <summary><c>${path}</c> and <c>${?path}</c>, lexed into one token whose path is already split.</summary>
internal sealed partial class HoconLexer
{
    /// <summary>Lexes <c>${path}</c> or <c>${?path}</c> into one token whose path is already split into segments.</summary>
    private void LexSubstitution(SourcePosition start)
    {
        if (PeekAt(1) != '{')
        {
            throw new HoconException(start, "'$' must start a substitution such as ${path}; quote the value if it contains '$'");
        }
        var begin = _index;
        Advance();
        Advance();
        var optional = false;
        if (!AtEnd && Current == '?')
        {
            optional = true;
            Advance();
        }
        var path = new PathBuilder();
        var hasContent = false;
        string? pendingWhitespace = null;
        while (true)
        {
            if (AtEnd || Current == '\n')
            {
                throw new HoconException(start, "unterminated substitution; close it with '}' on the same line");
            }
            var c = Current;
            if (c == '}')
            {
                Advance();
                break;
            }
            if (HoconCharacters.IsWhitespace(c))
            {
                // Whitespace inside a path is kept only between pieces, as in keys; around the path it is trimmed.
                var whitespace = ReadWhile(HoconCharacters.IsWhitespace);
                pendingWhitespace = hasContent ? whitespace : null;
                continue;
            }
            if (pendingWhitespace is not null)
            {
                path.AppendWhitespace(pendingWhitespace);
                pendingWhitespace = null;
            }
            if (c == '"')
            {
                if (PeekAt(1) == '"' && PeekAt(2) == '"')
                {
                    throw new HoconException(Here, "triple-quoted strings are not allowed in a substitution path");
                }
                path.AppendQuoted(ReadQuoted());
            }
            else if (HoconCharacters.IsForbiddenInUnquoted(c) || StartsComment())
            {
                throw new HoconException(Here, $"unexpected character '{c}' in substitution path; quote path segments that contain it");
            }
            else
            {
                path.AppendUnquoted(ReadUnquoted());
            }
            hasContent = true;
        }
        var text = _text[begin.._index];
        if (!hasContent)
        {
            throw new HoconException(start, $"empty substitution '{text}'; name a path, e.g. ${{a.b}}");
        }
        var segments = path.Build()
            ?? throw new HoconException(start, $"invalid path in substitution '{text}': a path may not start or end with '.' or contain '..'");
        _tokens.Add(new Token(TokenKind.Substitution, text, start) { Path = segments, Optional = optional });
    }
}

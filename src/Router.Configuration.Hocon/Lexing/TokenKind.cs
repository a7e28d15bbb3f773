namespace Router.Configuration.Hocon.Lexing;

internal enum TokenKind
{
    /// <summary>A run of non-newline whitespace; kept because it is part of value concatenations (<c>foo bar</c>).</summary>
    Whitespace,

    /// <summary>An ASCII newline; it separates fields and array elements like a comma does.</summary>
    Newline,
    Comma,
    Colon,
    Equals,
    PlusEquals,
    OpenBrace,
    CloseBrace,
    OpenBracket,
    CloseBracket,
    Unquoted,
    Quoted,
    Substitution,
    End,
}

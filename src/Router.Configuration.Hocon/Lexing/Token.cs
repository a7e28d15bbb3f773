namespace Router.Configuration.Hocon.Lexing;

/// <summary>
/// One lexical token. <see cref="Text"/> is the unescaped content for quoted strings and the raw text otherwise;
/// substitution tokens also carry their parsed path and whether they were written <c>${?path}</c>.
/// </summary>
internal readonly record struct Token(TokenKind Kind, string Text, SourcePosition Position)
{
    public IReadOnlyList<string>? Path { get; init; }

    public bool Optional { get; init; }

    /// <summary>How the token reads in an error message.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.Newline => "a newline",
        TokenKind.End => "the end of the input",
        TokenKind.Whitespace => "whitespace",
        TokenKind.Quoted => $"\"{Text}\"",
        TokenKind.Substitution => $"substitution {Text}",
        _ => $"'{Text}'",
    };
}

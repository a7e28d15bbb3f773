using Router.Configuration.Hocon.Lexing;

namespace Router.Configuration.Hocon.Tests;

public sealed class HoconLexerTests
{
    private static List<Token> Significant(string text) =>
        HoconLexer.Tokenize(text, "t.conf").Where(t => t.Kind is not (TokenKind.Whitespace or TokenKind.End)).ToList();

    [Fact]
    public void Tokenize_FieldWithComment_DropsCommentButKeepsNewline()
    {
        var tokens = Significant("a = 1 # one\nb: 2 // two");

        Assert.Equal(
            [TokenKind.Unquoted, TokenKind.Equals, TokenKind.Unquoted, TokenKind.Newline, TokenKind.Unquoted, TokenKind.Colon, TokenKind.Unquoted],
            tokens.Select(t => t.Kind));
    }

    [Fact]
    public void Tokenize_QuotedStringWithEscapes_Unescapes()
    {
        var token = Significant("\"a\\\"b\\\\c\\/d\\n\\t\\u00e9\"").Single();

        Assert.Equal(TokenKind.Quoted, token.Kind);
        Assert.Equal("a\"b\\c/d\n\té", token.Text);
    }

    [Fact]
    public void Tokenize_TripleQuotedString_KeepsNewlinesAndBackslashesLiterally()
    {
        var token = Significant("\"\"\"line 1\nline \\2\"\"\"").Single();

        Assert.Equal("line 1\nline \\2", token.Text);
    }

    [Fact]
    public void Tokenize_TripleQuotedStringEndingInFourQuotes_KeepsExtraQuote()
    {
        var token = Significant("\"\"\"a\"\"\"\"").Single();

        Assert.Equal("a\"", token.Text);
    }

    [Fact]
    public void Tokenize_OptionalSubstitution_CarriesPathAndFlag()
    {
        var token = Significant("${?a.\"b.c\".d}").Single();

        Assert.Equal(TokenKind.Substitution, token.Kind);
        Assert.True(token.Optional);
        Assert.Equal(["a", "b.c", "d"], token.Path!);
    }

    [Fact]
    public void Tokenize_DoubleSlashInsideUnquotedValue_StartsComment()
    {
        var tokens = Significant("a = x//comment");

        Assert.Equal("x", tokens[^1].Text);
    }

    [Fact]
    public void Tokenize_PlusEquals_IsOneToken()
    {
        Assert.Equal(TokenKind.PlusEquals, Significant("a += 1")[1].Kind);
    }

    [Fact]
    public void Tokenize_Positions_AreOneBasedLineAndColumn()
    {
        var tokens = Significant("a = 1\n  bb = 2");

        var bb = tokens.Single(t => t.Text == "bb");
        Assert.Equal(new SourcePosition("t.conf", 2, 3), bb.Position);
    }

    [Theory]
    [InlineData("a = \"abc", 1, 5, "unterminated quoted string")]
    [InlineData("a = 1\nb = \"abc\nc = 2", 2, 5, "unterminated quoted string")]
    [InlineData("a = \"\"\"abc", 1, 5, "unterminated triple-quoted string")]
    [InlineData("a = \"x\\qy\"", 1, 7, "invalid escape sequence '\\q'")]
    [InlineData("a = \"\\u12\"", 1, 6, "four hex digits")]
    [InlineData("a = ${b", 1, 5, "unterminated substitution")]
    [InlineData("a = ${}", 1, 5, "empty substitution")]
    [InlineData("a = ${b..c}", 1, 5, "invalid path in substitution")]
    [InlineData("a = $b", 1, 5, "'$' must start a substitution")]
    [InlineData("a = b + c", 1, 7, "'+' is only valid as part of '+='")]
    [InlineData("a = x*y", 1, 6, "unexpected character '*'")]
    [InlineData("a = ${b*}", 1, 8, "unexpected character '*' in substitution path")]
    public void Tokenize_BadInput_ReportsPosition(string text, int line, int column, string message)
    {
        var error = Assert.Throws<HoconException>(() => HoconLexer.Tokenize(text, "t.conf"));

        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Contains(message, error.Message);
        Assert.StartsWith($"t.conf({line},{column}): ", error.Message);
    }
}

namespace Router.Configuration.Hocon.Tests;

/// <summary>Every syntax and resolution error names the origin, line and column a user should look at.</summary>
public sealed class ErrorPositionTests
{
    [Theory]
    [InlineData("a = 1\n\n   journal\nx = 2", 3, 4, "expected '=' or ':' after key 'journal'")]
    [InlineData("journal\nx = 1", 1, 1, "expected '=' or ':' after key 'journal'")]
    [InlineData("a {\n  journal\n}", 2, 3, "expected '=' or ':' after key 'journal'")]
    [InlineData("a = http://x:80", 1, 9, "found ':'; quote the value if it contains ':' or '='")]
    [InlineData("a = 1 b = 2", 1, 9, "expected ',' or a newline after the value of 'a', found '='")]
    [InlineData("a = [1, 2", 1, 10, "missing ']' to close the array opened at (1,5)")]
    [InlineData("a {\n  b = 1\n", 3, 1, "missing '}' to close the object opened at (1,3)")]
    [InlineData("a = 1\n}", 2, 1, "unexpected '}' without a matching '{'")]
    [InlineData("a = }", 1, 5, "expected a value for key 'a', found '}'")]
    [InlineData("a = ", 1, 5, "expected a value for key 'a', found the end of the input")]
    [InlineData("a = 1,,b = 2", 1, 7, "unexpected ','")]
    [InlineData(", a = 1", 1, 1, "unexpected ','")]
    [InlineData("a = [1,,2]", 1, 8, "unexpected ','")]
    [InlineData("a = [1 } ]", 1, 8, "expected ',' or a newline after an array element, found '}'")]
    [InlineData("x {\n  a..b = 1\n}", 2, 3, "invalid key 'a..b'")]
    [InlineData(".a = 1", 1, 1, "invalid key '.a'")]
    [InlineData("= 1", 1, 1, "expected a key, found '='")]
    [InlineData("[1, 2]", 1, 1, "the document root must be an object")]
    [InlineData("{ a = 1 } b", 1, 11, "unexpected 'b' after the document's closing '}'")]
    [InlineData("include = 1", 1, 9, "'include' must be followed by a quoted file name")]
    [InlineData("include url(\"http://x/a.conf\")", 1, 1, "include url(...) and include classpath(...) are not supported")]
    [InlineData("include required(\"a.conf\"", 1, 26, "expected ')' to close include")]
    [InlineData("a {\n  b = ${missing.path}\n}", 2, 7, "could not resolve substitution ${missing.path}")]
    [InlineData("a = 1\nb = [1] ${a}", 2, 5, "cannot concatenate an array with a number")]
    public void Parse_InvalidDocument_ReportsLineAndColumn(string text, int line, int column, string message)
    {
        var error = Hocon.ParseError(text);

        Assert.Equal("<string>", error.Origin);
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Contains(message, error.Reason);
        Assert.Equal($"<string>({line},{column}): {error.Reason}", error.Message);
    }

    [Fact]
    public void ParseFile_SyntaxError_NamesTheFile()
    {
        using var directory = new TempDirectory();
        var path = directory.Write("router.conf", string.Join("\n", Enumerable.Repeat("# comment", 11)) + "\n      journal\n");

        var error = Assert.Throws<HoconException>(() => HoconConfigurationParser.ParseFile(path, _ => null));

        Assert.Equal($"{path}(12,7): expected '=' or ':' after key 'journal'", error.Message);
    }

    [Fact]
    public void Parse_DeeplyNestedInput_IsAnErrorNotAStackOverflow()
    {
        var text = "a = " + new string('[', 10_000) + new string(']', 10_000);

        var error = Hocon.ParseError(text);

        Assert.Contains("nested more than", error.Message);
    }
}

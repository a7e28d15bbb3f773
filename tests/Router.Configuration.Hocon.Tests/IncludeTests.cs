namespace Router.Configuration.Hocon.Tests;

public sealed class IncludeTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private IDictionary<string, string?> ParseFile(string relativePath, string text) =>
        HoconConfigurationParser.ParseFile(_directory.Write(relativePath, text), _ => null);

    [Fact]
    public void ParseFile_Include_MergesIncludedFieldsWhereTheStatementStands()
    {
        _directory.Write("defaults.conf", "a = 1\nb { x = 1 }");

        var data = ParseFile("main.conf", "a = 0\ninclude \"defaults.conf\"\nb { y = 2 }");

        Assert.Equal("a=1\nb:x=1\nb:y=2", Hocon.Dump(data));
    }

    [Fact]
    public void ParseFile_FieldsAfterInclude_OverrideIncludedOnes()
    {
        _directory.Write("defaults.conf", "timeout = 30s\nname = default");

        var data = ParseFile("main.conf", "include \"defaults.conf\"\nname = custom");

        Assert.Equal("custom", data["name"]);
        Assert.Equal("00:00:30", data["timeout"]);
    }

    [Fact]
    public void ParseFile_RelativeInclude_ResolvesAgainstIncludingFilesDirectory()
    {
        _directory.Write("conf/nested/leaf.conf", "leaf = true");
        _directory.Write("conf/middle.conf", "include \"nested/leaf.conf\"\nmiddle = true");

        var data = ParseFile("main.conf", "include \"conf/middle.conf\"");

        Assert.Equal("leaf=true\nmiddle=true", Hocon.Dump(data));
    }

    [Fact]
    public void ParseFile_AbsoluteInclude_IsUsedAsIs()
    {
        var other = _directory.Write("elsewhere/abs.conf", "abs = 1");

        var data = ParseFile("main.conf", $"include \"{other.Replace("\\", "\\\\")}\"");

        Assert.Equal("1", data["abs"]);
    }

    [Fact]
    public void ParseFile_MissingPlainInclude_IsIgnored()
    {
        var data = ParseFile("main.conf", "include \"missing.conf\"\na = 1");

        Assert.Equal("a=1", Hocon.Dump(data));
    }

    [Fact]
    public void ParseFile_MissingRequiredInclude_IsAnErrorAtTheStatement()
    {
        var path = _directory.Write("main.conf", "a = 1\n  include required(\"missing.conf\")");

        var error = Assert.Throws<HoconException>(() => HoconConfigurationParser.ParseFile(path, _ => null));

        Assert.Equal((path, 2, 3), (error.Origin, error.Line, error.Column));
        Assert.Contains("required include \"missing.conf\" not found", error.Message);
    }

    [Theory]
    [InlineData("include required(\"x.conf\")")]
    [InlineData("include required( \"x.conf\" )")]
    [InlineData("include file(\"x.conf\")")]
    [InlineData("include required(file(\"x.conf\"))")]
    [InlineData("include\n  \"x.conf\"")]
    public void ParseFile_IncludeForms_AllLoadTheFile(string statement)
    {
        _directory.Write("x.conf", "x = 1");

        Assert.Equal("1", ParseFile("main.conf", statement)["x"]);
    }

    [Fact]
    public void ParseFile_IncludeInsideObject_NestsIncludedFieldsAndFixesUpSubstitutions()
    {
        // The spec's example: ${x} in foo.conf means ${a.x} once foo.conf is included under a.
        _directory.Write("foo.conf", "{ x : 10, y : ${x} }");

        var data = ParseFile("main.conf", "{ a : { include \"foo.conf\" } }");

        Assert.Equal("a:x=10\na:y=10", Hocon.Dump(data));
    }

    [Fact]
    public void ParseFile_IncludeInsideObjectOverriddenLater_SubstitutionSeesOverride()
    {
        _directory.Write("foo.conf", "{ x : 10, y : ${x} }");

        var data = ParseFile("main.conf", "{\n  a : { include \"foo.conf\" }\n  a : { x : 42 }\n}");

        Assert.Equal("42", data["a:y"]);
    }

    [Fact]
    public void ParseFile_IncludedSubstitutionOfRootPath_FallsBackToRoot()
    {
        _directory.Write("foo.conf", "y : ${shared}");

        var data = ParseFile("main.conf", "shared = s\na { include \"foo.conf\" }");

        Assert.Equal("s", data["a:y"]);
    }

    [Fact]
    public void ParseFile_IncludedFileOverridesWithOptionalEnvironmentIdiom_KeepsDefault()
    {
        _directory.Write("reference.conf", "router.urls = \"http://127.0.0.1:5080\"");

        var data = ParseFile("main.conf", "include required(\"reference.conf\")\nrouter.urls = ${?ROUTER_URLS}");

        Assert.Equal("http://127.0.0.1:5080", data["router:urls"]);
    }

    [Fact]
    public void ParseFile_SyntaxErrorInIncludedFile_NamesThatFile()
    {
        var included = _directory.Write("bad.conf", "ok = 1\nbroken\n");

        var error = Assert.Throws<HoconException>(() => ParseFile("main.conf", "include \"bad.conf\""));

        Assert.Equal((included, 2, 1), (error.Origin, error.Line, error.Column));
    }

    [Fact]
    public void ParseFile_IncludeCycle_IsAnError()
    {
        _directory.Write("b.conf", "include \"main.conf\"");

        var error = Assert.Throws<HoconException>(() => ParseFile("main.conf", "include \"b.conf\""));

        Assert.Contains("include cycle", error.Message);
    }

    [Fact]
    public void ParseFile_IncludedArrayRoot_IsAnError()
    {
        _directory.Write("list.conf", "[1, 2]");

        var error = Assert.Throws<HoconException>(() => ParseFile("main.conf", "include \"list.conf\""));

        Assert.Contains("root must be an object", error.Message);
    }

    [Fact]
    public void Parse_RelativeIncludeInTextWithoutDirectory_IsAnError()
    {
        var error = Hocon.ParseError("include \"x.conf\"");

        Assert.Contains("no directory to resolve a relative include against", error.Message);
    }

    [Fact]
    public void Parse_TextWithIncludeDirectory_ResolvesRelativeIncludes()
    {
        _directory.Write("x.conf", "x = 1");

        Assert.Equal("1", Hocon.Parse("include \"x.conf\"", includeDirectory: _directory.Path)["x"]);
    }
}

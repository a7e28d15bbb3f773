namespace Router.Configuration.Hocon.Tests;

/// <summary>Objects, keys, separators, values and arrays, checked through the flattened result.</summary>
public sealed class SyntaxTests
{
    [Fact]
    public void Parse_RootWithoutBraces_ReadsFields()
    {
        var data = Hocon.Parse("a = 1\nb = two");

        Assert.Equal("a=1\nb=two", Hocon.Dump(data));
    }

    [Fact]
    public void Parse_RootWithBraces_ReadsFields()
    {
        var data = Hocon.Parse("{ \"a\": 1, \"b\": [true, null, \"x\"] }");

        Assert.Equal("a=1\nb:0=true\nb:2=x", Hocon.Dump(data));
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n\n// and another")]
    [InlineData("{ }")]
    public void Parse_EmptyDocument_HasNoKeys(string text)
    {
        Assert.Empty(Hocon.Parse(text));
    }

    [Fact]
    public void Parse_DottedKey_ExpandsToNestedObjects()
    {
        var data = Hocon.Parse("a.b.c = 1");

        Assert.Equal("1", data["a:b:c"]);
    }

    [Fact]
    public void Parse_QuotedKeyWithDot_IsOneSegment()
    {
        var data = Hocon.Parse("types { \"question.created\" = 1 }");

        Assert.Equal("types:question.created=1", Hocon.Dump(data));
    }

    [Fact]
    public void Parse_MixedQuotedAndUnquotedPath_SplitsOnlyUnquotedDots()
    {
        var data = Hocon.Parse("foo.bar.\"hello.world\" = 1");

        Assert.Equal("foo:bar:hello.world=1", Hocon.Dump(data));
    }

    [Theory]
    [InlineData("a = 1")]
    [InlineData("a : 1")]
    [InlineData("a=1")]
    [InlineData("a:1")]
    [InlineData("a =\n  1")]
    public void Parse_EitherSeparator_ReadsValue(string text)
    {
        Assert.Equal("1", Hocon.Parse(text)["a"]);
    }

    [Fact]
    public void Parse_ObjectWithoutSeparator_ReadsNestedObject()
    {
        var data = Hocon.Parse("journal { provider = sqlite }");

        Assert.Equal("sqlite", data["journal:provider"]);
    }

    [Fact]
    public void Parse_NewlineBetweenKeyAndBraceOrSeparator_IsAllowed()
    {
        var data = Hocon.Parse("journal\n{\n  provider = sqlite\n}\n\"a\"\n  : 1");

        Assert.Equal("a=1\njournal:provider=sqlite", Hocon.Dump(data));
    }

    [Fact]
    public void Parse_CommasAndNewlines_BothSeparateFields()
    {
        var data = Hocon.Parse("a = 1, b = 2\nc = 3,\nd = 4,");

        Assert.Equal("a=1\nb=2\nc=3\nd=4", Hocon.Dump(data));
    }

    [Fact]
    public void Parse_Comments_AreIgnoredEverywhere()
    {
        var data = Hocon.Parse("""
            # leading comment
            a = 1 // trailing comment
            b { // after brace
              c = "not # a comment" # but this is
            }
            """);

        Assert.Equal("a=1\nb:c=not # a comment", Hocon.Dump(data));
    }

    [Fact]
    public void Parse_UnquotedStrings_KeepInnerWhitespaceAndTrimEnds()
    {
        var data = Hocon.Parse("a =   foo bar  baz   \nb = /usr/local/bin");

        Assert.Equal("foo bar  baz", data["a"]);
        Assert.Equal("/usr/local/bin", data["b"]);
    }

    [Fact]
    public void Parse_QuotedStrings_KeepJsonEscapesAndSpaces()
    {
        var data = Hocon.Parse("a = \"  tab\\there \\\"q\\\" \"");

        Assert.Equal("  tab\there \"q\" ", data["a"]);
    }

    [Fact]
    public void Parse_TripleQuotedString_SpansLines()
    {
        var data = Hocon.Parse("a = \"\"\"first\n  second \"quoted\" \\n\"\"\"");

        Assert.Equal("first\n  second \"quoted\" \\n", data["a"]);
    }

    [Theory]
    [InlineData("42", "42")]
    [InlineData("-7", "-7")]
    [InlineData("3.25", "3.25")]
    [InlineData("1e5", "1e5")]
    [InlineData("true", "true")]
    [InlineData("false", "false")]
    [InlineData("10.0.0.1", "10.0.0.1")]
    [InlineData("truefoo", "truefoo")]
    public void Parse_ScalarValues_KeepTheirText(string value, string expected)
    {
        Assert.Equal(expected, Hocon.Parse($"a = {value}")["a"]);
    }

    [Fact]
    public void Parse_Null_LeavesKeyOut()
    {
        var data = Hocon.Parse("a = 1\nb = null");

        Assert.False(data.ContainsKey("b"));
    }

    [Fact]
    public void Parse_QuotedNull_IsTheString()
    {
        Assert.Equal("null", Hocon.Parse("a = \"null\"")["a"]);
    }

    [Fact]
    public void Parse_ArrayWithNewlinesCommasAndTrailingComma_IndexesElements()
    {
        var data = Hocon.Parse("a = [\n  x\n  y, z,\n]");

        Assert.Equal("a:0=x\na:1=y\na:2=z", Hocon.Dump(data));
    }

    [Fact]
    public void Parse_ArrayOfObjects_IndexesNestedKeys()
    {
        var data = Hocon.Parse("rules = [ { match = \"workspace.*\", tiers = [queue, tenant] }, { match = x } ]");

        Assert.Equal("rules:0:match=workspace.*\nrules:0:tiers:0=queue\nrules:0:tiers:1=tenant\nrules:1:match=x", Hocon.Dump(data));
    }

    [Fact]
    public void Parse_EmptyArrayAndObject_ProduceNoKeys()
    {
        Assert.Empty(Hocon.Parse("a = []\nb {}"));
    }

    [Fact]
    public void Parse_DashesInKeys_AreRemoved()
    {
        var data = Hocon.Parse("router.publish.max-body = 1\n\"quoted-key\" = 2");

        Assert.Equal("quotedkey=2\nrouter:publish:maxbody=1", Hocon.Dump(data));
    }

    [Fact]
    public void Parse_Result_IsCaseInsensitive()
    {
        var data = Hocon.Parse("router.max-body = 1");

        Assert.Equal("1", data["Router:MaxBody"]);
    }

    [Fact]
    public void Parse_KeyWithInnerWhitespace_KeepsIt()
    {
        Assert.Equal("42", Hocon.Parse("a b c : 42")["a b c"]);
    }

    [Fact]
    public void Parse_QuotedIncludeKey_IsAnOrdinaryKey()
    {
        Assert.Equal("42", Hocon.Parse("\"include\" : 42")["include"]);
    }

    [Fact]
    public void Parse_IncludeAsValue_IsTheString()
    {
        Assert.Equal("include", Hocon.Parse("a = include")["a"]);
    }

    [Fact]
    public void Parse_CrLfLineEndings_AreNewlines()
    {
        var data = Hocon.Parse("a = 1\r\nb = x\r\n");

        Assert.Equal("a=1\nb=x", Hocon.Dump(data));
    }
}

namespace Router.Configuration.Hocon.Tests;

/// <summary>Examples taken from the HOCON specification (lightbend/config HOCON.md), section by section.</summary>
public sealed class SpecExampleTests
{
    private static void AssertEquivalent(string expected, string actual) =>
        Assert.Equal(Hocon.Dump(Hocon.Parse(expected)), Hocon.Dump(Hocon.Parse(actual)));

    // "Duplicate keys"
    [Fact]
    public void DuplicateKeys_ObjectValues_AreMerged() =>
        AssertEquivalent("""{ "foo" : { "a" : 42, "b" : 43 } }""", """{ "foo" : { "a" : 42 }, "foo" : { "b" : 43 } }""");

    [Fact]
    public void DuplicateKeys_IntermediateNull_PreventsMerge() =>
        AssertEquivalent("""{ "foo" : { "b" : 43 } }""", """{ "foo" : { "a" : 42 }, "foo" : null, "foo" : { "b" : 43 } }""");

    // "Commas"
    [Theory]
    [InlineData("a = [1,2,3,]")]
    [InlineData("a = [1\n2\n3]")]
    public void Commas_TrailingCommaAndNewlines_SameAsCommas(string text) => AssertEquivalent("a = [1,2,3]", text);

    [Theory]
    [InlineData("a = [1,2,3,,]")]
    [InlineData("a = [,1,2,3]")]
    [InlineData("a = [1,,2,3]")]
    public void Commas_DoubleOrLeadingComma_IsInvalid(string text) => Hocon.ParseError(text);

    // "Paths as keys"
    [Theory]
    [InlineData("foo { bar : 42 }", "foo.bar : 42")]
    [InlineData("foo { bar { baz : 42 } }", "foo.bar.baz : 42")]
    [InlineData("a { x : 42, y : 43 }", "a.x : 42, a.y : 43")]
    [InlineData("\"a b c\" : 42", "a b c : 42")]
    [InlineData("\"true\" : 42", "true : 42")]
    [InlineData("\"3\" : 42", "3 : 42")]
    [InlineData("\"3\" : { \"14\" : 42 }", "3.14 : 42")]
    public void PathsAsKeys_Expand(string expected, string actual) => AssertEquivalent(expected, actual);

    // "Path expressions"
    [Theory]
    [InlineData("10.0foo = 1", "10:0foo")]
    [InlineData("foo10.0 = 1", "foo10:0")]
    [InlineData("foo\"10.0\" = 1", "foo10.0")]
    [InlineData("1.2.3 = 1", "1:2:3")]
    [InlineData("a.\"\".b = 1", "a::b")]
    public void PathExpressions_SplitOnlyUnquotedDots(string text, string key) =>
        Assert.Equal("1", Hocon.Parse(text)[key]);

    // "Note: Arrays without commas or newlines"
    [Fact]
    public void Arrays_WhitespaceSeparatedValues_AreOneConcatenatedElement() =>
        Assert.Equal("a:0=1 2 3 4", Hocon.Dump(Hocon.Parse("a = [ 1 2 3 4 ]")));

    [Fact]
    public void Arrays_NewlineSeparatedValues_AreElements() =>
        Assert.Equal("a:0=1\na:1=2\na:2=3\na:3=4", Hocon.Dump(Hocon.Parse("a = [ 1\n  2\n  3\n  4 ]")));

    [Fact]
    public void Arrays_AdjacentArraysOnOneLine_AreOneConcatenatedArray() =>
        Assert.Equal("a:0:0=1\na:0:1=2\na:0:2=3\na:0:3=4", Hocon.Dump(Hocon.Parse("a = [ [ 1, 2 ] [ 3, 4 ] ]")));

    [Fact]
    public void Arrays_ArraysOnSeparateLines_AreTwoElements() =>
        Assert.Equal("a:0:0=1\na:0:1=2\na:1:0=3\na:1:1=4", Hocon.Dump(Hocon.Parse("a = [ [ 1, 2 ]\n  [ 3, 4 ] ]")));

    // "Array and object concatenation"
    [Theory]
    [InlineData("a : { b : 1 } { c : 2 }")]
    [InlineData("a : { b : 1 }\na : { c : 2 }")]
    public void Concatenation_WaysToDefineTheSameObject(string text) => AssertEquivalent("a : { b : 1, c : 2 }", text);

    [Theory]
    [InlineData("a : [ 1, 2 ] [ 3, 4 ]")]
    [InlineData("a : [ 1, 2 ]\na : ${a} [ 3, 4 ]")]
    [InlineData("a : [ 1, 2 ]\na += 3\na += 4")]
    public void Concatenation_WaysToDefineTheSameArray(string text) => AssertEquivalent("a : [ 1, 2, 3, 4 ]", text);

    [Fact]
    public void Concatenation_Inheritance_MergesObjects()
    {
        var data = Hocon.Parse("data-center-generic = { cluster-size = 6 }\ndata-center-east = ${data-center-generic} { name = \"east\" }");

        Assert.Equal("6", data["datacentereast:clustersize"]);
        Assert.Equal("east", data["datacentereast:name"]);
        Assert.False(data.ContainsKey("datacentergeneric:name"));
    }

    // "Substitutions"
    [Theory]
    [InlineData("key : ${animal.favorite} is my favorite animal")]
    [InlineData("key : ${animal.favorite}\" is my favorite animal\"")]
    public void Substitutions_ConcatenatedWithText(string line) =>
        Assert.Equal("dog is my favorite animal", Hocon.Parse("animal.favorite = dog\n" + line)["key"]);

    [Fact]
    public void Substitutions_ObjectReferringToItsOwnField_Resolves() =>
        Assert.Equal("42", Hocon.Parse("bar : { foo : 42,\n        baz : ${bar.foo}\n      }")["bar:baz"]);

    [Fact]
    public void Substitutions_LookForwardToTheFinalValue() =>
        Assert.Equal("43", Hocon.Parse("bar : { foo : 42,\n        baz : ${bar.foo}\n      }\nbar : { foo : 43 }")["bar:baz"]);

    [Fact]
    public void Substitutions_MutuallyReferringObjects_Resolve()
    {
        var data = Hocon.Parse("""
            // bar.a should end up as 4
            bar : { a : ${foo.d}, b : 1 }
            bar.b = 3
            // foo.c should end up as 3
            foo : { c : ${bar.b}, d : 2 }
            foo.d = 4
            """);

        Assert.Equal("4", data["bar:a"]);
        Assert.Equal("3", data["foo:c"]);
    }

    [Fact]
    public void Substitutions_SelfReferenceInPath_ResolvesToValueBelow() =>
        AssertEquivalent("foo { a : 2, c : 1 }", "foo : { a : { c : 1 } }\nfoo : ${foo.a}\nfoo : { a : 2 }");

    [Fact]
    public void Substitutions_SelfReferenceToObject_ResolvesToEarlierObject() =>
        AssertEquivalent("foo { a : 1 }", "foo : { a : 1 }\nfoo : ${foo}");

    [Fact]
    public void Substitutions_SelfReferenceBeforeAnyValue_IsAnError() =>
        Assert.Contains("substitution cycle: ${foo}", Hocon.ParseError("foo : ${foo}\nfoo : { a : 1 }").Message);

    [Fact]
    public void Substitutions_UndefinedOrderCase_SetsBothToTheSameValue()
    {
        var data = Hocon.Parse("a : 1\nb : 2\na : ${b}\nb : ${a}");

        Assert.Equal(data["a"], data["b"]);
    }

    [Fact]
    public void Substitutions_PlusEquals_IsOptionalSelfReferencingConcatenation() =>
        AssertEquivalent("a = ${?a} [b]", "a += b");

    // "Includes"
    [Fact]
    public void Includes_UnquotedIncludeLaterInKey_IsPartOfTheKey() =>
        Assert.Equal("42", Hocon.Parse("{ foo include : 42 }")["foo include"]);

    [Fact]
    public void Includes_IncludeAsObjectOrArrayValue_IsAString()
    {
        Assert.Equal("include", Hocon.Parse("{ foo : include }")["foo"]);
        Assert.Equal("include", Hocon.Parse("a = [ include ]")["a:0"]);
    }

    // "Multi-line strings"
    [Fact]
    public void MultiLineStrings_ExtraClosingQuotes_BelongToTheString() =>
        Assert.Equal("foo\"", Hocon.Parse("a = \"\"\"foo\"\"\"\"")["a"]);
}

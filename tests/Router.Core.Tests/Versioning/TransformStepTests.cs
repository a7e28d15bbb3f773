using static Router.Versioning.VersioningTestData;

namespace Router.Versioning;

public sealed class TransformStepTests
{
    [Fact]
    public void Rename_TopLevelField_KeepsItsPosition()
    {
        var result = Upcast("""{"a":1,"b":2}""", Step("rename", from: "a", to: "c"));

        Assert.Equal("""{"c":1,"b":2}""", result);
    }

    [Fact]
    public void Rename_ToNestedPath_CreatesParents()
    {
        var result = Upcast("""{"name":"Ada","id":7}""", Step("rename", from: "name", to: "author.profile.name"));

        Assert.Equal("""{"id":7,"author":{"profile":{"name":"Ada"}}}""", result);
    }

    [Fact]
    public void Rename_WithinNestedObject_RenamesThere()
    {
        var result = Upcast("""{"author":{"nm":"Ada","id":7}}""", Step("rename", from: "author.nm", to: "author.name"));

        Assert.Equal("""{"author":{"name":"Ada","id":7}}""", result);
    }

    [Fact]
    public void Rename_MissingSource_LeavesDataUnchanged()
    {
        var result = Upcast("""{"b":2}""", Step("rename", from: "a", to: "c"), Step("rename", from: "x.y", to: "z"));

        Assert.Equal("""{"b":2}""", result);
    }

    [Fact]
    public void Rename_NullValue_MovesTheNull()
    {
        var result = Upcast("""{"a":null}""", Step("rename", from: "a", to: "b"));

        Assert.Equal("""{"b":null}""", result);
    }

    [Fact]
    public void Rename_OntoExistingField_OverwritesIt()
    {
        var result = Upcast("""{"a":1,"b":2,"c":3}""", Step("rename", from: "a", to: "b"));

        Assert.Equal("""{"b":1,"c":3}""", result);
    }

    [Fact]
    public void Rename_ArrayValue_MovesItWhole()
    {
        var result = Upcast("""{"tags":["a",{"k":1}]}""", Step("rename", from: "tags", to: "labels"));

        Assert.Equal("""{"labels":["a",{"k":1}]}""", result);
    }

    [Fact]
    public void Rename_OpInUpperCase_IsAccepted()
    {
        var result = Upcast("""{"a":1}""", Step("RENAME", from: "a", to: "b"));

        Assert.Equal("""{"b":1}""", result);
    }

    [Fact]
    public void Move_OutOfNestedObject_KeepsTheEmptyParent()
    {
        var result = Upcast("""{"author":{"name":"Ada"}}""", Step("move", from: "author.name", to: "authorName"));

        Assert.Equal("""{"author":{},"authorName":"Ada"}""", result);
    }

    [Fact]
    public void Move_IntoNestedObject_CreatesParents()
    {
        var result = Upcast("""{"authorName":"Ada","meta":{"x":1}}""", Step("move", from: "authorName", to: "meta.author.name"));

        Assert.Equal("""{"meta":{"x":1,"author":{"name":"Ada"}}}""", result);
    }

    [Fact]
    public void Move_ValueUnderItsOwnName_WrapsItInAnObject()
    {
        var result = Upcast("""{"author":"Ada"}""", Step("move", from: "author", to: "author.name"));

        Assert.Equal("""{"author":{"name":"Ada"}}""", result);
    }

    [Fact]
    public void Move_ChildOntoItsParent_UnwrapsIt()
    {
        var result = Upcast("""{"author":{"name":"Ada","id":7}}""", Step("move", from: "author.name", to: "author"));

        Assert.Equal("""{"author":"Ada"}""", result);
    }

    [Fact]
    public void Move_TargetThroughScalar_LeavesDataUnchanged()
    {
        var result = Upcast("""{"a":1,"b":"text"}""", Step("move", from: "a", to: "b.c"));

        Assert.Equal("""{"a":1,"b":"text"}""", result);
    }

    [Fact]
    public void Move_TargetThroughArray_LeavesDataUnchanged()
    {
        var result = Upcast("""{"a":1,"b":[1]}""", Step("move", from: "a", to: "b.c"));

        Assert.Equal("""{"a":1,"b":[1]}""", result);
    }

    [Fact]
    public void Move_SourceThroughScalar_IsNoOp()
    {
        var result = Upcast("""{"a":"text"}""", Step("move", from: "a.b", to: "c"));

        Assert.Equal("""{"a":"text"}""", result);
    }

    [Fact]
    public void Copy_Object_CopiesDeeply()
    {
        var result = Upcast(
            """{"a":{"x":1,"list":[1,2]}}""",
            Step("copy", from: "a", to: "b"),
            Step("set", path: "a.x", value: "2"));

        Assert.Equal("""{"a":{"x":2,"list":[1,2]},"b":{"x":1,"list":[1,2]}}""", result);
    }

    [Fact]
    public void Copy_IntoItsOwnChild_CopiesTheOriginal()
    {
        var result = Upcast("""{"a":{"x":1}}""", Step("copy", from: "a", to: "a.b"));

        Assert.Equal("""{"a":{"x":1,"b":{"x":1}}}""", result);
    }

    [Fact]
    public void Copy_MissingSource_LeavesDataUnchanged()
    {
        var result = Upcast("""{"a":1}""", Step("copy", from: "missing", to: "b"));

        Assert.Equal("""{"a":1}""", result);
    }

    [Fact]
    public void Copy_NullValue_CopiesTheNull()
    {
        var result = Upcast("""{"a":null}""", Step("copy", from: "a", to: "n.b"));

        Assert.Equal("""{"a":null,"n":{"b":null}}""", result);
    }

    [Fact]
    public void Set_ExistingField_OverwritesInPlace()
    {
        var result = Upcast("""{"a":1,"b":2}""", Step("set", path: "a", value: "\"x\""));

        Assert.Equal("""{"a":"x","b":2}""", result);
    }

    [Fact]
    public void Set_MissingParents_CreatesThem()
    {
        var result = Upcast("""{"a":1}""", Step("set", path: "meta.source.kind", value: "\"import\""));

        Assert.Equal("""{"a":1,"meta":{"source":{"kind":"import"}}}""", result);
    }

    [Fact]
    public void Set_NullParent_ReplacesItWithAnObject()
    {
        var result = Upcast("""{"meta":null}""", Step("set", path: "meta.kind", value: "1"));

        Assert.Equal("""{"meta":{"kind":1}}""", result);
    }

    [Theory]
    [InlineData("\"text\"")]
    [InlineData("[1,2]")]
    [InlineData("42")]
    public void Set_ParentIsNotAnObject_LeavesDataUnchanged(string parent)
    {
        var json = $$"""{"meta":{{parent}}}""";

        var result = Upcast(json, Step("set", path: "meta.kind", value: "1"));

        Assert.Equal(json, result);
    }

    [Theory]
    [InlineData("0", "0")]
    [InlineData("-1.5e3", "-1.5e3")]
    [InlineData("true", "true")]
    [InlineData("null", "null")]
    [InlineData("\"x\"", "\"x\"")]
    [InlineData("{}", "{}")]
    [InlineData("{ \"k\" : [ 1, 2 ] }", "{\"k\":[1,2]}")]
    [InlineData("pending", "\"pending\"")]
    [InlineData("not json {", "\"not json {\"")]
    [InlineData("", "\"\"")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    public void Set_Value_IsParsedAsJsonElseTakenAsString(string value, string expected)
    {
        var result = Upcast("{}", Step("set", path: "v", value: value));

        Assert.Equal($$"""{"v":{{expected}}}""", result);
    }

    [Fact]
    public void Set_ObjectValueThenNestedSet_BuildsOnTheNewObject()
    {
        var result = Upcast("{}", Step("set", path: "meta", value: "{\"a\":1}"), Step("set", path: "meta.b", value: "2"));

        Assert.Equal("""{"meta":{"a":1,"b":2}}""", result);
    }

    [Fact]
    public void Default_MissingField_SetsIt()
    {
        var result = Upcast("""{"a":1}""", Step("default", path: "votes", value: "0"));

        Assert.Equal("""{"a":1,"votes":0}""", result);
    }

    [Fact]
    public void Default_NullField_SetsIt()
    {
        var result = Upcast("""{"votes":null,"a":1}""", Step("default", path: "votes", value: "0"));

        Assert.Equal("""{"votes":0,"a":1}""", result);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("false")]
    [InlineData("\"\"")]
    [InlineData("{}")]
    [InlineData("[]")]
    public void Default_PresentField_KeepsIt(string present)
    {
        var json = $$"""{"votes":{{present}}}""";

        var result = Upcast(json, Step("default", path: "votes", value: "5"));

        Assert.Equal(json, result);
    }

    [Fact]
    public void Default_MissingNestedField_CreatesParents()
    {
        var result = Upcast("""{"author":{"name":"Ada"}}""", Step("default", path: "author.role", value: "member"), Step("default", path: "x.y", value: "true"));

        Assert.Equal("""{"author":{"name":"Ada","role":"member"},"x":{"y":true}}""", result);
    }

    [Fact]
    public void Default_ParentIsScalar_LeavesDataUnchanged()
    {
        var result = Upcast("""{"author":"Ada"}""", Step("default", path: "author.role", value: "member"));

        Assert.Equal("""{"author":"Ada"}""", result);
    }

    [Fact]
    public void Remove_NestedField_KeepsTheParent()
    {
        var result = Upcast("""{"a":{"b":1},"c":2}""", Step("remove", path: "a.b"));

        Assert.Equal("""{"a":{},"c":2}""", result);
    }

    [Fact]
    public void Remove_NullField_RemovesIt()
    {
        var result = Upcast("""{"a":null,"c":2}""", Step("remove", path: "a"));

        Assert.Equal("""{"c":2}""", result);
    }

    [Theory]
    [InlineData("""{"c":2}""", "a")]
    [InlineData("""{"c":2}""", "a.b")]
    [InlineData("""{"a":"text"}""", "a.b")]
    [InlineData("""{"a":[{"b":1}]}""", "a.b")]
    public void Remove_MissingField_LeavesDataUnchanged(string json, string path)
    {
        var result = Upcast(json, Step("remove", path: path));

        Assert.Equal(json, result);
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("42")]
    [InlineData("\"text\"")]
    [InlineData("true")]
    [InlineData("null")]
    public void Convert_DataNotAnObject_PassesThrough(string json)
    {
        var result = Upcast(json, Step("set", path: "a", value: "1"), Step("remove", path: "b"));

        Assert.Equal(Compact(json), result);
    }

    [Fact]
    public void Convert_SeveralSteps_AppliesThemInOrder()
    {
        var result = Upcast(
            """{"title":"Why?","author":"Ada","legacy":true}""",
            Step("rename", from: "title", to: "text"),
            Step("move", from: "author", to: "author.name"),
            Step("copy", from: "author.name", to: "author.displayName"),
            Step("default", path: "votes", value: "0"),
            Step("remove", path: "legacy"),
            Step("set", path: "text", value: "\"replaced\""));

        Assert.Equal("""{"text":"replaced","author":{"name":"Ada","displayName":"Ada"},"votes":0}""", result);
    }

    [Fact]
    public void Convert_PathSegmentsWithDollarAndDash_AddressFields()
    {
        var result = Upcast("""{"$meta":{"created-by":"x"}}""", Step("rename", from: "$meta.created-by", to: "$meta.created_by"));

        Assert.Equal("""{"$meta":{"created_by":"x"}}""", result);
    }

    [Fact]
    public void Convert_NonAsciiAndHtmlCharacters_StayUnescaped()
    {
        var result = Upcast("""{"t":"héllo <b>&'+ ü€","a":1}""", Step("remove", path: "a"));

        Assert.Equal("""{"t":"héllo <b>&'+ ü€"}""", result);
    }

    [Fact]
    public void Convert_ControlCharacters_StayEscaped()
    {
        var result = Upcast("""{"t":"line1\nline2\r\u0000","a":1}""", Step("remove", path: "a"));

        Assert.Equal("""{"t":"line1\nline2\r\u0000"}""", result);
    }

    [Fact]
    public void Convert_DuplicatePropertyNames_LastOneWins()
    {
        var result = Upcast("""{"a":1,"o":{"x":1,"x":2},"a":3,"b":0}""", Step("rename", from: "o.x", to: "o.y"), Step("remove", path: "b"));

        Assert.Equal("""{"a":3,"o":{"y":2}}""", result);
    }

    [Fact]
    public void Set_ValueWithDuplicatePropertyNames_KeepsTheLast()
    {
        var result = Upcast("{}", Step("set", path: "meta", value: "{\"k\":1,\"k\":2}"), Step("set", path: "meta.j", value: "3"));

        Assert.Equal("""{"meta":{"k":2,"j":3}}""", result);
    }
}

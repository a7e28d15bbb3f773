namespace Router.Configuration.Hocon.Tests;

/// <summary>Duplicate keys, object merging and value concatenation of literals.</summary>
public sealed class MergeTests
{
    [Fact]
    public void Parse_LaterObject_MergesIntoEarlierObject()
    {
        var data = Hocon.Parse("a { x = 1 }\na { y = 2 }");

        Assert.Equal("a:x=1\na:y=2", Hocon.Dump(data));
    }

    [Fact]
    public void Parse_LaterScalar_ReplacesEarlierScalar()
    {
        Assert.Equal("2", Hocon.Parse("a = 1\na = 2")["a"]);
    }

    [Fact]
    public void Parse_LaterScalar_ReplacesEarlierObject()
    {
        var data = Hocon.Parse("a { x = 1 }\na = 2");

        Assert.Equal("a=2", Hocon.Dump(data));
    }

    [Fact]
    public void Parse_LaterObject_ReplacesEarlierScalar()
    {
        var data = Hocon.Parse("a = 2\na { x = 1 }");

        Assert.Equal("a:x=1", Hocon.Dump(data));
    }

    [Fact]
    public void Parse_DottedKeys_MergeIntoOneObject()
    {
        var data = Hocon.Parse("a.x = 1, a.y = 2\na { z = 3 }");

        Assert.Equal("a:x=1\na:y=2\na:z=3", Hocon.Dump(data));
    }

    [Fact]
    public void Parse_NestedObjects_MergeRecursively()
    {
        var data = Hocon.Parse("a { b { x = 1, y = 1 } }\na.b.y = 2\na { b { z = 3 } }");

        Assert.Equal("a:b:x=1\na:b:y=2\na:b:z=3", Hocon.Dump(data));
    }

    [Fact]
    public void Parse_LaterArray_ReplacesEarlierArray()
    {
        var data = Hocon.Parse("a = [1, 2, 3]\na = [4]");

        Assert.Equal("a:0=4", Hocon.Dump(data));
    }

    [Fact]
    public void Parse_AdjacentArrays_Concatenate()
    {
        var data = Hocon.Parse("a = [1, 2] [3, 4]");

        Assert.Equal("a:0=1\na:1=2\na:2=3\na:3=4", Hocon.Dump(data));
    }

    [Fact]
    public void Parse_AdjacentObjects_Merge()
    {
        var data = Hocon.Parse("a = { b : 1 } { c : 2 }");

        Assert.Equal("a:b=1\na:c=2", Hocon.Dump(data));
    }

    [Fact]
    public void Parse_StringsOnOneLine_ConcatenateWithWhitespace()
    {
        Assert.Equal("foo bar\"s 1 true", Hocon.Parse("a = foo \"bar\\\"s\" 1 true")["a"]);
    }

    [Fact]
    public void Parse_ArrayWithObjectConcatenation_IsAnError()
    {
        var error = Hocon.ParseError("a = [1] { b = 2 }");

        Assert.Contains("cannot concatenate an array with an object", error.Message);
    }

    [Fact]
    public void Parse_PlusEquals_AppendsToEarlierArray()
    {
        var data = Hocon.Parse("a = [1, 2]\na += 3");

        Assert.Equal("a:0=1\na:1=2\na:2=3", Hocon.Dump(data));
    }

    [Fact]
    public void Parse_PlusEqualsWithoutEarlierValue_StartsAnArray()
    {
        var data = Hocon.Parse("a += x\na += y");

        Assert.Equal("a:0=x\na:1=y", Hocon.Dump(data));
    }

    [Fact]
    public void Parse_PlusEqualsOnNestedPath_AppendsThere()
    {
        var data = Hocon.Parse("echo { always-deliver = [\"lock.*\"] }\necho.always-deliver += \"progress.*\"");

        Assert.Equal("echo:alwaysdeliver:0=lock.*\necho:alwaysdeliver:1=progress.*", Hocon.Dump(data));
    }

    [Fact]
    public void Parse_PlusEqualsOnScalar_IsAnError()
    {
        var error = Hocon.ParseError("a = 1\na += 2");

        Assert.Contains("'+=' appends to an array, but the earlier value is a number", error.Message);
        Assert.Equal(2, error.Line);
    }
}

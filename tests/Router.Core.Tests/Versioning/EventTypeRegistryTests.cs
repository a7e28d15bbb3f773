using System.Text;
using System.Text.Json.Nodes;
using Router.Events;
using static Router.Versioning.VersioningTestData;

namespace Router.Versioning;

public sealed class EventTypeRegistryTests
{
    private const string V1 = """{"title":"Why?","author":"Ada"}""";
    private const string V2 = """{"text":"Why?","author":"Ada"}""";
    private const string V3 = """{"text":"Why?","author":{"name":"Ada"},"votes":0}""";

    /// <summary>question.created: v1 → v2 renames title to text; v2 → v3 nests author and adds votes; and back down.</summary>
    private static EventTypeRegistry ThreeVersions() => Registry(
        Conversion(Question, 1, 2, Step("rename", from: "title", to: "text")),
        Conversion(Question, 2, 3, Step("move", from: "author", to: "author.name"), Step("default", path: "votes", value: "0")),
        Conversion(Question, 3, 2, Step("move", from: "author.name", to: "author"), Step("remove", path: "votes")),
        Conversion(Question, 2, 1, Step("rename", from: "text", to: "title")));

    [Fact]
    public void TryConvert_SameVersion_ReturnsTheInputBytes()
    {
        var input = new ReadOnlyMemory<byte>(Encoding.UTF8.GetBytes("""{ "title" : "Why?" }"""));

        var converted = ThreeVersions().TryConvert(EventType.Parse("question.created.v2"), 2, input, out var output);

        Assert.True(converted);
        Assert.True(input.Equals(output));
    }

    [Fact]
    public void TryConvert_SameVersionOfUnknownType_ReturnsTheInputBytes()
    {
        var input = new ReadOnlyMemory<byte>(Encoding.UTF8.GetBytes("not even json"));

        var converted = EventTypeRegistry.Empty.TryConvert(EventType.Parse("other.thing.v4"), 4, input, out var output);

        Assert.True(converted);
        Assert.True(input.Equals(output));
    }

    [Fact]
    public void TryConvert_UpOneStep_AppliesThatUpcast()
    {
        Assert.Equal(V2, Convert(ThreeVersions(), "question.created.v1", 2, V1));
    }

    [Fact]
    public void TryConvert_UpTwoSteps_AppliesTheChain()
    {
        Assert.Equal(V3, Convert(ThreeVersions(), "question.created.v1", 3, V1));
    }

    [Fact]
    public void TryConvert_DownTwoSteps_AppliesTheChain()
    {
        Assert.Equal(V1, Convert(ThreeVersions(), "question.created.v3", 1, V3));
    }

    [Fact]
    public void TryConvert_IndentedInput_WritesCompactJson()
    {
        var indented = "{\n  \"title\": \"Why?\",\n  \"author\": \"Ada\"\n}";

        Assert.Equal(V2, Convert(ThreeVersions(), "question.created.v1", 2, indented));
    }

    [Fact]
    public void TryConvert_NoDowncastDefined_ReturnsFalseAndTheInput()
    {
        var registry = Registry(Conversion(Question, 1, 2), Conversion(Question, 2, 3));
        var input = new ReadOnlyMemory<byte>(Encoding.UTF8.GetBytes(V3));

        var converted = registry.TryConvert(EventType.Parse("question.created.v3"), 1, input, out var output);

        Assert.False(converted);
        Assert.True(input.Equals(output));
    }

    [Theory]
    [InlineData("question.created.v1", 4)]
    [InlineData("question.created.v1", 0)]
    [InlineData("question.created.v5", 3)]
    [InlineData("answer.posted.v1", 2)]
    public void TryConvert_NoPath_ReturnsFalse(string stored, int target)
    {
        var input = new ReadOnlyMemory<byte>(Encoding.UTF8.GetBytes("{}"));

        Assert.False(ThreeVersions().TryConvert(EventType.Parse(stored), target, input, out var output));
        Assert.True(input.Equals(output));
    }

    [Fact]
    public void TryConvert_NoPath_DoesNotParseTheData()
    {
        var input = new ReadOnlyMemory<byte>(Encoding.UTF8.GetBytes("not json"));

        Assert.False(ThreeVersions().TryConvert(EventType.Parse("question.created.v1"), 4, input, out _));
    }

    [Theory]
    [InlineData("{\"title\":")]
    [InlineData("{\"a\":1,\"a\":}")]
    [InlineData("")]
    public void TryConvert_MalformedData_ThrowsJsonException(string data)
    {
        var input = new ReadOnlyMemory<byte>(Encoding.UTF8.GetBytes(data));

        Assert.ThrowsAny<System.Text.Json.JsonException>(() => ThreeVersions().TryConvert(EventType.Parse("question.created.v1"), 2, input, out _));
    }

    [Fact]
    public void TryConvert_CSharpConverterBesideDeclaredOnes_JoinsTheChain()
    {
        var nestAuthor = new DelegateConverter(Question, 2, 3, data =>
        {
            var obj = data!.AsObject();
            obj["author"] = new JsonObject { ["name"] = obj["author"]!.GetValue<string>().ToUpperInvariant() };
            return obj;
        });
        var registry = EventTypeRegistry.Build(
            new VersioningOptions { Conversions = [Conversion(Question, 1, 2, Step("rename", from: "title", to: "text"))] },
            [nestAuthor]);

        var result = Convert(registry, "question.created.v1", 3, V1);

        Assert.Equal("""{"text":"Why?","author":{"name":"ADA"}}""", result);
        Assert.Equal(3, registry.NewestVersion(Question));
    }

    [Fact]
    public void TryConvert_CSharpConverterReturningAnotherNode_UsesThatNode()
    {
        var wrap = new DelegateConverter("answer.posted", 1, 2, data => new JsonArray(data));
        var registry = EventTypeRegistry.Build(null, [wrap]);

        Assert.Equal("""[{"a":1}]""", Convert(registry, "answer.posted.v1", 2, """{"a":1}"""));
        Assert.Equal("[null]", Convert(registry, "answer.posted.v1", 2, "null"));
    }

    [Fact]
    public void TryConvert_ConversionWithoutSteps_LinksVersionsUnchanged()
    {
        var registry = Registry(Conversion(Question, 1, 2), Conversion(Question, 2, 3, Step("set", path: "v", value: "3")));

        Assert.Equal("""{"a":1,"v":3}""", Convert(registry, "question.created.v1", 3, """{ "a": 1 }"""));
    }

    [Fact]
    public async Task TryConvert_ParallelCallsOnOneInput_GiveIdenticalBytes()
    {
        var registry = ThreeVersions();
        var stored = EventType.Parse("question.created.v1");
        var input = new ReadOnlyMemory<byte>(Encoding.UTF8.GetBytes(V1));
        Assert.True(registry.TryConvert(stored, 3, input, out var expected));
        using var start = new Barrier(8);

        var workers = Enumerable.Range(0, 8).Select(_ => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                var outputs = new List<byte[]>();
                for (var i = 0; i < 500; i++)
                {
                    Assert.True(registry.TryConvert(stored, 3, input, out var converted));
                    outputs.Add(converted.ToArray());
                }
                return outputs;
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default));
        var results = await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(results.SelectMany(r => r), bytes => Assert.True(expected.Span.SequenceEqual(bytes)));
        Assert.Equal(V1, Encoding.UTF8.GetString(input.Span));
    }

    [Fact]
    public void NewestVersion_CountsEveryVersionMentioned()
    {
        var registry = Registry(Conversion(Question, 1, 2), Conversion("answer.posted", 4, 3));

        Assert.Equal(2, registry.NewestVersion(Question));
        Assert.Equal(4, registry.NewestVersion("answer.posted"));
        Assert.Null(registry.NewestVersion("unknown.type"));
    }

    [Fact]
    public void KnownVersions_ListsMentionedVersionsAscending()
    {
        var registry = ThreeVersions();

        Assert.Equal([1, 2, 3], registry.KnownVersions(Question));
        Assert.Empty(registry.KnownVersions("unknown.type"));
        Assert.Equal([Question], registry.BaseTypes);
    }

    [Fact]
    public void Build_NoOptionsAndNoConverters_KnowsNoTypes()
    {
        var registry = EventTypeRegistry.Build(null, []);

        Assert.Empty(registry.BaseTypes);
        Assert.Empty(EventTypeRegistry.Build(new VersioningOptions(), []).BaseTypes);
    }

    [Theory]
    [InlineData("question.created.v1", "question.created.v3")]
    [InlineData("question.created.v3", "question.created.v3")]
    [InlineData("question.created.v7", "question.created.v7")]
    [InlineData("answer.posted.v2", "answer.posted.v2")]
    public void ResolveTarget_NoPins_ChoosesNewestRegisteredElseStored(string stored, string expected)
    {
        var target = ThreeVersions().ResolveTarget(EventType.Parse(stored), VersionPins.None);

        Assert.Equal(EventType.Parse(expected), target);
    }

    [Theory]
    [InlineData("question.created.v3", "question.created.v1")]
    [InlineData("question.created.v1", "question.created.v1")]
    [InlineData("answer.posted.v1", "answer.posted.v2")]
    [InlineData("other.thing.v5", "other.thing.v5")]
    public void ResolveTarget_WithPins_ChoosesPinnedVersion(string stored, string expected)
    {
        var pins = VersionPins.Parse("question.created.v1,answer.posted.v2");

        var target = ThreeVersions().ResolveTarget(EventType.Parse(stored), pins);

        Assert.Equal(EventType.Parse(expected), target);
    }

    [Fact]
    public void ResolveTarget_PinForAnotherType_StillUpcastsToNewest()
    {
        var target = ThreeVersions().ResolveTarget(EventType.Parse("question.created.v1"), VersionPins.Parse("answer.posted.v1"));

        Assert.Equal(EventType.Parse("question.created.v3"), target);
    }
}

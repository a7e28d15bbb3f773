using System.Runtime.InteropServices;
using System.Text;

namespace Router.Host.Ingest;

/// <summary>The publish body parser on its own: what it hands the journal, and what it avoids copying.</summary>
public sealed class EventBatchParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    private static readonly PublishOptions Limits = new() { MaxBody = 1 << 20, MaxData = 64 * 1024, MaxBatch = 1000, RetryAfter = TimeSpan.FromSeconds(1) };

    private static List<Journal.EventToAppend> Parse(byte[] body)
    {
        Assert.Null(new EventBatchParser(Limits).TryParse(body, null, Now, out var events));
        return events;
    }

    [Fact]
    public void TryParse_CompactData_KeepsTheProducersBytesAsASliceOfTheBody()
    {
        var body = Encoding.UTF8.GetBytes("""[{"type":"a.v1","data":{"text":"two words","n":[1,2]}},{"type":"a.v1","data":"x y"}]""");

        var events = Parse(body);

        Assert.Equal("""{"text":"two words","n":[1,2]}""", Encoding.UTF8.GetString(events[0].Data.Span));
        Assert.Equal("\"x y\"", Encoding.UTF8.GetString(events[1].Data.Span));
        Assert.All(events, e =>
        {
            Assert.True(MemoryMarshal.TryGetArray(e.Data, out var segment));
            Assert.Same(body, segment.Array); // no copy per event
        });
    }

    [Fact]
    public void TryParse_DataWithWhitespaceBetweenTokens_IsRewrittenCompact()
    {
        var events = Parse(Encoding.UTF8.GetBytes("{\"type\":\"a.v1\",\"data\":{ \"text\" :\r\n \"a \\\" b\",\t\"n\": [1, 2] }}"));

        Assert.Equal("""{"text":"a \" b","n":[1,2]}""", Encoding.UTF8.GetString(events[0].Data.Span));
    }

    [Fact]
    public void TryParse_EventsWithAndWithoutId_OnlyGeneratedIdsAreMarkedGenerated()
    {
        var events = Parse(Encoding.UTF8.GetBytes("""[{"type":"a.v1","id":"mine"},{"type":"a.v1"},{"type":"a.v1","id":null}]"""));

        Assert.Equal("mine", events[0].EventId);
        Assert.False(events[0].IdGenerated);
        Assert.True(events[1].IdGenerated);
        Assert.True(Guid.TryParse(events[1].EventId, out var generated));
        Assert.Equal(7, generated.Version);
        Assert.True(events[2].IdGenerated);
        Assert.NotEqual(events[1].EventId, events[2].EventId);
    }

    [Fact]
    public void TryParse_SameTypeAndQueueTwice_ValidatesEachAndReturnsTheSameStrings()
    {
        var events = Parse(Encoding.UTF8.GetBytes("""[{"type":"question.created.v1","queue":"town-hall"},{"type":"question.created.v1","queue":"town-hall"}]"""));

        Assert.Equal("question.created.v1", events[0].Type);
        Assert.Same(events[0].Type, events[1].Type);
        Assert.Equal("town-hall", events[0].Queue);
        Assert.Same(events[0].Queue, events[1].Queue);
    }

    [Theory]
    [InlineData("""{"type":"question.created.v1\n"}""", "type")]
    [InlineData("""{"type":"question.created\u002ev1"}""", null)]
    [InlineData("""{"type":"a.v1","queue":"Town-Hall"}""", "queue")]
    [InlineData("""{"type":"a.v1","queue":"town\u002dhall"}""", null)]
    public void TryParse_EscapedOrInvalidNames_ValidatedLikeAnyOther(string body, string? failingField)
    {
        // Warm the cache with the valid spellings first: an escaped or invalid spelling must not hit it wrongly.
        Parse(Encoding.UTF8.GetBytes("""{"type":"question.created.v1","queue":"town-hall"}"""));

        var error = new EventBatchParser(Limits).TryParse(Encoding.UTF8.GetBytes(body), null, Now, out var events);

        Assert.Equal(failingField, error?.Field);
        if (failingField is null)
        {
            var only = Assert.Single(events);
            Assert.True(only.Type == "question.created.v1" || only.Queue == "town-hall");
        }
    }
}

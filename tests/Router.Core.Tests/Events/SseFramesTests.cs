using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Router.Journal;
using Router.Tenants;
using Router.TestKit;

namespace Router.Events;

public sealed class SseFramesTests
{
    private static readonly TenantId s_tenant = TenantId.Parse("acme");

    /// <summary>Events that exercise every optional attribute and the escaping of producer-written strings.</summary>
    public static TheoryData<string?, string?, string, bool> Events() => new()
    {
        { "town-hall", "tab-1", """{"text":"hi"}""", false },
        { "town-hall", "tab-1", """{"text":"hi"}""", true },
        { null, null, "{}", false },
        { null, "tab \"quoted\" <b>", """{"text":"line\nbreak","n":[1,2.5,-3e2],"u":"ünï €"}""", true },
        { "q", "tab\r\nnewline", """ {"spaced" : true} """, false },
        { "q", null, "[1,2,3]", true },
        { "q", null, "\"just a string\"", false },
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void EventFrame_AnyEvent_SameBytesAsTheEnvelopeWrittenFieldByField(string? queue, string? origin, string data, bool typeAsEventField)
    {
        var stored = Stored(queue, origin, data, position: 9_007_199_254_740_993);

        var frame = SseFrames.EventFrame(s_tenant, stored, "question.created.v2", stored.Data, typeAsEventField);

        Assert.Equal(Reference(stored, "question.created.v2", typeAsEventField), Encoding.UTF8.GetString(frame));
    }

    [Theory]
    [MemberData(nameof(Events))]
    public async Task WriteEventFrame_IntoAPipe_SameBytesAsTheSharedLiveFrame(string? queue, string? origin, string data, bool typeAsEventField)
    {
        var stored = Stored(queue, origin, data, position: 42);
        var pipe = new Pipe();
        var json = SseFrames.CreateJsonWriter(pipe.Writer);
        var names = EnvelopeNames.For(s_tenant, queue);

        // Twice with one JSON writer: the second frame must not depend on the first having been written.
        SseFrames.WriteEventFrame(pipe.Writer, json, names, stored, "question.created.v2"u8, stored.Data.Span, typeAsEventField);
        SseFrames.WriteEventFrame(pipe.Writer, json, names, stored, "question.created.v2"u8, stored.Data.Span, typeAsEventField);
        await pipe.Writer.CompleteAsync();
        var written = await ReadAllAsync(pipe.Reader).DefaultTimeout();

        var live = SseFrames.EventFrame(s_tenant, stored, "question.created.v2", stored.Data, typeAsEventField);
        Assert.Equal([.. live, .. live], written);
    }

    [Fact]
    public async Task WriteEventFrame_PayloadLargerThanAPipeSegment_WrittenWhole()
    {
        var data = $$"""{"text":"{{new string('x', 70_000)}}"}""";
        var stored = Stored("q", null, data, position: 7);
        var pipe = new Pipe();

        SseFrames.WriteEventFrame(pipe.Writer, SseFrames.CreateJsonWriter(pipe.Writer), EnvelopeNames.For(s_tenant, "q"), stored, "question.created.v2"u8, stored.Data.Span, false);
        await pipe.Writer.CompleteAsync();

        Assert.Equal(Reference(stored, "question.created.v2", false), Encoding.UTF8.GetString(await ReadAllAsync(pipe.Reader).DefaultTimeout()));
    }

    [Fact]
    public void EventFrame_CorruptStoredData_Throws()
    {
        var stored = Stored("q", null, """{"text":""", position: 1);

        Assert.ThrowsAny<JsonException>(() => SseFrames.EventFrame(s_tenant, stored, "question.created.v2", stored.Data, false));
        // The thread's scratch writer is still usable afterwards.
        var good = Stored("q", null, "{}", position: 2);
        Assert.Equal(Reference(good, "question.created.v2", false), Encoding.UTF8.GetString(SseFrames.EventFrame(s_tenant, good, "question.created.v2", good.Data, false)));
    }

    [Theory]
    [InlineData("""{"a":\n1}""")] // valid JSON, but the line break (whitespace) would end the data: line
    [InlineData("""{"a":1} {"b":2}""")]
    [InlineData("")]
    public void EventFrame_StoredDataThatWouldBreakTheFrame_Throws(string data)
    {
        var stored = Stored("q", null, data.Replace("\\n", "\n", StringComparison.Ordinal), position: 1);

        Assert.ThrowsAny<JsonException>(() => SseFrames.EventFrame(s_tenant, stored, "question.created.v2", stored.Data, false));
    }

    [Fact]
    public void IsPlain_EveryAsciiCharacter_TrueExactlyWhenTheEncoderKeepsIt()
    {
        for (var c = (char)0; c < 128; c++)
        {
            var text = new string(c, 1);
            Assert.Equal(SseFrames.Encode(text).Value == text, SseFrames.IsPlain(text));
        }
    }

    [Fact]
    public void EventFrame_PlainAndEscapedIds_SameBytesAsTheEnvelopeWrittenFieldByField()
    {
        // Plain ids and origins take the byte-by-byte path; the others the JSON writer's: both must match the reference.
        foreach (var (id, origin) in new[] { ("0193a4b2-7c1d-7e00-8000-1234567890ab", "tab-1"), ("plain", "tab \"q\""), ("ünï", null), ("a\\b", "ok") })
        {
            var stored = Stored("q", origin, """{"n":1}""", position: 5) with { EventId = id };

            var frame = SseFrames.EventFrame(s_tenant, stored, "question.created.v2", stored.Data, true);

            Assert.Equal(Reference(stored, "question.created.v2", true), Encoding.UTF8.GetString(frame));
        }
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(638_000_000_009_999_999L)]
    [InlineData(3_155_378_975_999_999_999L)] // 9999-12-31T23:59:59.9999999
    public void FormatTime_EdgeInstants_SameAsTheCustomFormat(long ticks)
    {
        var time = new DateTimeOffset(ticks, TimeSpan.Zero);

        Assert.Equal(CustomFormat(time), Format(time));
    }

    [Fact]
    public void FormatTime_ManyInstantsAndOffsets_SameAsTheCustomFormat()
    {
        var random = new Random(20261122);
        for (var i = 0; i < 10_000; i++)
        {
            var utcTicks = random.NextInt64(TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay);
            var offset = TimeSpan.FromMinutes(random.Next(-14 * 60, 14 * 60 + 1));
            var time = new DateTimeOffset(utcTicks, TimeSpan.Zero).ToOffset(offset);

            Assert.Equal(CustomFormat(time), Format(time));
        }
    }

    private static string CustomFormat(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static JournalEvent Stored(string? queue, string? origin, string data, long position) => new(
        new Position(position),
        "evt-\"1\"\n",
        "question.created.v1",
        queue,
        new DateTimeOffset(2026, 11, 22, 10, 0, 0, 123, TimeSpan.FromHours(2)).AddTicks(9_999),
        Encoding.UTF8.GetBytes(data),
        null,
        origin);

    /// <summary>The frame as the router wrote it before frames were written straight into responses: every value as a string.</summary>
    private static string Reference(JournalEvent stored, string type, bool typeAsEventField)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("specversion", "1.0");
            json.WriteString("id", stored.EventId);
            json.WriteString("type", type);
            json.WriteString("source", stored.Queue is null ? $"/tenants/{s_tenant.Value}" : $"/tenants/{s_tenant.Value}/queues/{stored.Queue}");
            json.WriteString("time", CustomFormat(stored.Time));
            json.WriteString("datacontenttype", "application/json");
            json.WriteString("tenant", s_tenant.Value);
            if (stored.Queue is not null)
            {
                json.WriteString("queue", stored.Queue);
            }
            json.WriteString("sequence", stored.Position.ToString());
            if (stored.OriginClientId is not null)
            {
                json.WriteString("originclientid", stored.OriginClientId);
            }
            json.WritePropertyName("data");
            json.WriteRawValue(stored.Data.Span);
            json.WriteEndObject();
        }
        var eventLine = typeAsEventField ? $"event: {type}\n" : "";
        return $"{eventLine}id: {stored.Position}\ndata: {Encoding.UTF8.GetString(buffer.WrittenSpan)}\n\n";
    }

    private static async Task<byte[]> ReadAllAsync(PipeReader reader)
    {
        using var bytes = new MemoryStream();
        await reader.CopyToAsync(bytes);
        return bytes.ToArray();
    }

    private static string Format(DateTimeOffset time)
    {
        var utf8 = new byte[SseFrames.TimeLength];
        SseFrames.WriteTime(time, utf8);
        return System.Text.Encoding.ASCII.GetString(utf8);
    }
}

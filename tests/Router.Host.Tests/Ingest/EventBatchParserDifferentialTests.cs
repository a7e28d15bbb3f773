using System.Text;

namespace Router.Host.Ingest;

/// <summary>
/// <see cref="EventBatchParser"/> (one forward pass of Utf8JsonReader) answers exactly as the JsonDocument parser it
/// replaced (<see cref="JsonDocumentEventBatchParser"/>): the same error (status, field, index, message) or the same
/// events, for seeded random bodies, valid and mutated. The one intended difference: where the old parser threw
/// (an escaped lone surrogate, a 500), the new one refuses the body with a 400.
/// </summary>
public sealed class EventBatchParserDifferentialTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    private static readonly PublishOptions Limits = new() { MaxBody = 1 << 20, MaxData = 200, MaxBatch = 6, RetryAfter = TimeSpan.FromSeconds(1) };

    private static readonly string[] s_keys = ["a", "b", "\\u0061", "type", "t\\u0079pe", "data", "id", "queue", "users", "roles", "x"];

    private static readonly string[] s_scalars =
    [
        "1", "-2.5e3", "true", "false", "null", "\"\"", "\"question.created.v1\"", "\"q\\u0075estion.created.v1\"", "\"town-hall\"", "\"Town\"",
        "\"a b\"", "\"\\n\"", "\"\\u00e9t\\u00e9\"", "\"é\"", "\"\\ud83d\\ude00\"", "\"\\\"\"", "\"\\u001f\"", "\"\\u0085\"", "\"<&>'\"",
    ];

    [Fact]
    public void TryParse_SeededRandomBodies_AnswersAsTheJsonDocumentParser()
    {
        var random = new Random(20261122);
        var compared = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var body = RandomBody(random);
            if (random.Next(3) == 0)
            {
                body = Mutate(random, body);
            }
            AssertSameAnswer(body);
            compared++;
        }
        Assert.Equal(20_000, compared);
    }

    [Theory]
    [InlineData("""{"type":"a.v1","data":{"a":{"b":{"c":{"d":{"e":1,"e":2}}}}}}""")]
    [InlineData("""{"type":"a.v1","data":{"a":1,"\u0061":2}}""")]
    [InlineData("""{"type":"a.v1","data":{"\u00e9":1,"é":2}}""")]
    [InlineData("""{"type":"a.v1","data":{"a":1,"a":2,"z":{"b":1,"b":2}}}""")]
    [InlineData("""[{"type":"a.v1","data":{"c":1,"c":2}},{"type":"a.v1","data":{"y":{"d":1,"d":2}}}]""")]
    [InlineData("""{"type":"a.v1","data":{"b":1,"a":1,"a":2,"b":2}}""")]
    [InlineData("""{"type":"a.v1","data":{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k3":3}}""")]
    [InlineData("""{"type":"a.v1","data":{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9}}""")]
    [InlineData("""{"type":"a.v1","data":[{"a":1},{"a":2}],"audience":{"users":["u"],"roles":["r"]}}""")]
    [InlineData("""{"type":"a.v1","data":{"a":{"a":{"a":1}}}}""")]
    [InlineData("""[{"type":"bad"},{"type":"a.v1",}]""")]
    [InlineData("""[{"type":"bad"},{"type":"a.v1","x":1,"x":2}]""")]
    [InlineData("""[{"type":"a.v1","type":"a.v1"},{"type":"a.v1",]""")]
    [InlineData("""[{"type":"bad"},{},{},{},{},{},{}]""")]
    [InlineData("""[{"type":"a.v1","audience":{"users":[1,2,3]}},{}]""")]
    [InlineData("""{"type":"a.v1","audience":{"users":["a","a"],"groups":[]}, "data" : { "s" : "x\u0041\"" } }""")]
    [InlineData("""{"type":"a.v1","audience":{"users":["\u00e9\u2028<>&"]}}""")]
    [InlineData("""{"type":"a.v1","audience":{"us\u0065rs":["a"]}}""")]
    [InlineData("""{"type":"a.v1","audience":{"admins":["a"]}}""")]
    [InlineData("""{"type":"a.v1","audience":{"users":null}}""")]
    [InlineData("""{"type":"a.v1","data":"too long for the two hundred byte limit of these tests: 0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"}""")]
    [InlineData("""{"typ\u0065":"a.v1","qu\u0065ue":"q","\u0069d":"i"}""")]
    [InlineData("""{"type":"a.v1","unknown\u0000":1}""")]
    [InlineData(" \r\n\t[ {\"type\" : \"a.v1\" } ] \n")]
    [InlineData("""{"type":"a.v1"} x""")]
    [InlineData("""{"type":"a.v1"}{}""")]
    [InlineData("")]
    [InlineData("  ")]
    public void TryParse_EdgeCase_AnswersAsTheJsonDocumentParser(string body) => AssertSameAnswer(body);

    [Theory]
    [InlineData(63, null)]
    [InlineData(64, "body")]
    public void TryParse_NestingAroundTheLimit_AnswersAsTheJsonDocumentParser(int arrays, string? field)
    {
        // The event object is depth 1 and data's first array depth 2: 63 arrays reach depth 64, the limit.
        var body = $$"""{"type":"a.v1","data":{{new string('[', arrays)}}{{new string(']', arrays)}}}""";

        var error = AssertSameAnswer(body);

        Assert.Equal(field, error?.Field);
    }

    [Fact]
    public void TryParse_ObjectWithThousandsOfKeys_CheckedInLinearTime()
    {
        var keys = Enumerable.Range(0, 20_000).Select(i => $"\"k{i}\":{i}");
        var distinct = "{\"type\":\"a.v1\",\"data\":{" + string.Join(',', keys) + "}}";
        var repeated = "{\"type\":\"a.v1\",\"data\":{" + string.Join(',', keys) + ",\"k19999\":0}}";
        var limits = new PublishOptions { MaxBody = 1 << 20, MaxData = 1 << 20, MaxBatch = 6, RetryAfter = TimeSpan.FromSeconds(1) };

        Assert.Null(new EventBatchParser(limits).TryParse(Encoding.UTF8.GetBytes(distinct), null, Now, out _));
        var error = new EventBatchParser(limits).TryParse(Encoding.UTF8.GetBytes(repeated), null, Now, out _);

        Assert.Equal("The body is not valid JSON: Duplicate property 'k19999' encountered during deserialization.", error?.Message);
    }

    [Theory]
    [InlineData("""{"type":"a.v1","data":{"\ud800":1}}""", "body")]
    [InlineData("""{"type":"a.v1","data":{"\udc00":1,"\udc00":1}}""", "body")]
    [InlineData("""{"type":"a.\ud800v1"}""", "type")]
    [InlineData("""{"type":"a.v1","queue":"\ud800"}""", "queue")]
    [InlineData("""{"type":"a.v1","id":"x\ud800"}""", "id")]
    [InlineData("""{"type":"a.v1","originClientId":"\udfff"}""", "originClientId")]
    [InlineData("""{"type":"a.v1","audience":{"users":["\ud800"]}}""", "audience.users")]
    public void TryParse_EscapedLoneSurrogate_Returns400Where_JsonDocumentThrew(string body, string field)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        Assert.Throws<InvalidOperationException>(() => new JsonDocumentEventBatchParser(Limits).TryParse(bytes, null, Now, out _));

        var error = new EventBatchParser(Limits).TryParse(bytes, null, Now, out _);

        Assert.Equal(400, error?.Status);
        Assert.Equal(field, error?.Field);
    }

    [Fact]
    public void TryParse_LoneSurrogateInData_KeptAsSent()
    {
        // Neither parser reads data's strings, so both keep them as sent.
        AssertSameAnswer("""{"type":"a.v1","data":{"s":"\ud800"}}""");
    }

    private static IngestError? AssertSameAnswer(string text)
    {
        var body = Encoding.UTF8.GetBytes(text);
        IngestError? expected;
        List<Journal.EventToAppend> oldEvents;
        try
        {
            expected = new JsonDocumentEventBatchParser(Limits).TryParse(body, "header", Now, out oldEvents);
        }
        catch (InvalidOperationException)
        {
            var refused = new EventBatchParser(Limits).TryParse(body, "header", Now, out _);
            Assert.True(refused is { Status: 400 }, $"the old parser threw on {text}; the new one must refuse it with a 400, not {refused}");
            return refused;
        }
        var actual = new EventBatchParser(Limits).TryParse(body, "header", Now, out var events);
        Assert.True(expected == actual, $"body {text}\nexpected {expected}\nactual   {actual}");
        if (expected is null)
        {
            Assert.Equal(oldEvents.Count, events.Count);
            for (var i = 0; i < events.Count; i++)
            {
                var (o, n) = (oldEvents[i], events[i]);
                Assert.Equal(o.IdGenerated, n.IdGenerated);
                if (!o.IdGenerated)
                {
                    Assert.Equal(o.EventId, n.EventId);
                }
                Assert.Equal(o.Type, n.Type);
                Assert.Equal(o.Queue, n.Queue);
                Assert.Equal(o.Time, n.Time);
                Assert.Equal(o.OriginClientId, n.OriginClientId);
                Assert.True(o.Data.Span.SequenceEqual(n.Data.Span), $"data of {text}: {Encoding.UTF8.GetString(o.Data.Span)} vs {Encoding.UTF8.GetString(n.Data.Span)}");
                Assert.Equal(o.Audience is null, n.Audience is null);
                if (o.Audience is { } audience)
                {
                    Assert.True(audience.Span.SequenceEqual(n.Audience!.Value.Span), $"audience of {text}: {Encoding.UTF8.GetString(audience.Span)} vs {Encoding.UTF8.GetString(n.Audience.Value.Span)}");
                }
            }
        }
        return actual;
    }

    private static string RandomBody(Random random)
    {
        if (random.Next(6) == 0)
        {
            return RandomEvent(random);
        }
        var count = random.Next(9);
        return "[" + string.Join(Space(random) + "," + Space(random), Enumerable.Range(0, count).Select(_ => RandomEvent(random))) + "]";
    }

    private static string RandomEvent(Random random)
    {
        if (random.Next(25) == 0)
        {
            return RandomValue(random, 0);
        }
        var fields = new List<string>();
        if (random.Next(8) != 0)
        {
            fields.Add(Pick(random, ["\"type\":\"question.created.v1\"", "\"type\":\"a.v2\"", "\"type\":\"Bad\"", "\"type\":null", "\"type\":\"q\\u0075estion.v1\"", "\"type\":[\"a.v1\"]"]));
        }
        var extra = random.Next(4);
        for (var i = 0; i < extra; i++)
        {
            fields.Add(random.Next(9) switch
            {
                0 => "\"data\":" + RandomValue(random, 0),
                1 => "\"data\":" + RandomValue(random, 0),
                2 => "\"queue\":" + Pick(random, ["\"town-hall\"", "\"Town\"", "null", "7", "\"t\\u006fwn\""]),
                3 => "\"id\":" + Pick(random, ["\"id-1\"", "null", "\"\"", "\"a\\nb\"", "{}", "\"" + new string('x', 129) + "\"", "\"\\u00e9\""]),
                4 => "\"originClientId\":" + Pick(random, ["\"tab\"", "null", "1.5", "\"\\u0085\""]),
                5 => "\"audience\":" + RandomAudience(random),
                6 => "\"" + Pick(random, s_keys) + "\":" + RandomValue(random, 1),
                _ => "\"data\":" + RandomValue(random, 0),
            });
        }
        Shuffle(random, fields);
        return "{" + Space(random) + string.Join(Space(random) + "," + Space(random), fields) + Space(random) + "}";
    }

    private static string RandomAudience(Random random)
    {
        if (random.Next(6) == 0)
        {
            return Pick(random, ["null", "\"users\"", "[]", "{\"users\":\"u\"}", "{\"admins\":[]}"]);
        }
        var lists = new List<string>();
        foreach (var name in new[] { "users", "groups", "roles", "us\\u0065rs" })
        {
            if (random.Next(2) == 0)
            {
                var entries = Enumerable.Range(0, random.Next(4)).Select(_ => Pick(random, ["\"u-1\"", "\"g\"", "\"\"", "\"\\u0000\"", "\"é<>\"", "\"\\u00e9\"", "1", "\"" + new string('y', 257) + "\""]));
                lists.Add("\"" + name + "\":" + Space(random) + "[" + string.Join(",", entries) + "]");
            }
        }
        return "{" + string.Join(Space(random) + ",", lists) + "}";
    }

    private static string RandomValue(Random random, int depth)
    {
        var kind = depth > 4 ? 0 : random.Next(4);
        if (kind <= 1)
        {
            return Pick(random, s_scalars);
        }
        var count = random.Next(4);
        if (kind == 2)
        {
            return "[" + Space(random) + string.Join("," + Space(random), Enumerable.Range(0, count).Select(_ => RandomValue(random, depth + 1))) + "]";
        }
        return "{" + string.Join(",", Enumerable.Range(0, count).Select(_ => "\"" + Pick(random, s_keys) + "\"" + Space(random) + ":" + RandomValue(random, depth + 1))) + Space(random) + "}";
    }

    private static string Mutate(Random random, string body)
    {
        if (body.Length == 0)
        {
            return body;
        }
        var at = random.Next(body.Length);
        return random.Next(3) switch
        {
            0 => body.Remove(at, 1),
            1 => body.Insert(at, Pick(random, ["{", "}", "[", "]", ",", ":", "\"", "\\", " ", "\n", "1", "x"])),
            _ => body[..at] + body[random.Next(body.Length)..],
        };
    }

    private static string Space(Random random) => random.Next(5) == 0 ? Pick(random, [" ", "\n", "\r\n ", "\t"]) : "";

    private static string Pick(Random random, string[] choices) => choices[random.Next(choices.Length)];

    private static void Shuffle(Random random, List<string> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}

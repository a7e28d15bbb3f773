using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Router.Events;
using Router.Host.Security;
using Router.Journal;
using Router.Tenants;
using Router.TestKit;

namespace Router.Host.Hardening;

/// <summary>
/// A seeded, bounded fuzz run against the real host with JWT on (issue 5 §8): thousands of random and mutated
/// publish bodies, stream queries and headers, from several concurrent clients, while one honest subscriber
/// follows the tenant. Afterwards the router is healthy, its journal holds exactly the events it acknowledged
/// with 201, and the subscriber received exactly the events its token may see, in order, each frame intact.
/// Deterministic inputs (a fixed seed per worker); a failure prints the seed and the offending request.
/// </summary>
public sealed class FuzzTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Seed = 20261122;
    private const int Workers = 8;
    private const int PublishesPerWorker = 320;
    private const int StreamsPerWorker = 100;
    private const int HeaderProbesPerWorker = 80;
    private const int RawProbesPerWorker = 40;
    private const string Tenant = "fuzz";

    private static readonly HashSet<HttpStatusCode> s_publishAnswers =
    [
        HttpStatusCode.Created, HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden,
        HttpStatusCode.NotFound, HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.UnsupportedMediaType,
        HttpStatusCode.RequestUriTooLong, HttpStatusCode.RequestHeaderFieldsTooLarge,
    ];

    private static readonly HashSet<HttpStatusCode> s_streamAnswers =
    [
        HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden,
        HttpStatusCode.NotFound, HttpStatusCode.RequestUriTooLong, HttpStatusCode.RequestHeaderFieldsTooLarge,
    ];

    private static readonly string[] s_validBodies =
    [
        """{"type":"question.created.v1","queue":"q1","data":{"text":"hello","n":1}}""",
        """{"type":"question.created.v2","data":{}}""",
        """[{"type":"answer.posted.v1","queue":"q2","id":"id-1"},{"type":"answer.posted.v1","queue":"q2","id":"id-2","data":[1,2,3]}]""",
        """{"type":"secret.shared.v1","queue":"q1","audience":{"users":["watcher"]}}""",
        """{"type":"secret.shared.v1","audience":{"groups":["g1"],"roles":[]}}""",
        """{"type":"secret.shared.v1","queue":"q3","audience":{"users":["someone-else"],"roles":["admin"]}}""",
        """{"type":"lock.acquired.v1","queue":"q3","originClientId":"tab-1","data":{"s":"line\nbreak\r\u0000"}}""",
        """{"type":"progress.updated.v3","queue":"q-4","id":"dup","data":{"pct":99.5,"big":123456789012345678901234567890}}""",
    ];

    [Fact]
    public async Task Fuzz_ThousandsOfHostileRequests_HealthyJournalExactAndSubscriberIntact()
    {
        var clock = Stopwatch.StartNew();
        await using var host = await RouterTestHost.StartAsync(TestTokens.JwtSettings());
        var publisher = TestTokens.Mint(publish: [$"{Tenant}/*"], lifetime: TimeSpan.FromHours(1));
        var watcherToken = TestTokens.Mint(subscribe: [$"{Tenant}/*"], sub: "watcher", groups: ["g1"], lifetime: TimeSpan.FromHours(1));
        var tokens = new[] { publisher, watcherToken, TestTokens.Mint(publish: ["other/*"], subscribe: ["other/*"]) };

        await using var watcher = await host.StreamAsync($"/v1/tenants/{Tenant}/stream?queue=*", configure: TestTokens.Bearer(watcherToken));
        await watcher.ConnectionEventAsync();
        var received = ReadUntilMarkerAsync(watcher.Reader);

        var accepted = new ConcurrentBag<long>();
        var failures = new ConcurrentQueue<string>();
        var tally = new ConcurrentDictionary<int, int>();
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            var random = new Random(Seed + worker);
            for (var i = 0; i < PublishesPerWorker; i++)
            {
                await PublishProbeAsync(host, random, tokens, accepted, failures, tally, $"seed {Seed + worker} publish {i}");
            }
            for (var i = 0; i < StreamsPerWorker; i++)
            {
                await StreamProbeAsync(host, random, tokens, failures, tally, $"seed {Seed + worker} stream {i}");
            }
            for (var i = 0; i < HeaderProbesPerWorker; i++)
            {
                await HeaderProbeAsync(host, random, tokens, accepted, failures, tally, $"seed {Seed + worker} headers {i}");
            }
            for (var i = 0; i < RawProbesPerWorker; i++)
            {
                await RawHeaderProbeAsync(host, random, failures, tally, $"seed {Seed + worker} raw {i}");
            }
        }))).DefaultTimeout(TimeSpan.FromSeconds(60));

        // Statuses seen (-1: no answer but a closed connection, or HttpClient refused a header; 0: another client-side refusal).
        output.WriteLine(string.Join(", ", tally.OrderBy(p => p.Key).Select(p => $"{p.Key}: {p.Value}")) + $"; {accepted.Count} events appended in {clock.Elapsed}");
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(10)));

        // Healthy: liveness and readiness answer, and an honest publish still commits.
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/health").DefaultTimeout()).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/ready").DefaultTimeout()).StatusCode);
        var marker = (await host.PublishAsync(Tenant, """{"type":"fuzz.finished.v1","queue":"end"}""", publisher)).Single();
        accepted.Add(marker);

        // The journal holds exactly what was acknowledged with 201: no more (a refused request appended nothing), no less.
        var journal = host.Services.GetRequiredService<IEventJournal>();
        var stored = await ReadAllAsync(journal, TenantId.Parse(Tenant));
        Assert.Equal(accepted.Order(), stored.Select(e => e.Position.Value));
        Assert.Equal(marker, (await journal.ReadHeadAsync(TenantId.Parse(Tenant), CancellationToken.None)).Value);
        Assert.Equal(0, (await journal.ReadHeadAsync(TenantId.Parse("other"), CancellationToken.None)).Value);

        // The subscriber got every event its token may see (private ones by its sub or group), in order, intact.
        var expected = stored
            .Where(e => Audience.Parse(e.Audience) is not { } audience || audience.Admits("watcher", new HashSet<string> { "g1" }, new HashSet<string>()))
            .Select(e => e.Position.Value);
        var frames = await received.DefaultTimeout();
        Assert.Equal(expected, frames.Select(f => f.Id));
        output.WriteLine($"subscriber: {frames.Count} of {stored.Count} events (the rest private to others); {clock.Elapsed}");
        foreach (var (id, data) in frames)
        {
            using var envelope = JsonDocument.Parse(data);
            Assert.Equal(id.ToString(), envelope.RootElement.GetProperty("sequence").GetString());
            Assert.Equal(Tenant, envelope.RootElement.GetProperty("tenant").GetString());
            Assert.False(envelope.RootElement.TryGetProperty("audience", out _));
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the fuzz run took {clock.Elapsed}");
    }

    private static async Task PublishProbeAsync(RouterTestHost host, Random random, string[] tokens, ConcurrentBag<long> accepted, ConcurrentQueue<string> failures, ConcurrentDictionary<int, int> tally, string label)
    {
        var tenant = random.Next(10) switch
        {
            < 7 => Tenant,
            7 => "other",
            8 => Pick(random, ["FUZZ", "fu%0Azz", "fuzz%00", new string('f', 70), "-fuzz", "fuzz%2Fq1", "%E2%80%AE"]),
            _ => Tenant + random.Next(3),
        };
        var body = Mutate(random, Pick(random, s_validBodies));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/tenants/{tenant}/events") { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", Pick(random, ["application/json", "application/json", "application/json; charset=utf-8", "application/cloudevents+json", "text/plain", "application/x-www-form-urlencoded", "", "application/json\u00e9"]));
        AddToken(random, request, tokens, allowQueryAndCookie: false);
        if (random.Next(8) == 0)
        {
            request.Headers.TryAddWithoutValidation("X-Client-Id", RandomText(random, random.Next(0, 200), asciiOnly: true));
        }
        var response = await SendAsync(host, request, label, failures, tally);
        if (response is null)
        {
            return;
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync().DefaultTimeout();
            if (!s_publishAnswers.Contains(response.StatusCode))
            {
                failures.Enqueue($"{label}: {(int)response.StatusCode} for {Encoding.UTF8.GetString(body)}: {text}");
                return;
            }
            if (response.StatusCode != HttpStatusCode.Created)
            {
                return;
            }
            if (tenant != Tenant)
            {
                failures.Enqueue($"{label}: 201 for tenant '{tenant}' with a token for {Tenant} only");
                return;
            }
            using var json = JsonDocument.Parse(text);
            foreach (var e in json.RootElement.GetProperty("events").EnumerateArray().Where(e => !e.GetProperty("duplicate").GetBoolean()))
            {
                accepted.Add(long.Parse(e.GetProperty("sequence").GetString()!));
            }
        }
    }

    private static async Task StreamProbeAsync(RouterTestHost host, Random random, string[] tokens, ConcurrentQueue<string> failures, ConcurrentDictionary<int, int> tally, string label)
    {
        var parameters = new List<string>();
        var count = random.Next(0, 8);
        for (var i = 0; i < count; i++)
        {
            var value = random.Next(6) switch
            {
                0 => "*",
                1 => "q" + random.Next(5),
                2 => Uri.EscapeDataString(RandomText(random, random.Next(0, 80))),
                3 => string.Join("", Enumerable.Repeat("%0A", random.Next(1, 5))),
                4 => random.Next(-5, int.MaxValue).ToString(),
                _ => new string('q', random.Next(60, 70)),
            };
            parameters.Add($"{Pick(random, ["queue", "types", "clientId", "lastEventId", "sseEvent", "accept", "access_token", "queue"])}={value}");
        }
        if (random.Next(20) == 0)
        {
            parameters.AddRange(Enumerable.Range(0, random.Next(200, 2000)).Select(i => $"queue=q{i}"));
        }
        var path = random.Next(3) == 0
            ? $"/v1/tenants/{Pick(random, [Tenant, "other", "Fuzz", "f%0Auzz"])}/queues/{Pick(random, ["q1", "Q1", "%00", "*", new string('q', 65)])}/stream"
            : $"/v1/tenants/{Pick(random, [Tenant, Tenant, "other", "f%0Duzz"])}/stream";
        using var request = new HttpRequestMessage(HttpMethod.Get, parameters.Count == 0 ? path : path + "?" + string.Join("&", parameters));
        AddToken(random, request, tokens, allowQueryAndCookie: true);
        if (random.Next(4) == 0)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", Pick(random, ["0", "1", "-1", "99999999999999999999999", "abc", "", " 5 "]));
        }
        var response = await SendAsync(host, request, label, failures, tally, HttpCompletionOption.ResponseHeadersRead);
        if (response is null)
        {
            return;
        }
        using (response)
        {
            if (!s_streamAnswers.Contains(response.StatusCode))
            {
                failures.Enqueue($"{label}: {(int)response.StatusCode} for GET {request.RequestUri}");
                return;
            }
            if (response.StatusCode == HttpStatusCode.OK)
            {
                // A stream that opened starts like every stream; then the client leaves.
                await using var reader = new SseReader(await response.Content.ReadAsStreamAsync().DefaultTimeout());
                var first = await reader.NextAsync();
                if (first.EventType != "connection")
                {
                    failures.Enqueue($"{label}: stream began with {first.EventType} for GET {request.RequestUri}");
                }
            }
        }
    }

    private static async Task HeaderProbeAsync(RouterTestHost host, Random random, string[] tokens, ConcurrentBag<long> accepted, ConcurrentQueue<string> failures, ConcurrentDictionary<int, int> tally, string label)
    {
        var publish = random.Next(2) == 0;
        using var request = publish
            ? new HttpRequestMessage(HttpMethod.Post, $"/v1/tenants/{Tenant}/events") { Content = new StringContent(Pick(random, s_validBodies), new MediaTypeHeaderValue("application/json")) }
            : new HttpRequestMessage(HttpMethod.Get, $"/v1/tenants/{Tenant}/stream");
        AddToken(random, request, tokens, allowQueryAndCookie: !publish);
        var headers = random.Next(4) == 0 ? random.Next(50, 120) : random.Next(1, 6);
        for (var i = 0; i < headers; i++)
        {
            var value = random.Next(10) == 0 ? new string('x', random.Next(8_000, 40_000)) : RandomText(random, random.Next(0, 300), asciiOnly: true);
            request.Headers.TryAddWithoutValidation(Pick(random, ["X-Client-Id", "Last-Event-ID", "Cookie", "Authorization", "Accept", "X-" + random.Next(1000)]), value);
        }
        var response = await SendAsync(host, request, label, failures, tally, HttpCompletionOption.ResponseHeadersRead);
        if (response is null)
        {
            return;
        }
        using (response)
        {
            var allowed = publish ? s_publishAnswers : s_streamAnswers;
            if (!allowed.Contains(response.StatusCode))
            {
                failures.Enqueue($"{label}: {(int)response.StatusCode} for {request.Method} with {headers} random headers");
                return;
            }
            if (publish && response.StatusCode == HttpStatusCode.Created)
            {
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync().DefaultTimeout());
                foreach (var e in json.RootElement.GetProperty("events").EnumerateArray().Where(e => !e.GetProperty("duplicate").GetBoolean()))
                {
                    accepted.Add(long.Parse(e.GetProperty("sequence").GetString()!));
                }
            }
        }
    }

    /// <summary>
    /// Sends; a connection the server closed (it may, after a 4xx for a broken request) is not a failure by itself,
    /// because the run ends by checking that the server is healthy. Client-side refusals of a header are skipped.
    /// </summary>
    private static async Task<HttpResponseMessage?> SendAsync(RouterTestHost host, HttpRequestMessage request, string label, ConcurrentQueue<string> failures, ConcurrentDictionary<int, int> tally, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        try
        {
            var response = await host.Client.SendAsync(request, completion).DefaultTimeout();
            tally.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
            return response;
        }
        catch (HttpRequestException)
        {
            tally.AddOrUpdate(-1, 1, (_, n) => n + 1);
            return null;
        }
        catch (Exception exception) when (exception is FormatException or InvalidOperationException)
        {
            tally.AddOrUpdate(0, 1, (_, n) => n + 1);
            return null;
        }
        catch (TimeoutException exception)
        {
            failures.Enqueue($"{label}: no answer ({exception.Message}) for {request.Method} {request.RequestUri}");
            return null;
        }
    }

    /// <summary>A valid token, one of the wrong rights, a mutated one, garbage, or none; from the header, cookie or query.</summary>
    private static void AddToken(Random random, HttpRequestMessage request, string[] tokens, bool allowQueryAndCookie)
    {
        var token = random.Next(10) switch
        {
            < 6 => tokens[allowQueryAndCookie ? 1 : 0],
            6 => Pick(random, tokens),
            7 => MutateToken(random, tokens[0]),
            8 => RandomText(random, random.Next(0, 100), asciiOnly: true),
            _ => null,
        };
        if (token is null)
        {
            return;
        }
        switch (allowQueryAndCookie ? random.Next(3) : 0)
        {
            case 0:
                request.Headers.TryAddWithoutValidation("Authorization", random.Next(12) == 0 ? token : "Bearer " + token);
                break;
            case 1:
                request.Headers.TryAddWithoutValidation("Cookie", $"router_token={token}");
                break;
            default:
                var uri = request.RequestUri!.ToString();
                request.RequestUri = new Uri(uri + (uri.Contains('?') ? "&" : "?") + "access_token=" + Uri.EscapeDataString(token), UriKind.Relative);
                break;
        }
    }

    private static string MutateToken(Random random, string token)
    {
        var chars = token.ToCharArray();
        var at = random.Next(chars.Length);
        chars[at] = chars[at] == 'A' ? 'B' : 'A';
        return new string(chars);
    }

    /// <summary>One to three mutations of a valid body: flips, control bytes, invalid UTF-8, truncation, splices, deep nesting, huge numbers, duplicate keys.</summary>
    private static byte[] Mutate(Random random, string seed)
    {
        var bytes = new List<byte>(Encoding.UTF8.GetBytes(seed));
        if (random.Next(5) == 0)
        {
            return [.. bytes];
        }
        var mutations = random.Next(1, 4);
        for (var m = 0; m < mutations; m++)
        {
            var at = random.Next(bytes.Count + 1);
            switch (random.Next(10))
            {
                case 0 when bytes.Count > 0:
                    bytes[Math.Min(at, bytes.Count - 1)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.InsertRange(at, Pick(random, new byte[][] { [0x0A], [0x0D], [0x00], [0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xEF, 0xBB, 0xBF], "\u2028"u8.ToArray() }));
                    break;
                case 2 when bytes.Count > 0:
                    var from = Math.Min(at, bytes.Count - 1);
                    bytes.RemoveRange(from, Math.Min(bytes.Count - from, random.Next(1, 20)));
                    break;
                case 3:
                    var cut = random.Next(bytes.Count + 1);
                    bytes.RemoveRange(cut, bytes.Count - cut);
                    break;
                case 4:
                    var depth = random.Next(30, 5000);
                    return Encoding.UTF8.GetBytes("{\"type\":\"x.v1\",\"data\":" + new string('[', depth) + new string(']', depth) + "}");
                case 5:
                    var number = Pick(random, ["1e999999", "-0", new string('9', random.Next(100, 5000)), "NaN", "Infinity", "0x10", "1.7976931348623157e309"]);
                    return Encoding.UTF8.GetBytes("{\"type\":\"x.v1\",\"data\":{\"n\":" + number + "}}");
                case 6:
                    return Encoding.UTF8.GetBytes(Pick(random, [
                        """{"type":"x.v1","type":"y.v1"}""",
                        """{"type":"x.v1","data":{"a":1,"a":2}}""",
                        """{"type":"x.v1","audience":{"users":["a"],"users":["b"]}}""",
                        """{"type":"x.v1","queue":"q1","queu":"q2"}""",
                        """{"type":"x.v1\nid: 999\ndata: forged"}""",
                        """{"type":"x.v1","id":"a\r\nevent: shutdown"}""",
                        """{"type":"x.v1","originClientId":"tab\u0000"}""",
                        """{"type":"x.v1","audience":{"users":["a\n"]}}""",
                    ]));
                case 7:
                    var start = random.Next(bytes.Count + 1);
                    var length = random.Next(Math.Min(40, bytes.Count - start) + 1);
                    bytes.InsertRange(at, bytes.GetRange(start, length));
                    break;
                case 8:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(RandomText(random, random.Next(1, 20))));
                    break;
                default:
                    if (random.Next(3) == 0)
                    {
                        return Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Repeat(seed.TrimStart('[').TrimEnd(']'), random.Next(2, 40))) + "]");
                    }
                    break;
            }
        }
        return [.. bytes];
    }

    /// <summary>Mostly printable ASCII, with control characters and (unless <paramref name="asciiOnly"/>: HttpClient refuses them in headers) non-ASCII.</summary>
    private static string RandomText(Random random, int length, bool asciiOnly = false)
    {
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            builder.Append(random.Next(20) switch
            {
                0 => (char)random.Next(0, 32),
                1 when !asciiOnly => (char)random.Next(0x80, 0x800),
                _ => (char)random.Next(32, 127),
            });
        }
        return builder.ToString();
    }

    /// <summary>
    /// Header lines HttpClient would refuse to send (raw bytes: NUL, bare CR or LF, obs-fold, invalid UTF-8, no colon)
    /// written straight to a socket; the answer must be a 4xx or a closed connection.
    /// </summary>
    private static async Task RawHeaderProbeAsync(RouterTestHost host, Random random, ConcurrentQueue<string> failures, ConcurrentDictionary<int, int> tally, string label)
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(host.Address.Host, host.Address.Port).DefaultTimeout();
        var stream = client.GetStream();
        var request = new List<byte>(Encoding.ASCII.GetBytes(random.Next(2) == 0
            ? $"GET /v1/tenants/{Tenant}/stream HTTP/1.1\r\nHost: x\r\n"
            : $"POST /v1/tenants/{Tenant}/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"));
        for (var i = random.Next(1, 5); i > 0; i--)
        {
            request.AddRange(Encoding.ASCII.GetBytes(Pick(random, ["X-Client-Id", "Last-Event-ID", "Authorization", "Cookie", "X-Any", "Bad Name", "", "X-\u0001"]) + ":"));
            for (var n = random.Next(0, 60); n > 0; n--)
            {
                request.Add(random.Next(4) == 0 ? Pick(random, new byte[] { 0x00, 0x0A, 0x0D, 0x7F, 0x80, 0xFF, 0xC3, 0x09 }) : (byte)random.Next(0x20, 0x7F));
            }
            request.AddRange("\r\n"u8.ToArray());
        }
        request.AddRange("\r\n{}"u8.ToArray());
        await stream.WriteAsync(request.ToArray()).DefaultTimeout();
        var buffer = new byte[64];
        var read = await stream.ReadAsync(buffer).AsTask().DefaultTimeout();
        var status = read >= 12 && int.TryParse(Encoding.ASCII.GetString(buffer, 9, 3), out var code) ? code : -1;
        tally.AddOrUpdate(status, 1, (_, n) => n + 1);
        if (status is not (-1 or 400 or 401 or 403 or 413 or 415 or 431))
        {
            failures.Enqueue($"{label}: raw request answered {Encoding.ASCII.GetString(buffer, 0, read)}");
        }
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private static async Task<List<JournalEvent>> ReadAllAsync(IEventJournal journal, TenantId tenant)
    {
        var all = new List<JournalEvent>();
        while (true)
        {
            var page = await journal.ReadAsync(tenant, new JournalQuery(all.Count == 0 ? new Position(0) : all[^1].Position, 500), CancellationToken.None).DefaultTimeout();
            all.AddRange(page);
            if (page.Count < 500)
            {
                return all;
            }
        }
    }

    /// <summary>Reads event frames (id, data) until the run's closing marker, concurrently with the fuzz so the subscriber keeps up.</summary>
    private static async Task<List<(long Id, string Data)>> ReadUntilMarkerAsync(SseReader reader)
    {
        var frames = new List<(long, string)>();
        while (true)
        {
            SseItem<string> item = await reader.NextNonHeartbeatAsync(TimeSpan.FromSeconds(90));
            if (item.EventType != "message")
            {
                throw new Xunit.Sdk.XunitException($"The subscriber got a control frame mid-stream: {item.EventType}: {item.Data}");
            }
            frames.Add((long.Parse(item.EventId!), item.Data));
            if (item.Data.Contains("\"type\":\"fuzz.finished.v1\"", StringComparison.Ordinal))
            {
                return frames;
            }
        }
    }
}

using System.Net;
using System.Text.Json;
using Router.TestKit;

namespace Router.Host.Operations;

/// <summary>
/// SPEC §9 operations, end to end on a child process: SIGTERM drains gracefully and exits 0, kill -9 loses
/// nothing acknowledged, a second signal exits at once, and the logs are structured and free of tokens.
/// </summary>
public sealed class GracefulShutdownTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "router-process-tests", Guid.NewGuid().ToString("N"));

    public GracefulShutdownTests() => Directory.CreateDirectory(_directory);

    private string JournalPath => Path.Combine(_directory, "router.db");

    [Fact]
    public async Task Sigterm_OpenStreamsAndPublishBurst_ShutdownEventsExitZeroAndEveryAcknowledgedEventKept()
    {
        IReadOnlyCollection<string> acknowledged;
        await using (var router = await RouterProcess.StartAsync(JournalPath))
        {
            var streams = new List<SseStream>();
            foreach (var path in new[] { "/v1/tenants/acme/queues/q0/stream", "/v1/tenants/acme/stream?queue=q0&queue=q1", "/v1/tenants/acme/stream" })
            {
                var stream = await OpenAsync(router.Client, path);
                await stream.ConnectionEventAsync();
                streams.Add(stream);
            }
            var burst = new PublishBurst(router.Address, "acme", workers: 4, threshold: 200);
            await burst.Reached.DefaultTimeout();

            router.Signal(RouterProcess.SigTerm);

            foreach (var stream in streams)
            {
                var shutdown = await NextControlAsync(stream.Reader, "shutdown");
                Assert.Equal("server-shutdown", shutdown.GetProperty("reason").GetString());
                Assert.Equal(3000, shutdown.GetProperty("retryMs").GetInt32());
                Assert.True(await stream.Reader.EndsAsync());
                await stream.DisposeAsync();
            }
            await AssertRefusedAsync(router.Client, "/ready");
            await AssertRefusedAsync(router.Client, "/v1/tenants/acme/stream");
            await burst.Completion.DefaultTimeout();
            Assert.Equal(0, await router.ExitCodeAsync());
            await router.WaitForLineAsync("Router stopped; journal closed");
            acknowledged = burst.Acknowledged;
        }

        await AssertJournalHoldsAsync(acknowledged);
    }

    [Fact]
    public async Task Sigkill_DuringPublishBurst_RestartedRouterHasEveryAcknowledgedEvent()
    {
        IReadOnlyCollection<string> acknowledged;
        await using (var router = await RouterProcess.StartAsync(JournalPath))
        {
            var burst = new PublishBurst(router.Address, "acme", workers: 6, threshold: 300);
            await burst.Reached.DefaultTimeout();

            router.Signal(RouterProcess.SigKill);

            await burst.Completion.DefaultTimeout();
            Assert.Equal(128 + RouterProcess.SigKill, await router.ExitCodeAsync());
            acknowledged = burst.Acknowledged;
        }

        await AssertJournalHoldsAsync(acknowledged);
    }

    [Fact]
    public async Task SecondSigterm_WhileShutdownWaitsOnStalledClient_ExitsAtOnceWith143()
    {
        // A client that stops reading keeps its farewell frame from being flushed for a while: the graceful stop is slow.
        await using var router = await RouterProcess.StartAsync(JournalPath, ["--router:streams:bufferevents=100000"]);
        var stalled = await OpenAsync(router.Client, "/v1/tenants/acme/queues/q/stream");
        var data = new string('x', 60_000);
        var batch = "[" + string.Join(',', Enumerable.Repeat($$$"""{"type":"bulk.event.v1","queue":"q","data":{"x":"{{{data}}}"}}""", 10)) + "]";
        for (var i = 0; i < 20; i++)
        {
            using var response = await router.Client.PostAsync("/v1/tenants/acme/events", new StringContent(batch, System.Text.Encoding.UTF8, "application/json")).DefaultTimeout();
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        router.Signal(RouterProcess.SigTerm);
        await router.WaitForLineAsync("Shutting down");
        router.Signal(RouterProcess.SigTerm);

        Assert.Equal(143, await router.ExitCodeAsync());
        await router.WaitForLineAsync("second SIGTERM: exiting now");
        await stalled.DisposeAsync();
    }

    [Fact]
    public async Task Serve_JsonLogFormat_OneJsonObjectPerLineWithConnectionOpenAndCloseAndNoToken()
    {
        const string token = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.c2lnbmF0dXJlLXRoYXQtbXVzdC1uZXZlci1iZS1sb2dnZWQ";
        await using var router = await RouterProcess.StartAsync(JournalPath, ["--router:logging:format=json"]);
        var stream = await OpenAsync(router.Client, $"/v1/tenants/acme/queues/q/stream?access_token={token}", request => request.Headers.Authorization = new("Bearer", token));
        await stream.ConnectionEventAsync();
        using (var published = await router.Client.PostAsync($"/v1/tenants/acme/events?access_token={token}", new StringContent("""{"type":"q.created.v1","queue":"q"}""", System.Text.Encoding.UTF8, "application/json")).DefaultTimeout())
        {
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        }
        await stream.NextEventAsync();
        await stream.DisposeAsync();
        await router.WaitForLineAsync("\"EventId\":3000");

        router.Signal(RouterProcess.SigTerm);
        Assert.Equal(0, await router.ExitCodeAsync());

        var lines = router.Output;
        Assert.DoesNotContain(lines, line => line.Contains(token, StringComparison.Ordinal) || line.Contains("c2VjcmV0LXBheWxvYWQ", StringComparison.Ordinal));
        var entries = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.All(entries, e => Assert.True(e.TryGetProperty("LogLevel", out _) && e.TryGetProperty("Category", out _), e.GetRawText()));
        var opened = Assert.Single(entries, e => e.GetProperty("EventId").GetInt32() == 3005);
        Assert.Equal("acme", opened.GetProperty("State").GetProperty("Tenant").GetString());
        var closed = Assert.Single(entries, e => e.GetProperty("EventId").GetInt32() == 3000);
        Assert.Equal("1", closed.GetProperty("State").GetProperty("Delivered").ToString());
        Assert.True(closed.GetProperty("State").TryGetProperty("Duration", out _));
        Assert.Equal(opened.GetProperty("State").GetProperty("ConnectionId").GetString(), closed.GetProperty("State").GetProperty("ConnectionId").GetString());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner.
        }
    }

    /// <summary>Restarts the router on the same journal and checks it holds every acknowledged id, positions 1..n without a gap.</summary>
    private async Task AssertJournalHoldsAsync(IReadOnlyCollection<string> acknowledged)
    {
        await using var restarted = await RouterProcess.StartAsync(JournalPath);
        var events = await JournalCheck.ReadAllAsync(restarted.Client, "acme");
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
        var stored = events.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(events.Count, stored.Count);
        var missing = acknowledged.Where(id => !stored.Contains(id)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged events missing, e.g. {string.Join(", ", missing.Take(5))}");
        Assert.True(acknowledged.Count > 0);
    }

    private static async Task<SseStream> OpenAsync(HttpClient client, string path, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        configure?.Invoke(request);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).DefaultTimeout();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new SseStream(response, new SseReader(await response.Content.ReadAsStreamAsync().DefaultTimeout()));
    }

    private static async Task<JsonElement> NextControlAsync(SseReader reader, string type)
    {
        while (true)
        {
            var item = await reader.NextAsync();
            if (item.EventType == type)
            {
                return JsonDocument.Parse(item.Data).RootElement.Clone();
            }
        }
    }

    /// <summary>While stopping the router answers 503, or no longer accepts the connection at all; never 200.</summary>
    private static async Task AssertRefusedAsync(HttpClient client, string path)
    {
        try
        {
            using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead).DefaultTimeout();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }
        catch (HttpRequestException)
        {
            // Kestrel has stopped listening: refused, as it should be.
        }
    }
}

using System.Net;
using Router.TestKit;

namespace Router.Host.Diagnostics;

public sealed class MetricsEndpointTests
{
    private static async Task<PrometheusText> ScrapeAsync(RouterTestHost host)
    {
        using var response = await host.Client.GetAsync("/metrics").DefaultTimeout();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync().DefaultTimeout());
    }

    [Fact]
    public async Task Metrics_FreshRouter_ParsesAsPrometheusTextWithEveryFamily()
    {
        await using var host = await RouterTestHost.StartAsync();

        var metrics = await ScrapeAsync(host);

        Assert.Equal("gauge", metrics.Types["router_connections"]);
        foreach (var counter in new[]
        {
            "router_events_published_total", "router_events_delivered_total", "router_events_dropped_total",
            "router_overflow_disconnects_total", "router_events_throttled_total", "router_replays_total", "router_replayed_events_total",
        })
        {
            Assert.Equal("counter", metrics.Types[counter]);
            Assert.Equal(0, metrics.Value(counter));
        }
        Assert.Equal("histogram", metrics.Types["router_journal_append_duration_seconds"]);
        Assert.Equal("histogram", metrics.Types["router_journal_append_batch"]);
        Assert.Equal("histogram", metrics.Types["router_ingest_duration_seconds"]);
    }

    [Fact]
    public async Task Metrics_AfterAFullCollection_ExportsTheRuntimesGcMemoryAndThreadPoolFigures()
    {
        await using var host = await RouterTestHost.StartAsync();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        var fullCollectionsBefore = GC.CollectionCount(2);

        var first = await ScrapeAsync(host);
        var after = await ScrapeAsync(host);
        var fullCollectionsAfter = GC.CollectionCount(2);

        // Each scrape reports the runtime's own total, whatever was scraped before (observed values replace, never add up).
        Assert.Equal("counter", after.Types["dotnet_gc_collections_total"]);
        Assert.InRange(first.Value("dotnet_gc_collections_total", ("gc_heap_generation", "gen2")), fullCollectionsBefore, fullCollectionsAfter);
        Assert.InRange(after.Value("dotnet_gc_collections_total", ("gc_heap_generation", "gen2")), fullCollectionsBefore, fullCollectionsAfter);
        Assert.Equal("counter", after.Types["dotnet_gc_pause_time_seconds_total"]);
        Assert.True(after.Value("dotnet_gc_pause_time_seconds_total") > 0);
        Assert.Equal("counter", after.Types["dotnet_gc_heap_total_allocated_bytes_total"]);
        Assert.True(after.Value("dotnet_process_memory_working_set_bytes") > 0);
        Assert.Equal("gauge", after.Types["dotnet_thread_pool_thread_count"]);
        Assert.True(after.Value("dotnet_thread_pool_thread_count") > 0);
        Assert.Equal("gauge", after.Types["dotnet_thread_pool_queue_length"]);
    }

    [Fact]
    public async Task Metrics_EventsFlow_CountersMove()
    {
        await using var host = await RouterTestHost.StartAsync();
        await using var stream = await host.StreamAsync("/v1/tenants/acme/queues/town-hall/stream");
        await stream.ConnectionEventAsync();

        await host.PublishAsync("acme", """[{"type":"question.created.v1","queue":"town-hall"},{"type":"question.created.v1","queue":"town-hall"},{"type":"question.created.v1","queue":"town-hall"}]""");
        for (var i = 0; i < 3; i++)
        {
            await stream.NextEventAsync();
        }
        using (var bad = await host.PostRawAsync("acme", "{"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        var live = await ScrapeAsync(host);
        Assert.Equal(1, live.Value("router_connections"));
        Assert.Equal(3, live.Value("router_events_published_total"));
        Assert.Equal(3, live.Value("router_events_delivered_total"));
        Assert.Equal(1, live.Value("router_journal_append_duration_seconds_count"));
        Assert.Equal(3, live.Value("router_journal_append_batch_sum"));
        Assert.Equal(1, live.Value("router_ingest_duration_seconds_count", ("status", "201")));
        Assert.Equal(1, live.Value("router_ingest_duration_seconds_count", ("status", "400")));
        Assert.Equal(0, live.Value("router_replays_total"));

        await using (var resumed = await host.StreamAsync("/v1/tenants/acme/queues/town-hall/stream", lastEventId: "0"))
        {
            await resumed.ConnectionEventAsync();
            for (var i = 0; i < 3; i++)
            {
                await resumed.NextEventAsync();
            }
            var replayed = await ScrapeAsync(host);
            Assert.Equal(2, replayed.Value("router_connections"));
            Assert.Equal(1, replayed.Value("router_replays_total"));
            Assert.Equal(3, replayed.Value("router_replayed_events_total"));
            Assert.Equal(6, replayed.Value("router_events_delivered_total"));
        }
    }

    [Fact]
    public async Task Metrics_SlowClientOverflows_OverflowDisconnectCounted()
    {
        await using var host = await RouterTestHost.StartAsync(new Dictionary<string, string?> { ["router:streams:bufferevents"] = "1" });
        var stream = await host.StreamAsync("/v1/tenants/acme/queues/q/stream");
        await stream.ConnectionEventAsync();
        // The client stops reading: the socket and its buffer of one event fill up, and the router disconnects it.
        var data = new string('x', 60_000);
        var overflowed = false;
        for (var round = 0; round < 200 && !overflowed; round++)
        {
            await host.PublishAsync("acme", $$$"""{"type":"bulk.v1","queue":"q","data":{"x":"{{{data}}}"}}""");
            overflowed = (await ScrapeAsync(host)).Value("router_overflow_disconnects_total") == 1;
        }
        Assert.True(overflowed, "the stalled client was never disconnected");
        await stream.DisposeAsync();
    }
}

using System.Collections.Concurrent;
using System.Net;
using Router.Host;
using Router.Journal.Postgres;
using Router.TestKit;

namespace Router.MultiNode;

/// <summary>
/// Several nodes, one ordered history (issue 7): positions, live delivery across nodes (LISTEN/NOTIFY wake-ups,
/// then a read by position), replay, resume on another node, outages.
/// </summary>
public sealed class MultiNodeTests : IAsyncLifetime
{
    private const string QueuePath = "/v1/tenants/acme/queues/town-hall/stream";

    private PostgresTestStore _store = null!;
    private RouterCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _store = await PostgresTestStore.CreateWithDatabaseAsync().DefaultTimeout();
        _cluster = await RouterCluster.StartAsync(_store, count: 3).DefaultTimeout();
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync().AsTask().DefaultTimeout();
        await _store.DisposeAsync().DefaultTimeout();
    }

    [Fact]
    public async Task Publish_PublishersOnEveryNodeHammerOneTenant_EveryNodeReplaysEveryPositionOnceInOrder()
    {
        const int PublishersPerNode = 4;
        const int PublishesPerPublisher = 20;
        var acknowledged = new ConcurrentDictionary<long, string>();

        var publishers = _cluster.Nodes.SelectMany((node, n) => Enumerable.Range(0, PublishersPerNode).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < PublishesPerPublisher; i++)
            {
                // One or two events per publish, so batches from different nodes interleave.
                var markers = Enumerable.Range(0, i % 2 + 1).Select(e => $"n{n}-p{p}-i{i}-e{e}").ToArray();
                var sequences = await node.PublishAsync("acme", "[" + string.Join(",", markers.Select(Event)) + "]");
                Assert.Equal(markers.Length, sequences.Count);
                Assert.Equal(Enumerable.Range(0, markers.Length).Select(e => sequences[0] + e), sequences); // a batch is consecutive
                for (var e = 0; e < markers.Length; e++)
                {
                    Assert.True(acknowledged.TryAdd(sequences[e], markers[e]), $"position {sequences[e]} acknowledged twice");
                }
            }
        }))).ToArray();
        await Task.WhenAll(publishers).DefaultTimeout();

        var total = acknowledged.Count;
        Assert.Equal(Enumerable.Range(1, total).Select(p => (long)p), acknowledged.Keys.Order());
        foreach (var node in _cluster.Nodes)
        {
            await using var stream = await node.StreamAsync(QueuePath, lastEventId: "0");
            // Not checked: the connection event's head, which is the head this node's tenant actor has routed
            // (it trails other nodes' appends until the actors consume the change feed). Replay reads the journal.
            await stream.ConnectionEventAsync();
            for (var position = 1L; position <= total; position++)
            {
                var (id, envelope) = await stream.NextEventAsync();
                Assert.Equal(position, id);
                Assert.Equal(acknowledged[position], envelope.GetProperty("data").GetProperty("m").GetString());
            }
        }
    }

    [Fact]
    public async Task LiveStreams_PublishersOnEveryNode_EverySubscriberGetsEveryPositionOnceInOrderLive()
    {
        const int PublishesPerNode = 40;
        var subscribers = new List<SseStream>();
        foreach (var node in _cluster.Nodes)
        {
            var stream = await node.StreamAsync(QueuePath);
            await stream.ConnectionEventAsync();
            subscribers.Add(stream);
        }
        var acknowledged = new ConcurrentDictionary<long, string>();

        var publishers = _cluster.Nodes.Select((node, n) => Task.Run(async () =>
        {
            for (var i = 0; i < PublishesPerNode; i++)
            {
                var marker = $"n{n}-i{i}";
                var sequence = (await node.PublishAsync("acme", Event(marker))).Single();
                acknowledged[sequence] = marker;
            }
        })).ToArray();
        var readers = subscribers.Select(stream => Task.Run(async () =>
        {
            var received = new List<(long Id, string Marker)>();
            while (received.Count < PublishesPerNode * _cluster.Nodes.Count)
            {
                var (id, envelope) = await stream.NextEventAsync();
                received.Add((id, envelope.GetProperty("data").GetProperty("m").GetString()!));
            }
            return received;
        })).ToArray();
        await Task.WhenAll(publishers).DefaultTimeout();
        var results = await Task.WhenAll(readers).DefaultTimeout();

        foreach (var received in results)
        {
            Assert.Equal(Enumerable.Range(1, acknowledged.Count).Select(p => (long)p), received.Select(r => r.Id));
            Assert.All(received, r => Assert.Equal(acknowledged[r.Id], r.Marker));
        }
        foreach (var stream in subscribers)
        {
            await stream.DisposeAsync();
        }
    }

    [Fact]
    public async Task Stream_NodeStoppedMidStream_ResumesOnAnotherNodeWithLastEventIdAndMissesNothing()
    {
        var first = _cluster[0];
        var second = _cluster[1];
        var lastSeen = 0L;
        await using (var stream = await first.StreamAsync(QueuePath))
        {
            await stream.ConnectionEventAsync();
            await first.PublishAsync("acme", "[" + string.Join(",", Enumerable.Range(1, 5).Select(i => Event($"a{i}"))) + "]");
            for (var position = 1L; position <= 5; position++)
            {
                var (id, _) = await stream.NextEventAsync();
                Assert.Equal(position, id);
                lastSeen = id;
            }
            await second.PublishAsync("acme", Event("b1"));

            await _cluster.StopAsync(0);

            Assert.True(await stream.Reader.EndsAsync());
        }
        // Published while the client was between nodes.
        await second.PublishAsync("acme", Event("b2"));
        await _cluster[2].PublishAsync("acme", Event("c1"));

        await using var resumed = await second.StreamAsync(QueuePath, lastEventId: lastSeen.ToString());
        var connection = await resumed.ConnectionEventAsync();
        Assert.Equal("5", connection.GetProperty("resumedFrom").GetString());
        var markers = new List<string>();
        for (var position = 6L; position <= 8; position++)
        {
            var (id, envelope) = await resumed.NextEventAsync();
            Assert.Equal(position, id);
            markers.Add(envelope.GetProperty("data").GetProperty("m").GetString()!);
        }
        Assert.Equal(["b1", "b2", "c1"], markers);
        // And live from there, on the node it now follows.
        await second.PublishAsync("acme", Event("b3"));
        Assert.Equal(9, (await resumed.NextEventAsync()).Id);
    }

    [Fact]
    public async Task Publish_DatabaseDown_Answers503ThenRecoversWithNothingAcknowledgedLost()
    {
        var node = _cluster[0];
        await using var live = await node.StreamAsync(QueuePath);
        await live.ConnectionEventAsync();
        Assert.Equal([1L], await node.PublishAsync("acme", Event("before")));
        Assert.Equal(1, (await live.NextEventAsync()).Id);
        // The tenant is active on every node before the outage; "globex" below is not active anywhere.
        Assert.Equal([2L], await _cluster[1].PublishAsync("acme", Event("before-1")));
        Assert.Equal([3L], await _cluster[2].PublishAsync("acme", Event("before-2")));

        await _store.AllowConnectionsAsync(false).DefaultTimeout();
        await _store.TerminateConnectionsAsync().DefaultTimeout();

        foreach (var down in _cluster.Nodes)
        {
            using var refused = await down.PostRawAsync("acme", Event("during"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            // A tenant whose actor must start while the journal is down answers 503 at once, not after retries.
            using var cold = await down.PostRawAsync("globex", Event("during"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, cold.StatusCode);
            using var ready = await down.Client.GetAsync("/ready").DefaultTimeout();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }

        await _store.AllowConnectionsAsync(true).DefaultTimeout();

        // No restart, no operator: the next publishes go through, and the open stream carries on (positions 2
        // and 3 came from other nodes: the node reads them from the journal to keep its stream in order).
        Assert.Equal([4L], await node.PublishAsync("acme", Event("after-0")));
        for (var position = 2L; position <= 4; position++)
        {
            Assert.Equal(position, (await live.NextEventAsync()).Id);
        }
        Assert.Equal([5L], await _cluster[1].PublishAsync("acme", Event("after-1")));
        await using var replay = await _cluster[2].StreamAsync(QueuePath, lastEventId: "0");
        await replay.ConnectionEventAsync();
        var markers = new List<string>();
        for (var position = 1L; position <= 5; position++)
        {
            var (id, envelope) = await replay.NextEventAsync();
            Assert.Equal(position, id);
            markers.Add(envelope.GetProperty("data").GetProperty("m").GetString()!);
        }
        Assert.Equal(["before", "before-1", "before-2", "after-0", "after-1"], markers); // the refused publishes stored nothing
    }

    private static string Event(string marker) =>
        $$$"""{"type":"question.created.v1","queue":"town-hall","data":{"m":"{{{marker}}}"}}""";
}

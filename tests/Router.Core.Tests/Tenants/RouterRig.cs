using System.IO.Pipelines;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Router.Actors;
using Router.Connections;
using Router.Events;
using Router.Journal;
using Router.Queues;
using Router.Routing;
using Router.TestKit;
using Router.Versioning;

namespace Router.Tenants;

/// <summary>Tenant, queue and connection actors over an in-memory journal, with connections written to pipes.</summary>
internal sealed class RouterRig : IAsyncDisposable
{
    private readonly List<OpenConnection> _open = [];
    private ConnectionServices? _shared;

    public RouterRig(TimeProvider? time = null, RoutingTable? routing = null, int bufferEvents = 1024, string overflow = "disconnect")
    {
        Time = time ?? TimeProvider.System;
        Heartbeats = new HeartbeatScheduler(Time);
        Routing = routing ?? RoutingTable.Default;
        System = new ActorSystem(Time, NullLoggerFactory.Instance);
        Tuning = new ActorTuningOptions
        {
            MailboxCapacity = 64,
            QueueMailboxCapacity = 64,
            TenantIdleAfter = TimeSpan.FromMinutes(2),
            QueueIdleAfter = TimeSpan.FromMinutes(1),
            MaxRestarts = 3,
            RestartWindow = TimeSpan.FromMinutes(1),
            MinBackoff = TimeSpan.Zero,
            MaxBackoff = TimeSpan.Zero,
        };
        Streams = new StreamOptions
        {
            Retry = TimeSpan.FromSeconds(3),
            Heartbeat = TimeSpan.FromSeconds(30),
            BufferEvents = bufferEvents,
            Overflow = overflow,
            ReplayPageSize = 4,
            BufferBytes = 64 * 1024 * 1024,
            WriteTimeout = TimeSpan.FromMinutes(5),
            ThrottleEventsPerSecond = 0,
            ThrottleBurst = 1,
            Conflate = [],
        };
        Tenants = new TenantDirectory(System, Journal, Routing, Tuning);
    }

    public TimeProvider Time { get; }

    public HeartbeatScheduler Heartbeats { get; }

    public RoutingTable Routing { get; }

    public ActorSystem System { get; }

    public ActorTuningOptions Tuning { get; }

    public StreamOptions Streams { get; }

    public InMemoryEventJournal Journal { get; } = new();

    public TenantDirectory Tenants { get; }

    public EventTypeRegistry Versions { get; set; } = EventTypeRegistry.Empty;

    public static TenantId Acme => TenantId.Parse("acme");

    public static StreamScope QueueScope(string queue, string tenant = "acme") => StreamScope.ForQueue(TenantId.Parse(tenant), QueueName.Parse(queue));

    public static StreamScope TenantScope(params string[] queues) =>
        StreamScope.ForTenant(Acme, queues.Where(q => q != "*").Select(QueueName.Parse), queues.Contains("*"));

    public async Task<OpenConnection> OpenAsync(StreamScope scope, string? clientId = null, string? types = null, long? resume = null, string[]? alwaysDeliver = null, PipeWriter? output = null, int? bufferEvents = null, string? accept = null, SubscriberAccess? access = null, DateTimeOffset? expiresAt = null, bool typeAsEventField = false)
    {
        var pipe = new Pipe();
        var typePatterns = TypePatternSet.Parse(types?.Split(','));
        var filter = new SubscriptionFilter(scope, typePatterns, clientId, TypePatternSet.Parse(alwaysDeliver), access);
        var request = new StreamRequest(filter, resume is { } r ? new Position(r) : null, TypeAsEventField: typeAsEventField, accept is null ? VersionPins.None : VersionPins.Parse(accept), expiresAt);
        var options = bufferEvents is { } size ? Copy(Streams, size) : Streams;
        var connection = NewConnection(request, output ?? pipe.Writer, options);
        var cancel = new CancellationTokenSource();
        var run = Task.Run(async () =>
        {
            try
            {
                await connection.RunAsync(cancel.Token);
            }
            finally
            {
                await pipe.Writer.CompleteAsync();
            }
        });
        var open = new OpenConnection(connection, new SseReader(pipe.Reader.AsStream()), run, cancel);
        _open.Add(open);
        if (output is null)
        {
            Assert.Equal("connection", (await open.Reader.NextAsync()).EventType);
        }
        return open;
    }

    /// <summary>A connection on this rig's actors and journal, not yet running (tests that drive <c>RunAsync</c> themselves).</summary>
    public ConnectionActor NewConnection(StreamRequest request, PipeWriter output, StreamOptions? options = null) =>
        new(Guid.NewGuid(), request, ServicesFor(options ?? Streams), output);

    /// <summary>One services object for all connections with the same options, as on a node: what a connection holds is then its own.</summary>
    public ConnectionServices ServicesFor(StreamOptions options)
    {
        if (_shared is not { } shared || shared.Options != options || shared.Versions != Versions)
        {
            _shared = shared = new ConnectionServices(options, Tenants, Journal, Routing, Versions, Time, Heartbeats, NullLogger.Instance);
        }
        return shared;
    }

    /// <summary>A plain request for one queue: every type, no client id, live from the head.</summary>
    public static StreamRequest QueueRequest(string queue) =>
        new(new SubscriptionFilter(QueueScope(queue), TypePatternSet.Parse(null), null, TypePatternSet.Parse(null)), null, false, VersionPins.None);

    public async Task<long> PublishAsync(string type, string? queue = null, string? origin = null, string data = "{}", string tenant = "acme", string? audience = null)
    {
        var result = await Tenants.AppendAsync(
            TenantId.Parse(tenant),
            [new EventToAppend(Guid.NewGuid().ToString(), type, queue, Time.GetUtcNow(), Encoding.UTF8.GetBytes(data), audience is null ? (ReadOnlyMemory<byte>?)null : Encoding.UTF8.GetBytes(audience), origin)],
            CancellationToken.None).DefaultTimeout();
        return result.Events[0].Event.Position.Value;
    }

    /// <summary>Drops the rig's own references to connections that already ended (for leak checks).</summary>
    public void ForgetClosedConnections() => _open.RemoveAll(o => o.Run.IsCompleted);

    private static StreamOptions Copy(StreamOptions o, int bufferEvents) => new()
    {
        Retry = o.Retry,
        Heartbeat = o.Heartbeat,
        BufferEvents = bufferEvents,
        BufferBytes = o.BufferBytes,
        WriteTimeout = o.WriteTimeout,
        ThrottleEventsPerSecond = o.ThrottleEventsPerSecond,
        ThrottleBurst = o.ThrottleBurst,
        Conflate = o.Conflate,
        Overflow = o.Overflow,
        ReplayPageSize = o.ReplayPageSize,
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var open in _open)
        {
            await open.Cancel.CancelAsync();
            await open.Run.DefaultTimeout();
            await open.Reader.DisposeAsync();
        }
        await System.DisposeAsync();
        Heartbeats.Dispose();
    }
}

internal sealed record OpenConnection(ConnectionActor Connection, SseReader Reader, Task Run, CancellationTokenSource Cancel)
{
    /// <summary>The next event frame's SSE id and envelope type, skipping heartbeats.</summary>
    public async Task<(string Id, string Type)> NextEventAsync()
    {
        var item = await Reader.NextNonHeartbeatAsync();
        Assert.Equal("message", item.EventType);
        using var envelope = System.Text.Json.JsonDocument.Parse(item.Data);
        return (item.EventId!, envelope.RootElement.GetProperty("type").GetString()!);
    }
}

using Microsoft.Extensions.Logging;
using Router.Events;
using Router.Journal;
using Router.Routing;
using Router.Tenants;
using Router.Versioning;

namespace Router.Connections;

/// <summary>
/// What every connection of a node shares: its options and the services it calls. One object for them all, so a
/// connection holds one reference instead of nine, and the conflation patterns are parsed once instead of per
/// stream: an idle stream is held for hours, and each field is multiplied by every open connection
/// (bench/RESULTS.md, idle memory).
/// </summary>
internal sealed class ConnectionServices(
    StreamOptions options,
    TenantDirectory tenants,
    IEventJournal journal,
    RoutingTable routing,
    EventTypeRegistry versions,
    TimeProvider time,
    HeartbeatScheduler heartbeats,
    ILogger logger)
{
    public StreamOptions Options { get; } = options;

    /// <summary>The event types whose newer events replace older pending ones (<see cref="StreamOptions.Conflate"/>).</summary>
    public TypePatternSet Conflate { get; } = TypePatternSet.Parse(options.Conflate);

    public TenantDirectory Tenants { get; } = tenants;

    public IEventJournal Journal { get; } = journal;

    public RoutingTable Routing { get; } = routing;

    public EventTypeRegistry Versions { get; } = versions;

    public TimeProvider Time { get; } = time;

    public HeartbeatScheduler Heartbeats { get; } = heartbeats;

    public ILogger Logger { get; } = logger;

    /// <summary>Admits <see cref="StreamOptions.ReplayConcurrency"/> replay page reads at a time, in arrival order.</summary>
    public SemaphoreSlim ReplayReads { get; } = new(options.ReplayConcurrency);
}

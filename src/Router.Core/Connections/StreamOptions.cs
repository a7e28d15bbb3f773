namespace Router.Connections;

/// <summary>Per-connection stream settings (HOCON <c>router.streams</c>); defaults live in hocon/router.conf.</summary>
public sealed class StreamOptions
{
    /// <summary>Sent as <c>retry:</c>: how long EventSource waits before reconnecting.</summary>
    public TimeSpan Retry { get; set; }

    /// <summary>An idle connection gets <c>event: heartbeat</c> this often, so proxies keep it open.</summary>
    public TimeSpan Heartbeat { get; set; }

    /// <summary>Outbound buffer per connection, in events, between its queue and its response.</summary>
    public int BufferEvents { get; set; }

    /// <summary><c>disconnect</c> or <c>drop-oldest</c>: what happens when a live connection's buffer is full.</summary>
    public string Overflow { get; set; } = null!;

    /// <summary>Outbound buffer per connection, in bytes (payload plus a typical envelope per event).</summary>
    public long BufferBytes { get; set; }

    /// <summary>A flush that makes no progress for this long closes the connection as a slow client.</summary>
    public TimeSpan WriteTimeout { get; set; }

    /// <summary>Events per second written to one connection; 0 turns the throttle off.</summary>
    public double ThrottleEventsPerSecond { get; set; }

    /// <summary>Events a throttled connection may write at once after a quiet spell.</summary>
    public int ThrottleBurst { get; set; }

    /// <summary>Type patterns of events that, while throttled or backed up, keep only the newest per (type, queue).</summary>
    public List<string> Conflate { get; set; } = null!;

    /// <summary>Events read from the journal per page during replay.</summary>
    public int ReplayPageSize { get; set; }

    /// <summary>
    /// Replay page reads a node runs at once; the rest wait their turn. A reconnect storm then cannot take every
    /// journal connection (PostgreSQL's pool) from the tenants' own reads, which live delivery waits on.
    /// </summary>
    public int ReplayConcurrency { get; set; } = 8;

    internal OverflowPolicy OverflowPolicy => OverflowPolicyNames.Parse(Overflow);
}

namespace Router.Connections;

/// <summary>Connection limits (HOCON <c>router.limits</c>, SPEC §7); above them a new stream gets 503 with Retry-After.</summary>
public sealed class ConnectionLimits
{
    /// <summary>Open streams on this node, all tenants together.</summary>
    public int MaxConnections { get; set; }

    /// <summary>Open streams of one tenant on this node.</summary>
    public int MaxConnectionsPerTenant { get; set; }

    /// <summary>Open streams from one client address on this node; above it a new stream gets 429 (flood protection).</summary>
    public int MaxConnectionsPerAddress { get; set; }

    /// <summary>Publish rate per tenant in events per second (a batch counts each event); 0 turns it off.</summary>
    public double PublishEventsPerSecond { get; set; }

    /// <summary>Events a tenant may publish at once above the rate (the bucket's size).</summary>
    public int PublishBurst { get; set; }
}

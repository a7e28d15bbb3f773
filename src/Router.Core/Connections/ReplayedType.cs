using System.Text;
using Router.Events;
using Router.Routing;

namespace Router.Connections;

/// <summary>A stored type as one replaying connection sees it: parsed, routed, and resolved to its delivery version.</summary>
internal sealed class ReplayedType
{
    public ReplayedType(EventType type, RoutingTable routing, EventType target)
    {
        Type = type;
        QueueTiers = routing.TiersFor(type, hasQueue: true);
        Target = target;
        StoredName = Encoding.UTF8.GetBytes(type.Name);
        // Named as the live frame names a converted event (RoutedEvent.Convert), not as the accept= entry was spelt.
        TargetName = target.Version == type.Version ? StoredName : Encoding.UTF8.GetBytes(type.WithVersion(target.Version).Name);
    }

    public EventType Type { get; }

    /// <summary>The tiers of an event of this type that has a queue; one without a queue is always tenant-level.</summary>
    public RouteTiers QueueTiers { get; }

    /// <summary>The version this connection receives it at.</summary>
    public EventType Target { get; }

    public byte[] StoredName { get; }

    public byte[] TargetName { get; }

    public RouteTiers TiersFor(string? queue) => queue is null ? RouteTiers.Tenant : QueueTiers;
}

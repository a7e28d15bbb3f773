using Router.Journal;
using Router.Routing;
using Router.Tenants;

namespace Router.Events;

/// <summary>
/// A committed event on its way to connections: the stored event, its parsed type, its tiers, and its SSE
/// frames. Frames are built once per format on first use and the same bytes are handed to every
/// connection that wants that format (SignalR's <c>SerializedHubMessage</c> idea), so fan-out costs no
/// JSON work per connection.
/// </summary>
internal sealed class RoutedEvent
{
    private readonly TenantId _tenant;
    private byte[]? _frame;
    private byte[]? _typedFrame;

    public RoutedEvent(TenantId tenant, JournalEvent stored, EventType type, RouteTiers tiers)
    {
        _tenant = tenant;
        Stored = stored;
        Type = type;
        Tiers = tiers;
        // Parsed here, once per routed event, so fan-out compares sets instead of reading JSON per connection.
        Audience = Audience.Parse(stored.Audience);
    }

    public JournalEvent Stored { get; }

    public EventType Type { get; }

    public RouteTiers Tiers { get; }

    /// <summary>Who may receive it, for a private event; null for a public one.</summary>
    public Audience? Audience { get; }

    public Position Position => Stored.Position;

    public string? Queue => Stored.Queue;

    /// <summary>
    /// The frame for this event. Racing first calls may both build it; they produce identical bytes and one
    /// wins, which is cheaper than a lock on the fan-out path.
    /// </summary>
    public ReadOnlyMemory<byte> Frame(bool typeAsEventField)
    {
        if (typeAsEventField)
        {
            return _typedFrame ??= SseFrames.EventFrame(_tenant, Stored, Type.Name, Stored.Data, typeAsEventField: true);
        }
        return _frame ??= SseFrames.EventFrame(_tenant, Stored, Type.Name, Stored.Data, typeAsEventField: false);
    }

    /// <summary>Wraps a stored event for delivery; null when its stored type cannot be parsed (never written by this router).</summary>
    public static RoutedEvent? From(TenantId tenant, JournalEvent stored, RoutingTable routing)
    {
        if (!EventType.TryParse(stored.Type, out var type))
        {
            return null;
        }
        return new RoutedEvent(tenant, stored, type, routing.TiersFor(type, stored.Queue is not null));
    }
}

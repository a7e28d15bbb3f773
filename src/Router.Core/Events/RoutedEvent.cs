using Router.Journal;
using Router.Routing;
using Router.Tenants;
using Router.Versioning;

namespace Router.Events;

/// <summary>
/// A committed event on its way to connections: the stored event, its parsed type, its tiers, and its SSE
/// frames. A frame is built once per (target version, frame format) on first use and the same bytes are
/// handed to every connection that wants it (SignalR's <c>SerializedHubMessage</c> idea), so fan-out costs
/// no JSON work and no version conversion per connection.
/// </summary>
internal sealed class RoutedEvent
{
    private readonly TenantId _tenant;
    private readonly Lock _gate = new();

    /// <summary>Built frames; replaced (never mutated) under the lock, read without it.</summary>
    private Frame[] _frames = [];

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

    /// <summary>Conversions this event ran (one per target version, whatever the number of connections).</summary>
    public int Conversions { get; private set; }

    /// <summary>
    /// The frame of this event at the version <paramref name="registry"/> resolves for <paramref name="pins"/>:
    /// the pinned version, else the newest registered. Without a conversion path the event goes out as stored
    /// and <see cref="EventTypeRegistry.Mismatches"/> counts it.
    /// </summary>
    public ReadOnlyMemory<byte> FrameFor(EventTypeRegistry registry, VersionPins pins, bool typeAsEventField)
    {
        var target = registry.ResolveTarget(Type, pins).Version;
        foreach (var frame in Volatile.Read(ref _frames))
        {
            if (frame.TargetVersion == target && frame.TypeAsEventField == typeAsEventField)
            {
                return frame.Bytes;
            }
        }
        lock (_gate)
        {
            foreach (var frame in _frames)
            {
                if (frame.TargetVersion == target && frame.TypeAsEventField == typeAsEventField)
                {
                    return frame.Bytes;
                }
            }
            var (type, data) = Convert(registry, target);
            var bytes = SseFrames.EventFrame(_tenant, Stored, type.Name, data, typeAsEventField);
            var converted = target == Type.Version ? (ReadOnlyMemory<byte>?)null : data;
            Volatile.Write(ref _frames, [.. _frames, new Frame(target, typeAsEventField, bytes) { ConvertedData = converted }]);
            return bytes;
        }
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

    /// <summary>Runs under the lock: the data at <paramref name="target"/>, reusing a conversion another frame format already did.</summary>
    private (EventType Type, ReadOnlyMemory<byte> Data) Convert(EventTypeRegistry registry, int target)
    {
        if (target == Type.Version)
        {
            return (Type, Stored.Data);
        }
        foreach (var frame in _frames)
        {
            if (frame.TargetVersion == target && frame.ConvertedData is { } done)
            {
                return (Type.WithVersion(target), done);
            }
        }
        Conversions++;
        if (registry.TryConvert(Type, target, Stored.Data, out var converted))
        {
            return (Type.WithVersion(target), converted);
        }
        registry.CountMismatch();
        return (Type, Stored.Data);
    }

    private sealed record Frame(int TargetVersion, bool TypeAsEventField, byte[] Bytes)
    {
        /// <summary>Kept so the other frame format at this version reuses the conversion.</summary>
        public ReadOnlyMemory<byte>? ConvertedData { get; init; }
    }
}

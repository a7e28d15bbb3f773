using System.Buffers;
using System.Text.Json;
using Router.Events;
using Router.Journal;
using Router.Routing;
using Router.Tenants;
using Router.Versioning;

namespace Router.Connections;

/// <summary>
/// Writes replayed journal rows straight into one connection's response. Live events share one frame built per
/// event (<see cref="RoutedEvent"/>), but a replayed frame is read by this client only, so caching it would be
/// pure cost: here each row goes through <see cref="SseFrames.WriteEventFrame"/> into the response, with one JSON
/// writer for the whole replay and everything that repeats across rows (the parsed type, its tiers and delivery
/// version, the queue's envelope names) worked out once per distinct value. Frames are built in a staging buffer of
/// the replay's own and copied into the response a few KiB at a time: Kestrel's response writer takes a lock on
/// every GetMemory and Advance, and a frame written straight into it made about six such calls (~5% of server CPU
/// in the replay profile). Used by the connection's loop only; <see cref="Drain"/> before every flush.
/// </summary>
internal sealed class ReplayWriter
{
    /// <summary>Bounds each cache: a journal full of distinct types or queues costs re-parsing, never memory.</summary>
    private const int MaxCached = 1024;

    /// <summary>Staged frames are copied into the response once they reach this many bytes (a few pipe segments).</summary>
    internal const int StagingBytes = 8 * 1024;

    private readonly TenantId _tenant;
    private readonly RoutingTable _routing;
    private readonly EventTypeRegistry _versions;
    private readonly VersionPins _pins;
    private readonly bool _typeAsEventField;
    private readonly IBufferWriter<byte> _output;

    /// <summary>Holds the frames not yet copied into <see cref="_output"/>: at most one frame beyond <see cref="StagingBytes"/>.</summary>
    private readonly ArrayBufferWriter<byte> _staging = new(2 * StagingBytes);
    private readonly Utf8JsonWriter _json;
    private readonly Dictionary<string, ReplayedType?> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EnvelopeNames> _queues = new(StringComparer.Ordinal);
    private EnvelopeNames? _tenantLevel;

    /// <summary>The last type and queue seen: a replay is mostly runs of one type on one queue, so most rows stop here.</summary>
    private ReplayedType? _lastType;
    private EnvelopeNames? _lastQueue;

    public ReplayWriter(TenantId tenant, RoutingTable routing, EventTypeRegistry versions, VersionPins pins, bool typeAsEventField, IBufferWriter<byte> output)
    {
        _tenant = tenant;
        _routing = routing;
        _versions = versions;
        _pins = pins;
        _typeAsEventField = typeAsEventField;
        _output = output;
        _json = SseFrames.CreateJsonWriter(_staging);
    }

    /// <summary>The parsed form of a stored type; null when it cannot be parsed (never written by this router).</summary>
    public ReplayedType? TypeOf(string storedType)
    {
        if (_lastType is { } last && string.Equals(last.Type.Name, storedType, StringComparison.Ordinal))
        {
            return last;
        }
        if (!_types.TryGetValue(storedType, out var type))
        {
            type = EventType.TryParse(storedType, out var parsed) ? new ReplayedType(parsed, _routing, _versions.ResolveTarget(parsed, _pins)) : null;
            if (_types.Count >= MaxCached)
            {
                _types.Clear();
            }
            _types[storedType] = type;
        }
        if (type is not null)
        {
            _lastType = type;
        }
        return type;
    }

    /// <summary>
    /// Writes <paramref name="stored"/> at the version this connection gets it in (the pinned one, else the newest
    /// registered), converting first when that differs from the stored one, exactly as the live frame would be.
    /// </summary>
    public void Write(JournalEvent stored, ReplayedType type)
    {
        var name = type.StoredName;
        var data = stored.Data;
        if (type.Target.Version != type.Type.Version)
        {
            if (_versions.TryConvert(type.Type, type.Target.Version, stored.Data, out var converted))
            {
                name = type.TargetName;
                data = converted;
            }
            else
            {
                // As the live frame does: delivered as stored, and counted (SPEC §6).
                _versions.CountMismatch();
            }
        }
        SseFrames.WriteEventFrame(_staging, _json, NamesOf(stored.Queue), stored, name, data.Span, _typeAsEventField);
        if (_staging.WrittenCount >= StagingBytes)
        {
            Drain();
        }
    }

    /// <summary>Copies the staged frames into the response; call it before flushing the response.</summary>
    public void Drain()
    {
        if (_staging.WrittenCount > 0)
        {
            _output.Write(_staging.WrittenSpan);
            _staging.ResetWrittenCount();
        }
    }

    private EnvelopeNames NamesOf(string? queue)
    {
        if (queue is null)
        {
            return _tenantLevel ??= EnvelopeNames.For(_tenant, null);
        }
        if (_lastQueue is { } last && string.Equals(last.Queue, queue, StringComparison.Ordinal))
        {
            return last;
        }
        if (!_queues.TryGetValue(queue, out var names))
        {
            if (_queues.Count >= MaxCached)
            {
                _queues.Clear();
            }
            names = EnvelopeNames.For(_tenant, queue);
            _queues[queue] = names;
        }
        _lastQueue = names;
        return names;
    }
}

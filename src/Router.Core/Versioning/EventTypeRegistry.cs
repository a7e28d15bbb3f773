using System.Collections.Frozen;
using Router.Events;

namespace Router.Versioning;

/// <summary>
/// The versions of each base type and the converters between them (SPEC §6). Built once at start-up
/// by <see cref="Build"/> and immutable afterwards, so every connection and replay can share it
/// without locks.
/// </summary>
internal sealed partial class EventTypeRegistry
{
    private long _mismatches;

    private readonly FrozenDictionary<string, Chains> _types;

    private EventTypeRegistry(FrozenDictionary<string, Chains> types) => _types = types;

    /// <summary>No conversions: every event is delivered as published.</summary>
    public static EventTypeRegistry Empty => new(FrozenDictionary<string, Chains>.Empty);

    /// <summary>The base types that have at least one conversion.</summary>
    /// <summary>Deliveries that wanted a version no conversion path reaches, so went out as stored (SPEC §6).</summary>
    public long Mismatches => Interlocked.Read(ref _mismatches);

    internal void CountMismatch() => Interlocked.Increment(ref _mismatches);

    public IEnumerable<string> BaseTypes => _types.Keys;

    /// <summary>The highest version any conversion of <paramref name="baseType"/> mentions, or null if none does.</summary>
    public int? NewestVersion(string baseType) =>
        _types.TryGetValue(baseType, out var chains) ? chains.Newest.Version : null;

    /// <summary>Every version a conversion of <paramref name="baseType"/> mentions, ascending; empty if none.</summary>
    public IReadOnlyList<int> KnownVersions(string baseType) =>
        _types.TryGetValue(baseType, out var chains) ? chains.Versions : [];

    /// <summary>
    /// The type an event stored as <paramref name="stored"/> is delivered as: the version pinned by
    /// the connection's <c>accept=</c>, else the newest registered version, else as stored.
    /// </summary>
    /// <remarks>Allocation-free: it runs per event and connection.</remarks>
    public EventType ResolveTarget(EventType stored, VersionPins pins)
    {
        if (pins.TryGetPinned(stored.BaseType, out var pinned))
        {
            return pinned;
        }
        // An event newer than every registered version stays as published: no conversion leads
        // down from it, and flagging it as a mismatch would blame producers for being ahead of the
        // configuration.
        return _types.TryGetValue(stored.BaseType, out var chains) && chains.Newest.Version > stored.Version
            ? chains.Newest
            : stored;
    }

    /// <summary>
    /// Converts <paramref name="utf8Data"/>, the <c>data</c> of an event stored as
    /// <paramref name="stored"/>, to <paramref name="targetVersion"/> through the chain of adjacent
    /// converters. At the stored version the input is returned as it is, not re-serialised; otherwise
    /// the result is compact UTF-8 JSON in a new array that the caller may share.
    /// </summary>
    /// <returns>
    /// False when some step of the chain is not registered; <paramref name="converted"/> is then the
    /// input, so the caller can deliver the event as stored (and count the mismatch).
    /// </returns>
    /// <exception cref="System.Text.Json.JsonException">The data is not JSON. The journal only holds
    /// data that ingest validated, so this means a corrupted journal rather than a producer error.</exception>
    public bool TryConvert(EventType stored, int targetVersion, ReadOnlyMemory<byte> utf8Data, out ReadOnlyMemory<byte> converted)
    {
        converted = utf8Data;
        if (stored.Version == targetVersion)
        {
            return true;
        }
        if (!_types.TryGetValue(stored.BaseType, out var chains))
        {
            return false;
        }
        var (steps, direction) = targetVersion > stored.Version ? (chains.Upcasts, 1) : (chains.Downcasts, -1);
        // Check the whole path before parsing, so an unconvertible event costs no JSON work.
        for (var version = stored.Version; version != targetVersion; version += direction)
        {
            if (!steps.ContainsKey(version))
            {
                return false;
            }
        }
        var data = DataJson.Parse(utf8Data);
        for (var version = stored.Version; version != targetVersion; version += direction)
        {
            data = steps[version].Convert(data);
        }
        converted = DataJson.ToUtf8(data, utf8Data.Length);
        return true;
    }

    /// <summary>One base type's converters, keyed by the version each converts from.</summary>
    private sealed class Chains(
        EventType newest,
        int[] versions,
        FrozenDictionary<int, IEventConverter> upcasts,
        FrozenDictionary<int, IEventConverter> downcasts)
    {
        public EventType Newest { get; } = newest;

        public int[] Versions { get; } = versions;

        public FrozenDictionary<int, IEventConverter> Upcasts { get; } = upcasts;

        public FrozenDictionary<int, IEventConverter> Downcasts { get; } = downcasts;
    }
}

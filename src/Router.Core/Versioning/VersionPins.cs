using System.Diagnostics.CodeAnalysis;
using Router.Events;

namespace Router.Versioning;

/// <summary>
/// A connection's <c>accept=</c> list (SPEC §4, §6): for each base type named, the version the
/// client understands, e.g. <c>question.created.v1,answer.posted.v2</c>. Immutable.
/// </summary>
internal sealed class VersionPins
{
    private readonly Dictionary<string, EventType> _pins;

    private VersionPins(Dictionary<string, EventType> pins) => _pins = pins;

    /// <summary>No pins: every event goes out at the newest registered version.</summary>
    public static VersionPins None { get; } = new(new Dictionary<string, EventType>(StringComparer.Ordinal));

    public int Count => _pins.Count;

    public bool TryGetPinned(string baseType, out EventType pinned) => _pins.TryGetValue(baseType, out pinned);

    /// <summary>
    /// Parses a comma-separated list of versioned types; spaces around entries are ignored, and null
    /// or blank text means no pins. Repeating an entry is allowed; pinning one base type to two
    /// versions is not.
    /// </summary>
    /// <param name="error">Why the text was refused, fit to show the client.</param>
    public static bool TryParse(string? text, [NotNullWhen(true)] out VersionPins? pins, [NotNullWhen(false)] out string? error)
    {
        pins = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            pins = None;
            return true;
        }
        var entries = text.Split(',', StringSplitOptions.TrimEntries);
        var parsed = new Dictionary<string, EventType>(entries.Length, StringComparer.Ordinal);
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries[i];
            if (entry.Length == 0)
            {
                error = $"accept: entry {i + 1} is empty";
                return false;
            }
            if (!EventType.TryParse(entry, out var type))
            {
                error = $"accept: '{entry}' is not a versioned event type such as 'question.created.v1'";
                return false;
            }
            if (parsed.TryGetValue(type.BaseType, out var earlier) && earlier.Version != type.Version)
            {
                error = $"accept: '{type.BaseType}' is pinned to both v{earlier.Version} and v{type.Version}";
                return false;
            }
            parsed[type.BaseType] = type;
        }
        pins = new VersionPins(parsed);
        return true;
    }

    /// <exception cref="FormatException">The text is not a valid <c>accept=</c> list; the message says why.</exception>
    public static VersionPins Parse(string? text) =>
        TryParse(text, out var pins, out var error) ? pins : throw new FormatException(error);

    /// <summary>The pins in canonical form, ordered by name: <c>answer.posted.v2,question.created.v1</c>.</summary>
    public override string ToString() => string.Join(',', _pins.Values.Select(t => t.Name).Order(StringComparer.Ordinal));
}

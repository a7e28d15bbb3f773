using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Router.Host.Ingest;

/// <summary>
/// Names that passed validation (event types, queue names), found again from a JSON string's UTF-8 bytes without
/// allocating or re-running the validating regex: publishers send the same few names over and over. Bounded:
/// past <see cref="MaxEntries"/> distinct names, a new one is validated every time and not kept.
/// </summary>
internal sealed class ValidatedNames
{
    private const int MaxEntries = 4096;

    /// <summary>Longer names are never cached (and no valid type or queue name is this long).</summary>
    private const int MaxCachedLength = 256;

    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _byChars;

    /// <summary>The name as it is to be stored, or null when the text is not a valid name.</summary>
    private readonly Func<string, string?> _validate;

    public ValidatedNames(Func<string, string?> validate)
    {
        _validate = validate;
        _byChars = _names.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The validated name of a JSON string value, or null when it is not a valid name.</summary>
    public string? Get(JsonElement value)
    {
        // The raw token, quotes included; one without escapes is the name's UTF-8 itself.
        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (raw.Length >= 2 && raw.Length - 2 <= MaxCachedLength && !raw.Contains((byte)'\\'))
        {
            Span<char> chars = stackalloc char[MaxCachedLength];
            var length = Encoding.UTF8.GetChars(raw[1..^1], chars);
            if (_byChars.TryGetValue(chars[..length], out var known))
            {
                return known;
            }
        }
        var text = value.GetString()!;
        var name = _validate(text);
        if (name is not null && text.Length <= MaxCachedLength && _names.Count < MaxEntries)
        {
            _names.TryAdd(text, name);
        }
        return name;
    }
}

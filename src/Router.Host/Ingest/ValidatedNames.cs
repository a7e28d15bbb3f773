using System.Collections.Concurrent;
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

    /// <summary>
    /// The validated name of the JSON string at <paramref name="reader"/>, or null when it is not a valid name (or not
    /// valid text: an escaped lone surrogate).
    /// </summary>
    public string? Get(ref readonly Utf8JsonReader reader)
    {
        // A value without escapes is the name's UTF-8 itself.
        var raw = reader.ValueSpan;
        if (!reader.ValueIsEscaped && raw.Length <= MaxCachedLength)
        {
            Span<char> chars = stackalloc char[MaxCachedLength];
            var length = Encoding.UTF8.GetChars(raw, chars);
            if (_byChars.TryGetValue(chars[..length], out var known))
            {
                return known;
            }
        }
        if (EventBatchParser.GetText(in reader) is not { } text)
        {
            return null;
        }
        var name = _validate(text);
        if (name is not null && text.Length <= MaxCachedLength && _names.Count < MaxEntries)
        {
            _names.TryAdd(text, name);
        }
        return name;
    }
}

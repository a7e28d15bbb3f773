using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Router.Events;
using Router.Host.Http;
using Router.Journal;
using Router.Queues;

namespace Router.Host.Ingest;

/// <summary>
/// Turns a publish body (one event object or an array of them, SPEC §3) into events to append, or the first
/// error with its batch index and field. Unknown fields are refused so a typo (<c>queu</c>) is not silently
/// lost; duplicate keys (at any depth, compared unescaped) and nesting beyond 64 levels are refused as malformed.
/// <c>data</c> is stored as compact JSON, so a producer's line breaks can never reach an SSE <c>data:</c> line.
/// </summary>
/// <remarks>
/// One forward pass of <see cref="Utf8JsonReader"/> over the body, with no document built. It answers as the
/// <c>JsonDocument</c> parse it replaced did, which checked the whole body before looking at any event: so a syntax
/// error anywhere beats a duplicate key anywhere, which beats every event error, and the pass reads on to the end
/// after the first event error. Per event the hot path allocates only what the event keeps: its id (the producer's,
/// or a generated one), and the event itself. <c>data</c> that is already compact (the usual case) is a slice of the
/// body, not a copy; types and queue names come from <see cref="ValidatedNames"/>; property names are compared as
/// UTF-8.
/// </remarks>
internal sealed class EventBatchParser
{
    private const int MaxIdLength = 128;
    private const int MaxAudienceEntries = 1000;
    private const int MaxAudienceEntryLength = 256;

    private static readonly JsonReaderOptions s_readerOptions = new()
    {
        MaxDepth = 64,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    private static readonly JsonWriterOptions s_compact = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <summary><c>data</c> when the event has none: shared, since nothing writes to an event's data.</summary>
    private static readonly byte[] s_emptyObject = "{}"u8.ToArray();

    private static readonly ValidatedNames s_types = new(static text => EventType.TryParse(text, out var type) ? type.Name : null);

    private static readonly ValidatedNames s_queues = new(static text => QueueName.TryParse(text, out var queue) ? queue.Value : null);

    private readonly PublishOptions _options;

    private readonly DuplicateKeys _keys = new();

    /// <summary>The body being parsed; compact <c>data</c> values are slices of it.</summary>
    private ReadOnlyMemory<byte> _body;

    public EventBatchParser(PublishOptions options) => _options = options;

    /// <summary>
    /// Parses <paramref name="body"/>. The events may keep slices of it (their <c>data</c>), so the caller hands
    /// over a buffer that nobody changes or reuses afterwards.
    /// </summary>
    public IngestError? TryParse(ReadOnlyMemory<byte> body, string? headerClientId, DateTimeOffset now, out List<EventToAppend> events)
    {
        events = [];
        _body = body;
        // The reader checks UTF-8 only when a string is read, and then throws InvalidOperationException;
        // checking the whole body first makes any invalid byte a plain 400.
        if (!Utf8.IsValid(body.Span))
        {
            return new IngestError(400, "body", null, "The body is not valid UTF-8.", MalformedJson: true);
        }
        var reader = new Utf8JsonReader(body.Span, s_readerOptions);
        IngestError? error;
        try
        {
            error = ParseBody(ref reader, headerClientId, now, events);
            // The reader refuses anything but whitespace after the root value.
            while (Read(ref reader))
            {
            }
        }
        catch (JsonException exception)
        {
            return Malformed(exception.Message);
        }
        if (_keys.InvalidKey is { } invalidKey)
        {
            return Malformed(invalidKey);
        }
        if (_keys.FirstDuplicate is { } duplicate)
        {
            // JsonDocument's words, so the answer did not change with the parser.
            return Malformed($"Duplicate property '{duplicate}' encountered during deserialization.");
        }
        return error;
    }

    private static IngestError Malformed(string reason) => new(400, "body", null, $"The body is not valid JSON: {reason}", MalformedJson: true);

    private IngestError? ParseBody(ref Utf8JsonReader reader, string? headerClientId, DateTimeOffset now, List<EventToAppend> events)
    {
        Read(ref reader); // an empty body throws
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            return ParseEvent(ref reader, 0, headerClientId, now, events);
        }
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return new IngestError(400, "body", null, "The body must be an event object or an array of event objects.");
        }
        var count = 0;
        IngestError? first = null;
        while (Read(ref reader) && reader.TokenType != JsonTokenType.EndArray)
        {
            // Past the first error, or past the most a batch may hold, only check the rest is JSON.
            if (first is null && count < _options.MaxBatch)
            {
                var start = reader.TokenStartIndex;
                first = ParseEvent(ref reader, count, headerClientId, now, events);
                if (count == 0)
                {
                    // A batch's events are usually alike: size the list from the first, rather than grow it.
                    var estimate = _body.Length / (int)(reader.BytesConsumed - start + 1) + 1;
                    events.Capacity = Math.Min(_options.MaxBatch, estimate);
                }
            }
            else
            {
                Skip(ref reader);
            }
            count++;
        }
        if (count == 0)
        {
            return new IngestError(400, "body", null, "The batch is empty; send at least one event.");
        }
        if (count > _options.MaxBatch)
        {
            return new IngestError(413, "body", null, $"The batch has {count} events; at most {_options.MaxBatch} are allowed.");
        }
        return first;
    }

    /// <summary>Reads the event at the reader, leaving the reader on its last token.</summary>
    private IngestError? ParseEvent(ref Utf8JsonReader reader, int index, string? headerClientId, DateTimeOffset now, List<EventToAppend> events)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            Skip(ref reader);
            return new IngestError(400, "body", index, $"Event {index} must be a JSON object.");
        }
        string? type = null, queue = null, id = null, origin = null;
        ReadOnlyMemory<byte> data = s_emptyObject;
        ReadOnlyMemory<byte>? audience = null;
        IngestError? error = null;
        while (Read(ref reader) && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (error is not null)
            {
                SkipValue(ref reader);
                continue;
            }
            // ValueTextEquals compares the UTF-8 name in place (unescaping if need be); no string per field.
            error = reader.ValueTextEquals("type"u8) ? ReadType(ref reader, index, out type)
                : reader.ValueTextEquals("data"u8) ? ReadData(ref reader, index, out data)
                : reader.ValueTextEquals("queue"u8) ? ReadQueue(ref reader, index, out queue)
                : reader.ValueTextEquals("id"u8) ? ReadText(ref reader, index, "id", out id)
                : reader.ValueTextEquals("originClientId"u8) ? ReadText(ref reader, index, "originClientId", out origin)
                : reader.ValueTextEquals("audience"u8) ? ReadAudience(ref reader, index, out audience)
                : UnknownField(ref reader, index);
        }
        if (error is not null)
        {
            return error;
        }
        if (type is null)
        {
            return new IngestError(400, "type", index, "The field 'type' is required, e.g. \"question.created.v1\".");
        }
        events.Add(new EventToAppend(id ?? GeneratedEventIds.Next(now), type, queue, now, data, audience, origin ?? headerClientId)
        {
            // Ours, so it cannot collide: the journal skips the idempotency lookup for it.
            IdGenerated = id is null,
        });
        return null;
    }

    private IngestError UnknownField(ref Utf8JsonReader reader, int index)
    {
        var name = GetText(in reader) ?? "(unprintable)";
        SkipValue(ref reader);
        return new IngestError(400, name, index, $"Unknown field '{Printable(name)}'; an event has type, queue, data, id, audience and originClientId.");
    }

    private IngestError? ReadType(ref Utf8JsonReader reader, int index, out string? type)
    {
        Read(ref reader);
        type = reader.TokenType == JsonTokenType.String ? s_types.Get(in reader) : null;
        Skip(ref reader);
        return type is null
            ? new IngestError(400, "type", index, "The type must be a dotted lowercase name ending in a version, like \"question.created.v2\".")
            : null;
    }

    private IngestError? ReadQueue(ref Utf8JsonReader reader, int index, out string? queue)
    {
        queue = null;
        Read(ref reader);
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        queue = reader.TokenType == JsonTokenType.String ? s_queues.Get(in reader) : null;
        Skip(ref reader);
        return queue is null
            ? new IngestError(400, "queue", index, "The queue must match ^[a-z0-9][a-z0-9_-]{0,63}$.")
            : null;
    }

    private IngestError? ReadData(ref Utf8JsonReader reader, int index, out ReadOnlyMemory<byte> data)
    {
        Read(ref reader);
        var start = (int)reader.TokenStartIndex; // a string's opening quote
        Skip(ref reader);
        var raw = _body[start..(int)reader.BytesConsumed];
        // Already compact as sent (no whitespace between tokens; JSON strings cannot hold a raw line break):
        // keep the producer's bytes, a slice of the body. Otherwise write it out compact.
        data = IsCompact(raw.Span) ? raw : Compact(raw);
        if (data.Length > _options.MaxData)
        {
            return new IngestError(413, "data", index, $"The data is {data.Length} bytes; at most {_options.MaxData} are allowed.");
        }
        return null;
    }

    private IngestError? ReadAudience(ref Utf8JsonReader reader, int index, out ReadOnlyMemory<byte>? audience)
    {
        audience = null;
        Read(ref reader);
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            Skip(ref reader);
            return new IngestError(400, "audience", index, "The audience must be an object like {\"users\":[…],\"groups\":[…],\"roles\":[…]}.");
        }
        // Written out compact as it is read, the way JsonElement.WriteTo wrote it.
        var buffer = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(buffer, s_compact);
        writer.WriteStartObject();
        IngestError? error = null;
        while (Read(ref reader) && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (error is not null)
            {
                SkipValue(ref reader);
                continue;
            }
            var name = reader.ValueTextEquals("users"u8) ? "users"
                : reader.ValueTextEquals("groups"u8) ? "groups"
                : reader.ValueTextEquals("roles"u8) ? "roles"
                : null;
            if (name is null)
            {
                error = new IngestError(400, "audience." + Printable(GetText(in reader) ?? "(unprintable)"), index, "The audience has users, groups and roles only.");
                SkipValue(ref reader);
                continue;
            }
            error = ReadAudienceList(ref reader, index, name, writer);
        }
        if (error is not null)
        {
            return error;
        }
        writer.WriteEndObject();
        writer.Flush();
        audience = buffer.WrittenMemory;
        return null;
    }

    private IngestError? ReadAudienceList(ref Utf8JsonReader reader, int index, string name, Utf8JsonWriter writer)
    {
        Read(ref reader);
        var tooLong = new IngestError(400, "audience." + name, index, $"audience.{name} must be an array of at most {MaxAudienceEntries} strings.");
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            Skip(ref reader);
            return tooLong;
        }
        writer.WritePropertyName(name);
        writer.WriteStartArray();
        var count = 0;
        var bad = false;
        Span<char> chars = stackalloc char[MaxAudienceEntryLength];
        while (Read(ref reader) && reader.TokenType != JsonTokenType.EndArray)
        {
            // The length is checked before any entry (as it was on a parsed document), so count them all.
            if (++count > MaxAudienceEntries || bad)
            {
                Skip(ref reader);
                continue;
            }
            bad = !TryWriteAudienceEntry(ref reader, writer, chars);
            Skip(ref reader);
        }
        if (count > MaxAudienceEntries)
        {
            return tooLong;
        }
        if (bad)
        {
            return new IngestError(400, "audience." + name, index,
                $"audience.{name} entries must be non-empty strings of at most {MaxAudienceEntryLength} characters without control characters.");
        }
        writer.WriteEndArray();
        return null;
    }

    private static bool TryWriteAudienceEntry(ref readonly Utf8JsonReader reader, Utf8JsonWriter writer, Span<char> chars)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }
        // Unescaped, a string has at most as many characters as its JSON has bytes.
        if (reader.ValueSpan.Length <= chars.Length)
        {
            int length;
            try
            {
                length = reader.CopyString(chars);
            }
            catch (InvalidOperationException)
            {
                return false; // an escaped lone surrogate: not text
            }
            if (!IsCleanText(chars[..length], MaxAudienceEntryLength))
            {
                return false;
            }
            writer.WriteStringValue(chars[..length]);
            return true;
        }
        if (GetText(in reader) is not { } text || !IsCleanText(text, MaxAudienceEntryLength))
        {
            return false;
        }
        writer.WriteStringValue(text);
        return true;
    }

    private IngestError? ReadText(ref Utf8JsonReader reader, int index, string field, out string? text)
    {
        text = null;
        Read(ref reader);
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        text = reader.TokenType == JsonTokenType.String ? GetText(in reader) : null;
        Skip(ref reader);
        if (text is null || !IsCleanText(text, MaxIdLength))
        {
            text = null;
            return new IngestError(400, field, index, $"The {field} must be a non-empty string of at most {MaxIdLength} characters without control characters.");
        }
        return null;
    }

    /// <summary>
    /// The string at the reader, unescaped; null when it is not text (an escaped lone surrogate, <c>"\ud800"</c>,
    /// which the reader refuses to turn into a string; the UTF-8 itself was checked up front).
    /// </summary>
    internal static string? GetText(ref readonly Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Moves to the next token, keeping the duplicate-key check up to date.</summary>
    private bool Read(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            return false;
        }
        switch (reader.TokenType)
        {
            case JsonTokenType.PropertyName:
                _keys.Add(in reader, _body);
                break;
            case JsonTokenType.StartObject:
                _keys.Open();
                break;
            case JsonTokenType.EndObject:
                _keys.Close();
                break;
        }
        return true;
    }

    /// <summary>From the first token of a value, moves to its last (the same token for a scalar), reading all between.</summary>
    private void Skip(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            var depth = reader.CurrentDepth;
            while (Read(ref reader) && reader.CurrentDepth > depth)
            {
            }
        }
    }

    /// <summary>From a property name, moves to the last token of its value.</summary>
    private void SkipValue(ref Utf8JsonReader reader)
    {
        Read(ref reader);
        Skip(ref reader);
    }

    /// <summary>Non-empty, bounded, and free of control characters (which could otherwise reach logs or frames raw).</summary>
    internal static bool IsCleanText(ReadOnlySpan<char> text, int maxLength)
    {
        if (text.Length == 0 || text.Length > maxLength)
        {
            return false;
        }
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// True when a raw JSON value has no whitespace outside its strings, i.e. it is already what
    /// <see cref="Compact"/> would produce up to string escaping (both are the same JSON value).
    /// </summary>
    internal static bool IsCompact(ReadOnlySpan<byte> raw)
    {
        var inString = false;
        for (var i = 0; i < raw.Length; i++)
        {
            var b = raw[i];
            if (inString)
            {
                if (b == (byte)'\\')
                {
                    i++; // the escaped character, whatever it is
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }
            }
            else if (b == (byte)'"')
            {
                inString = true;
            }
            else if (b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// <paramref name="raw"/> (one JSON value, already checked) written out compact. Rare (producers send compact
    /// JSON), so it goes through a document: JsonElement.WriteTo is what wrote <c>data</c> before, byte for byte.
    /// </summary>
    private static ReadOnlyMemory<byte> Compact(ReadOnlyMemory<byte> raw)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var document = JsonDocument.Parse(raw))
        using (var writer = new Utf8JsonWriter(buffer, s_compact))
        {
            document.RootElement.WriteTo(writer);
        }
        return buffer.WrittenMemory;
    }

    internal static string Printable(string name) => name.Length > 64 || name.Any(char.IsControl) ? "(unprintable)" : name;
}

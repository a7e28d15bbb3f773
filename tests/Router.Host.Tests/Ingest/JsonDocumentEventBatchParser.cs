using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Router.Events;
using Router.Host.Http;
using Router.Journal;
using Router.Queues;

namespace Router.Host.Ingest;

/// <summary>
/// The publish body parser as it was before the forward pass (a <c>JsonDocument</c> per body), kept as the oracle that
/// <see cref="EventBatchParserDifferentialTests"/> compares <see cref="EventBatchParser"/> with. Only its name cache
/// is gone: names are validated every time, which gives the same answers.
/// </summary>
internal sealed class JsonDocumentEventBatchParser
{
    private const int MaxIdLength = 128;
    private const int MaxAudienceEntries = 1000;

    private static readonly JsonDocumentOptions s_documentOptions = new()
    {
        AllowDuplicateProperties = false,
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


    private readonly PublishOptions _options;

    /// <summary>The body being parsed; compact <c>data</c> values are slices of it.</summary>
    private ReadOnlyMemory<byte> _body;

    public JsonDocumentEventBatchParser(PublishOptions options) => _options = options;

    /// <summary>
    /// Parses <paramref name="body"/>. The events may keep slices of it (their <c>data</c>), so the caller hands
    /// over a buffer that nobody changes or reuses afterwards.
    /// </summary>
    public IngestError? TryParse(ReadOnlyMemory<byte> body, string? headerClientId, DateTimeOffset now, out List<EventToAppend> events)
    {
        events = [];
        _body = body;
        // JsonDocument checks UTF-8 only when a string is read, and then throws InvalidOperationException
        // deep in the parse; checking the whole body first makes any invalid byte a plain 400.
        if (!Utf8.IsValid(body.Span))
        {
            return new IngestError(400, "body", null, "The body is not valid UTF-8.", MalformedJson: true);
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, s_documentOptions);
        }
        catch (JsonException exception)
        {
            return new IngestError(400, "body", null, $"The body is not valid JSON: {exception.Message}", MalformedJson: true);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                return ParseEvent(root, 0, headerClientId, now, events);
            }
            if (root.ValueKind != JsonValueKind.Array)
            {
                return new IngestError(400, "body", null, "The body must be an event object or an array of event objects.");
            }
            var count = root.GetArrayLength();
            if (count == 0)
            {
                return new IngestError(400, "body", null, "The batch is empty; send at least one event.");
            }
            if (count > _options.MaxBatch)
            {
                return new IngestError(413, "body", null, $"The batch has {count} events; at most {_options.MaxBatch} are allowed.");
            }
            events.Capacity = count;
            var index = 0;
            foreach (var element in root.EnumerateArray())
            {
                if (ParseEvent(element, index++, headerClientId, now, events) is { } error)
                {
                    return error;
                }
            }
            return null;
        }
    }

    private IngestError? ParseEvent(JsonElement element, int index, string? headerClientId, DateTimeOffset now, List<EventToAppend> events)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return new IngestError(400, "body", index, $"Event {index} must be a JSON object.");
        }
        string? type = null, queue = null, id = null, origin = null;
        ReadOnlyMemory<byte> data = s_emptyObject;
        ReadOnlyMemory<byte>? audience = null;
        foreach (var property in element.EnumerateObject())
        {
            // NameEquals compares the UTF-8 name in place; property.Name would allocate a string per field.
            var error = property.NameEquals("type"u8) ? ReadType(property.Value, index, out type)
                : property.NameEquals("data"u8) ? ReadData(property.Value, index, out data)
                : property.NameEquals("queue"u8) ? ReadQueue(property.Value, index, out queue)
                : property.NameEquals("id"u8) ? ReadText(property.Value, index, "id", allowNull: true, out id)
                : property.NameEquals("originClientId"u8) ? ReadText(property.Value, index, "originClientId", allowNull: true, out origin)
                : property.NameEquals("audience"u8) ? ReadAudience(property.Value, index, out audience)
                : new IngestError(400, property.Name, index, $"Unknown field '{EventBatchParser.Printable(property.Name)}'; an event has type, queue, data, id, audience and originClientId.");
            if (error is not null)
            {
                return error;
            }
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

    private static IngestError? ReadType(JsonElement value, int index, out string? type)
    {
        type = value.ValueKind == JsonValueKind.String ? (EventType.TryParse(value.GetString()!, out var parsed) ? parsed.Name : null) : null;
        return type is null
            ? new IngestError(400, "type", index, "The type must be a dotted lowercase name ending in a version, like \"question.created.v2\".")
            : null;
    }

    private static IngestError? ReadQueue(JsonElement value, int index, out string? queue)
    {
        queue = null;
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        queue = value.ValueKind == JsonValueKind.String ? (QueueName.TryParse(value.GetString()!, out var parsed) ? parsed.Value : null) : null;
        return queue is null
            ? new IngestError(400, "queue", index, "The queue must match ^[a-z0-9][a-z0-9_-]{0,63}$.")
            : null;
    }

    private IngestError? ReadData(JsonElement value, int index, out ReadOnlyMemory<byte> data)
    {
        // Already compact as sent (no whitespace between tokens; JSON strings cannot hold a raw line break):
        // keep the producer's bytes, a slice of the body. Otherwise write it out compact.
        var raw = JsonMarshal.GetRawUtf8Value(value);
        data = EventBatchParser.IsCompact(raw) && _body.Span.Overlaps(raw, out var offset)
            ? _body.Slice(offset, raw.Length)
            : Compact(value);
        if (data.Length > _options.MaxData)
        {
            return new IngestError(413, "data", index, $"The data is {data.Length} bytes; at most {_options.MaxData} are allowed.");
        }
        return null;
    }

    private static IngestError? ReadAudience(JsonElement value, int index, out ReadOnlyMemory<byte>? audience)
    {
        audience = null;
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            return new IngestError(400, "audience", index, "The audience must be an object like {\"users\":[…],\"groups\":[…],\"roles\":[…]}.");
        }
        foreach (var list in value.EnumerateObject())
        {
            if (list.Name is not ("users" or "groups" or "roles"))
            {
                return new IngestError(400, "audience." + EventBatchParser.Printable(list.Name), index, "The audience has users, groups and roles only.");
            }
            if (list.Value.ValueKind != JsonValueKind.Array || list.Value.GetArrayLength() > MaxAudienceEntries)
            {
                return new IngestError(400, "audience." + list.Name, index, $"audience.{list.Name} must be an array of at most {MaxAudienceEntries} strings.");
            }
            foreach (var entry in list.Value.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.String || !EventBatchParser.IsCleanText(entry.GetString()!, 256))
                {
                    return new IngestError(400, "audience." + list.Name, index, $"audience.{list.Name} entries must be non-empty strings of at most 256 characters without control characters.");
                }
            }
        }
        audience = Compact(value);
        return null;
    }

    private static IngestError? ReadText(JsonElement value, int index, string field, bool allowNull, out string? text)
    {
        text = null;
        if (allowNull && value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (text is null || !EventBatchParser.IsCleanText(text, MaxIdLength))
        {
            text = null;
            return new IngestError(400, field, index, $"The {field} must be a non-empty string of at most {MaxIdLength} characters without control characters.");
        }
        return null;
    }

    private static ReadOnlyMemory<byte> Compact(JsonElement value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, s_compact))
        {
            value.WriteTo(writer);
        }
        return buffer.WrittenMemory;
    }
}

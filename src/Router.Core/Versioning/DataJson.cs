using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Router.Versioning;

/// <summary>Reads event data into a mutable <see cref="JsonNode"/> and writes it back as compact UTF-8.</summary>
internal static class DataJson
{
    // JsonObject cannot hold two properties of one name and throws when it first looks inside such an
    // object, so duplicates are found while parsing, where they cost one check per object.
    private static readonly JsonDocumentOptions s_unique = new() { AllowDuplicateProperties = false };

    // Relaxed escaping keeps non-ASCII text as UTF-8 rather than \uXXXX, so a converted event is
    // about as large as the producer's original. It is safe here: the bytes go into SSE data lines,
    // not HTML, and JSON escapes every control character, so no raw CR or LF reaches the framing.
    private static readonly JsonWriterOptions s_writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Parses <paramref name="utf8"/>. Duplicate property names are valid JSON and the journal keeps
    /// what producers sent, so they are resolved as a browser's <c>JSON.parse</c> does: the last wins.
    /// </summary>
    /// <exception cref="JsonException">The text is not JSON.</exception>
    public static JsonNode? Parse(ReadOnlyMemory<byte> utf8)
    {
        try
        {
            // Lazy: objects and arrays no step touches are written back straight from the parsed text.
            return JsonNode.Parse(utf8.Span, documentOptions: s_unique);
        }
        catch (JsonException)
        {
            // Rare: a duplicate (or malformed text, which throws again here). Build every node eagerly.
            using var document = JsonDocument.Parse(utf8);
            return LastWins(document.RootElement.Clone());
        }
    }

    public static byte[] ToUtf8(JsonNode? node, int sizeHint)
    {
        using var buffer = new PooledByteBufferWriter(sizeHint);
        using (var writer = new Utf8JsonWriter(buffer, s_writer))
        {
            if (node is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                node.WriteTo(writer);
            }
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static JsonNode? LastWins(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var result = new JsonObject();
                foreach (var property in element.EnumerateObject())
                {
                    result[property.Name] = LastWins(property.Value);
                }
                return result;
            case JsonValueKind.Array:
                var array = new JsonArray();
                foreach (var item in element.EnumerateArray())
                {
                    array.Add(LastWins(item));
                }
                return array;
            case JsonValueKind.Null:
                return null;
            default:
                return JsonValue.Create(element);
        }
    }
}

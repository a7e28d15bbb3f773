using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Router.Journal;
using Router.Tenants;

namespace Router.Events;

/// <summary>
/// Writes the bytes of SSE frames. Every field value is either a position (digits), a validated type name,
/// or one line of compact JSON written by <see cref="Utf8JsonWriter"/>, which escapes CR, LF and NUL, so
/// nothing a producer sends can break the framing (SPEC §4).
/// </summary>
public static class SseFrames
{
    private static readonly JsonWriterOptions s_writerOptions = new()
    {
        // Not HTML: keep payloads readable (no \u003C for '<'); control characters are still escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
        SkipValidation = false,
    };

    private static readonly byte[] s_id = "id: "u8.ToArray();
    private static readonly byte[] s_data = "data: "u8.ToArray();
    private static readonly byte[] s_event = "event: "u8.ToArray();

    /// <summary>The CloudEvents 1.0 envelope of one event as an SSE frame; <paramref name="data"/> is the (possibly converted) payload.</summary>
    public static byte[] EventFrame(TenantId tenant, JournalEvent stored, string type, ReadOnlyMemory<byte> data, bool typeAsEventField)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + data.Length);
        if (typeAsEventField)
        {
            buffer.Write(s_event);
            buffer.Write(Encoding.UTF8.GetBytes(type));
            buffer.Write("\n"u8);
        }
        buffer.Write(s_id);
        WritePosition(buffer, stored.Position);
        buffer.Write("\n"u8);
        buffer.Write(s_data);
        using (var json = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            WriteEnvelope(json, tenant, stored, type, data);
        }
        buffer.Write("\n\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A named control frame (<c>connection</c>, <c>heartbeat</c>, <c>reset</c>, <c>shutdown</c>) with a JSON body.</summary>
    public static byte[] ControlFrame(string eventName, Action<Utf8JsonWriter> writeBody)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.Write(s_event);
        buffer.Write(Encoding.UTF8.GetBytes(eventName));
        buffer.Write("\n"u8);
        buffer.Write(s_data);
        using (var json = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            json.WriteStartObject();
            writeBody(json);
            json.WriteEndObject();
        }
        buffer.Write("\n\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The <c>retry:</c> line that tells EventSource how long to wait before reconnecting.</summary>
    public static byte[] RetryFrame(TimeSpan retry) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"retry: {(long)retry.TotalMilliseconds}\n\n"));

    /// <summary>Formats a time the way every envelope and control frame does: UTC, milliseconds, <c>Z</c>.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void WriteEnvelope(Utf8JsonWriter json, TenantId tenant, JournalEvent stored, string type, ReadOnlyMemory<byte> data)
    {
        json.WriteStartObject();
        json.WriteString("specversion"u8, "1.0"u8);
        json.WriteString("id"u8, stored.EventId);
        json.WriteString("type"u8, type);
        json.WriteString("source"u8, stored.Queue is null ? $"/tenants/{tenant.Value}" : $"/tenants/{tenant.Value}/queues/{stored.Queue}");
        json.WriteString("time"u8, FormatTime(stored.Time));
        json.WriteString("datacontenttype"u8, "application/json"u8);
        json.WriteString("tenant"u8, tenant.Value);
        if (stored.Queue is not null)
        {
            json.WriteString("queue"u8, stored.Queue);
        }
        json.WriteString("sequence"u8, stored.Position.ToString());
        if (stored.OriginClientId is not null)
        {
            json.WriteString("originclientid"u8, stored.OriginClientId);
        }
        json.WritePropertyName("data"u8);
        // Stored data is compact JSON validated at ingest; the writer checks it again, so a corrupt row cannot break a frame.
        json.WriteRawValue(data.Span, skipInputValidation: false);
        json.WriteEndObject();
    }

    private static void WritePosition(ArrayBufferWriter<byte> buffer, Position position)
    {
        Span<byte> digits = stackalloc byte[20];
        position.Value.TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
        buffer.Write(digits[..written]);
    }
}

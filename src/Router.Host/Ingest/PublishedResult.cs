using System.Buffers;
using System.Text.Json;
using Router.Journal;

namespace Router.Host.Ingest;

/// <summary>
/// The <c>201</c> answer of a publish (SPEC §3): <c>{"events":[{"id":"…","sequence":"42","duplicate":false},…]}</c>
/// in request order. Written by hand with a <see cref="Utf8JsonWriter"/> and buffer kept per thread, then copied
/// into the response with its Content-Length: no serializer, no per-event records or position strings, and no
/// chunked encoding.
/// </summary>
internal sealed class PublishedResult : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    /// <summary>A buffer grown past this (a large batch) is dropped after use rather than kept by the thread.</summary>
    private const int MaxRetainedBuffer = 64 * 1024;

    private static readonly JsonEncodedText s_events = JsonEncodedText.Encode("events");
    private static readonly JsonEncodedText s_id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText s_sequence = JsonEncodedText.Encode("sequence");
    private static readonly JsonEncodedText s_duplicate = JsonEncodedText.Encode("duplicate");

    // Per thread, used only inside the synchronous part of ExecuteAsync (reset, written, copied out, released).
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    private readonly BatchResult _result;

    public PublishedResult(BatchResult result) => _result = result;

    public int? StatusCode => StatusCodes.Status201Created;

    public string ContentType => "application/json; charset=utf-8";

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        try
        {
            Write(writer, _result.Events);
            writer.Flush();

            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status201Created;
            response.ContentType = ContentType;
            response.ContentLength = buffer.WrittenCount;
            response.BodyWriter.Write(buffer.WrittenSpan);
        }
        finally
        {
            writer.Reset(Stream.Null);
            if (buffer.Capacity > MaxRetainedBuffer)
            {
                t_buffer = null;
            }
            else
            {
                buffer.ResetWrittenCount();
            }
        }
        return httpContext.Response.BodyWriter.FlushAsync(httpContext.RequestAborted).AsTask();
    }

    private static void Write(Utf8JsonWriter writer, IReadOnlyList<AppendedEvent> events)
    {
        Span<byte> sequence = stackalloc byte[20]; // long.MaxValue has 19 digits
        writer.WriteStartObject();
        writer.WriteStartArray(s_events);
        for (var i = 0; i < events.Count; i++)
        {
            var appended = events[i];
            appended.Event.Position.Value.TryFormat(sequence, out var length, provider: System.Globalization.CultureInfo.InvariantCulture);
            writer.WriteStartObject();
            writer.WriteString(s_id, appended.Event.EventId);
            writer.WriteString(s_sequence, sequence[..length]);
            writer.WriteBoolean(s_duplicate, appended.Duplicate);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}

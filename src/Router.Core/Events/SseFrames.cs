using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
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

    // The envelope's fixed parts, in WriteEnvelope's order, for WritePlainFrame.
    private static readonly byte[] s_specVersion = "{\"specversion\":\"1.0\",\"id\":\""u8.ToArray();
    private static readonly byte[] s_typeProperty = "\",\"type\":\""u8.ToArray();
    private static readonly byte[] s_sourceProperty = "\",\"source\":\""u8.ToArray();
    private static readonly byte[] s_timeProperty = "\",\"time\":\""u8.ToArray();
    private static readonly byte[] s_tenantProperty = "\",\"datacontenttype\":\"application/json\",\"tenant\":\""u8.ToArray();
    private static readonly byte[] s_queueProperty = "\",\"queue\":\""u8.ToArray();
    private static readonly byte[] s_sequenceProperty = "\",\"sequence\":\""u8.ToArray();
    private static readonly byte[] s_originProperty = "\",\"originclientid\":\""u8.ToArray();
    private static readonly byte[] s_dataProperty = "\",\"data\":"u8.ToArray();

    /// <summary>The envelope around <c>data</c> is a few hundred bytes (ids, names, time); room reserved for it up front.</summary>
    private const int EnvelopeAllowance = 512;

    /// <summary><c>yyyy-MM-ddTHH:mm:ss.fffZ</c>.</summary>
    internal const int TimeLength = 24;

    /// <summary>
    /// Scratch space for <see cref="EventFrame"/>, one per thread: the frame is written here and copied out once, at
    /// its exact size. Nothing runs between taking and returning it that could re-enter (no user code), and it is
    /// taken out of the field while in use, so even re-entry would only cost a fresh one.
    /// </summary>
    [ThreadStatic]
    private static FrameScratch? t_scratch;

    /// <summary>The CloudEvents 1.0 envelope of one event as an SSE frame; <paramref name="data"/> is the (possibly converted) payload.</summary>
    public static byte[] EventFrame(TenantId tenant, JournalEvent stored, string type, ReadOnlyMemory<byte> data, bool typeAsEventField)
    {
        var scratch = t_scratch ?? new FrameScratch();
        t_scratch = null;
        scratch.Buffer.ResetWrittenCount();
        WriteEventFrame(scratch.Buffer, scratch.Json, EnvelopeNames.For(tenant, stored.Queue), stored, Encoding.UTF8.GetBytes(type), data.Span, typeAsEventField);
        var frame = scratch.Buffer.WrittenSpan.ToArray();
        // A frame with a very large payload would otherwise pin its buffer to this thread for good.
        if (scratch.Buffer.Capacity <= FrameScratch.MaxKeptCapacity)
        {
            t_scratch = scratch;
        }
        return frame;
    }

    /// <summary>
    /// Writes the frame of one event straight into <paramref name="output"/> (a response, or
    /// <see cref="EventFrame"/>'s scratch buffer): the one routine both the shared live frame and replay use, so
    /// the bytes cannot differ. <paramref name="json"/> comes from <see cref="CreateJsonWriter"/> and is reused;
    /// <paramref name="names"/> must be those of <paramref name="stored"/>'s queue; <paramref name="type"/> is the
    /// UTF-8 name of the (possibly converted) type, and <paramref name="data"/> the matching payload.
    /// </summary>
    internal static void WriteEventFrame(
        IBufferWriter<byte> output,
        Utf8JsonWriter json,
        EnvelopeNames names,
        JournalEvent stored,
        ReadOnlySpan<byte> type,
        ReadOnlySpan<byte> data,
        bool typeAsEventField)
    {
        Debug.Assert(string.Equals(names.Queue, stored.Queue, StringComparison.Ordinal), "The envelope names belong to another queue.");
        Span<byte> position = stackalloc byte[20];
        Utf8Formatter.TryFormat(stored.Position.Value, position, out var positionLength);
        position = position[..positionLength];

        // Checked before anything is written: a corrupt row throws here and leaves no part of a frame behind.
        ValidateData(data);
        var id = stored.EventId;
        var origin = stored.OriginClientId;
        // The type is a validated name (never escaped), checked anyway: this routine writes it as is.
        if (IsPlain(id) && (origin is null || IsPlain(origin)) && IsPlain(type))
        {
            WritePlainFrame(output, names, stored, type, position, data, typeAsEventField);
            return;
        }

        // Reserving room for the whole frame first keeps it in one segment of a pipe: the JSON writer then finds
        // its memory there instead of abandoning a part-filled segment when it grows.
        var prefixLength = (typeAsEventField ? s_event.Length + type.Length + 1 : 0) + s_id.Length + positionLength + 1 + s_data.Length;
        var prefix = output.GetSpan(prefixLength + EnvelopeAllowance + data.Length);
        var at = WritePrefix(prefix, type, position, typeAsEventField);
        output.Advance(at);

        json.Reset(output);
        WriteEnvelope(json, names, stored, type, position, data);
        json.Flush();
        output.Write("\n\n"u8);
    }

    /// <summary>
    /// The frame of an event whose producer-written strings (id, origin client id) need no escaping, written byte
    /// by byte at its exact length: the bytes <see cref="WriteEnvelope"/> would give (SseFramesTests compare them),
    /// without the JSON writer's escaping scan of every value and its state checks (~15% of a replay's CPU). Every
    /// other value is safe by construction: digits, the validated type name, the time, pre-encoded names.
    /// </summary>
    private static void WritePlainFrame(
        IBufferWriter<byte> output,
        EnvelopeNames names,
        JournalEvent stored,
        ReadOnlySpan<byte> type,
        ReadOnlySpan<byte> position,
        ReadOnlySpan<byte> data,
        bool typeAsEventField)
    {
        var id = stored.EventId;
        var origin = stored.OriginClientId;
        var source = names.Source.EncodedUtf8Bytes;
        var tenant = names.Tenant.EncodedUtf8Bytes;
        var queue = names.EncodedQueue is { } encodedQueue ? encodedQueue.EncodedUtf8Bytes : default;
        var length = (typeAsEventField ? s_event.Length + type.Length + 1 : 0) + s_id.Length + position.Length + 1 + s_data.Length
            + s_specVersion.Length + id.Length + s_typeProperty.Length + type.Length + s_sourceProperty.Length + source.Length
            + s_timeProperty.Length + TimeLength + s_tenantProperty.Length + tenant.Length
            + (names.EncodedQueue is null ? 0 : s_queueProperty.Length + queue.Length)
            + s_sequenceProperty.Length + position.Length
            + (origin is null ? 0 : s_originProperty.Length + origin.Length)
            + s_dataProperty.Length + data.Length + 3; // "}\n\n"
        var frame = output.GetSpan(length);
        var at = WritePrefix(frame, type, position, typeAsEventField);
        at += Append(frame, at, s_specVersion);
        at += Ascii.FromUtf16(id, frame[at..], out var written) == OperationStatus.Done ? written : throw new UnreachableException();
        at += Append(frame, at, s_typeProperty);
        at += Append(frame, at, type);
        at += Append(frame, at, s_sourceProperty);
        at += Append(frame, at, source);
        at += Append(frame, at, s_timeProperty);
        WriteTime(stored.Time, frame.Slice(at, TimeLength));
        at += TimeLength;
        at += Append(frame, at, s_tenantProperty);
        at += Append(frame, at, tenant);
        if (names.EncodedQueue is not null)
        {
            at += Append(frame, at, s_queueProperty);
            at += Append(frame, at, queue);
        }
        at += Append(frame, at, s_sequenceProperty);
        at += Append(frame, at, position);
        if (origin is not null)
        {
            at += Append(frame, at, s_originProperty);
            at += Ascii.FromUtf16(origin, frame[at..], out written) == OperationStatus.Done ? written : throw new UnreachableException();
        }
        at += Append(frame, at, s_dataProperty);
        at += Append(frame, at, data);
        at += Append(frame, at, "}\n\n"u8);
        Debug.Assert(at == length, "The frame's length was miscounted.");
        output.Advance(at);
    }

    private static int WritePrefix(Span<byte> destination, ReadOnlySpan<byte> type, ReadOnlySpan<byte> position, bool typeAsEventField)
    {
        var at = 0;
        if (typeAsEventField)
        {
            at += Append(destination, at, s_event);
            at += Append(destination, at, type);
            destination[at++] = (byte)'\n';
        }
        at += Append(destination, at, s_id);
        at += Append(destination, at, position);
        destination[at++] = (byte)'\n';
        at += Append(destination, at, s_data);
        return at;
    }

    /// <summary>
    /// True when the frame writer's encoder would write <paramref name="value"/> unchanged: printable ASCII other
    /// than the quote and the backslash (SseFramesTests checks this against the encoder for every ASCII character).
    /// </summary>
    internal static bool IsPlain(string value) =>
        !value.AsSpan().ContainsAnyExceptInRange(' ', '~') && !value.AsSpan().ContainsAny('"', '\\');

    private static bool IsPlain(ReadOnlySpan<byte> value) =>
        !value.ContainsAnyExceptInRange((byte)' ', (byte)'~') && !value.ContainsAny((byte)'"', (byte)'\\');

    /// <summary>
    /// Stored data is one compact JSON value, validated at ingest; it is checked again because a corrupt row must not
    /// break a frame: it must be one whole JSON value (<see cref="StoredJson"/>, as
    /// <see cref="Utf8JsonWriter.WriteRawValue(ReadOnlySpan{byte}, bool)"/> would check) and hold no line break (valid JSON has one only as whitespace, which compact JSON has none of, and
    /// one would end the SSE <c>data:</c> line). Throws a <see cref="JsonException"/> otherwise.
    /// </summary>
    private static void ValidateData(ReadOnlySpan<byte> data)
    {
        if (data.ContainsAny((byte)'\r', (byte)'\n'))
        {
            throw new JsonException("The stored data holds a line break.");
        }
        if (!StoredJson.IsValid(data))
        {
            throw new JsonException("The stored data is not one whole JSON value.");
        }
    }

    /// <summary>A JSON writer with the options every frame is written with; reset per frame by <see cref="WriteEventFrame"/>.</summary>
    internal static Utf8JsonWriter CreateJsonWriter(IBufferWriter<byte> output) => new(output, s_writerOptions);

    /// <summary>Encodes a value the way the frame writer would escape it.</summary>
    internal static JsonEncodedText Encode(string value) => JsonEncodedText.Encode(value, s_writerOptions.Encoder);

    /// <summary>
    /// Writes a named control frame (<c>connection</c>, <c>heartbeat</c>, <c>reset</c>, <c>shutdown</c>) with a JSON body
    /// straight into <paramref name="output"/> (a stream's response). Every stream writes one on open and one per
    /// heartbeat, so nothing is allocated: the JSON writer is one per thread, and the body is a static callback with
    /// its state passed in. The body must not write to another frame (the callback only writes its properties).
    /// </summary>
    public static void WriteControlFrame<TState>(IBufferWriter<byte> output, string eventName, TState state, Action<Utf8JsonWriter, TState> writeBody)
    {
        output.Write(s_event);
        WriteAscii(output, eventName);
        output.Write("\n"u8);
        output.Write(s_data);
        var json = t_controlWriter ?? new Utf8JsonWriter(output, s_writerOptions);
        t_controlWriter = null;
        json.Reset(output);
        try
        {
            json.WriteStartObject();
            writeBody(json, state);
            json.WriteEndObject();
            json.Flush();
        }
        finally
        {
            // Detached again, so the thread does not keep the last stream's response reachable.
            json.Reset(s_detached);
            t_controlWriter = json;
        }
        output.Write("\n\n"u8);
    }

    /// <summary>A control frame's <c>time</c>-style property, formatted as every frame formats time, without a string.</summary>
    public static void WriteTimeProperty(Utf8JsonWriter json, string name, DateTimeOffset time)
    {
        Span<byte> utf8 = stackalloc byte[TimeLength];
        WriteTime(time, utf8);
        json.WriteString(name, utf8);
    }

    /// <summary>The JSON writer of <see cref="WriteControlFrame"/>, one per thread; taken out of the field while in use.</summary>
    [ThreadStatic]
    private static Utf8JsonWriter? t_controlWriter;

    /// <summary>Where an unused control writer points (it is never written to).</summary>
    private static readonly ArrayBufferWriter<byte> s_detached = new(1);

    /// <summary>Event names are router-chosen ASCII words.</summary>
    private static void WriteAscii(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(text.Length);
        var written = Encoding.ASCII.GetBytes(text, span);
        output.Advance(written);
    }

    /// <summary>The <c>retry:</c> line that tells EventSource how long to wait before reconnecting.</summary>
    public static ReadOnlySpan<byte> RetryFrame(TimeSpan retry)
    {
        // Every stream opens with it, almost always with the configured value: the last one made is kept.
        var last = s_lastRetry;
        if (last is not null && last.Retry == retry)
        {
            return last.Frame;
        }
        var frame = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"retry: {(long)retry.TotalMilliseconds}\n\n"));
        s_lastRetry = new RetryLine(retry, frame);
        return frame;
    }

    private sealed record RetryLine(TimeSpan Retry, byte[] Frame);

    private static RetryLine? s_lastRetry;

    /// <summary>
    /// <c>yyyy-MM-ddTHH:mm:ss.fffZ</c> in UTC (fraction truncated, as the custom format does) into exactly
    /// <see cref="TimeLength"/> bytes; by hand because it runs for every replayed event.
    /// </summary>
    internal static void WriteTime(DateTimeOffset time, Span<byte> utf8)
    {
        var utc = time.UtcDateTime;
        utc.Deconstruct(out int year, out int month, out int day);
        var ticks = utc.Ticks % TimeSpan.TicksPerDay;
        WriteDigits(utf8[..4], year);
        utf8[4] = (byte)'-';
        WriteDigits(utf8.Slice(5, 2), month);
        utf8[7] = (byte)'-';
        WriteDigits(utf8.Slice(8, 2), day);
        utf8[10] = (byte)'T';
        WriteDigits(utf8.Slice(11, 2), (int)(ticks / TimeSpan.TicksPerHour));
        utf8[13] = (byte)':';
        WriteDigits(utf8.Slice(14, 2), (int)(ticks / TimeSpan.TicksPerMinute % 60));
        utf8[16] = (byte)':';
        WriteDigits(utf8.Slice(17, 2), (int)(ticks / TimeSpan.TicksPerSecond % 60));
        utf8[19] = (byte)'.';
        WriteDigits(utf8.Slice(20, 3), (int)(ticks / TimeSpan.TicksPerMillisecond % 1000));
        utf8[23] = (byte)'Z';
    }

    private static void WriteDigits(Span<byte> destination, int value)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }

    private static int Append(Span<byte> destination, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination[at..]);
        return bytes.Length;
    }

    private static void WriteEnvelope(Utf8JsonWriter json, EnvelopeNames names, JournalEvent stored, ReadOnlySpan<byte> type, ReadOnlySpan<byte> position, ReadOnlySpan<byte> data)
    {
        Span<byte> time = stackalloc byte[TimeLength];
        WriteTime(stored.Time, time);
        json.WriteStartObject();
        json.WriteString("specversion"u8, "1.0"u8);
        json.WriteString("id"u8, stored.EventId);
        json.WriteString("type"u8, type);
        json.WriteString("source"u8, names.Source);
        json.WriteString("time"u8, time);
        json.WriteString("datacontenttype"u8, "application/json"u8);
        json.WriteString("tenant"u8, names.Tenant);
        if (names.EncodedQueue is { } queue)
        {
            json.WriteString("queue"u8, queue);
        }
        json.WriteString("sequence"u8, position);
        if (stored.OriginClientId is not null)
        {
            json.WriteString("originclientid"u8, stored.OriginClientId);
        }
        json.WritePropertyName("data"u8);
        // Checked by ValidateData before the frame was begun.
        json.WriteRawValue(data, skipInputValidation: true);
        json.WriteEndObject();
    }

    /// <summary>A reusable buffer and JSON writer for building shared frames.</summary>
    private sealed class FrameScratch
    {
        /// <summary>Above this (a frame with a payload far beyond the default 64 KiB limit) the scratch is not kept.</summary>
        public const int MaxKeptCapacity = 256 * 1024;

        public FrameScratch()
        {
            Buffer = new ArrayBufferWriter<byte>(4096);
            Json = CreateJsonWriter(Buffer);
        }

        public ArrayBufferWriter<byte> Buffer { get; }

        public Utf8JsonWriter Json { get; }
    }
}

using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Router.LoadTool;

/// <summary>
/// One SSE subscription over a raw socket: a minimal HTTP/1.1 GET, an in-place chunked-encoding decoder and a
/// tiny line parser over one buffer per connection, so that ten thousand of them cost the tool little. Every
/// event's payload carries <c>"b":[publisher,sequence,sendTimestamp,microsSentLate]</c>; the subscriber checks order, gaps and
/// duplicates per publisher and records publish-to-receive latency, from the send and from the due time. Like a browser's EventSource, it reconnects
/// with <c>Last-Event-ID</c> when the server closes the stream while the scenario still runs.
/// </summary>
internal sealed class SseSubscriber : IDisposable
{
    private static readonly byte[] s_marker = "\"b\":["u8.ToArray();
    private static readonly double s_microsPerTick = 1_000_000.0 / Stopwatch.Frequency;

    private readonly Target _target;
    private readonly string _path;
    private readonly string _extraHeaders;
    /// <summary>Linux's <c>SOL_IP</c> and <c>IP_BIND_ADDRESS_NO_PORT</c> (linux/in.h).</summary>
    private const int IpProtocolLevel = 0;
    private const int IpBindAddressNoPort = 24;

    private readonly IPAddress? _source;
    private readonly LatencyRecorder? _latency;
    private readonly bool _stopReading;
    private readonly int _receiveBufferSize;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Socket? _socket;
    private byte[] _buffer;
    private int _pending;
    private bool _headersDone;
    private bool _chunked;
    private int _chunkState;
    private long _chunkSize;
    private long _chunkRemaining;
    private int _chunkCrlf;
    private bool _chunkExtension;
    private bool _inNamedEvent;
    private long[] _last = new long[4];
    private byte[] _lastId = [];
    private int _lastIdLength;

    public SseSubscriber(Target target, string path, string extraHeaders, int bufferSize, LatencyRecorder? latency, bool stopReading = false, IPAddress? source = null, int receiveBufferSize = 0)
    {
        _target = target;
        _path = path;
        _extraHeaders = extraHeaders;
        _buffer = new byte[bufferSize];
        _latency = latency;
        _stopReading = stopReading;
        _source = source;
        _receiveBufferSize = receiveBufferSize;
    }

    public Task Ready => _ready.Task;

    /// <summary>Latency counted from each event's due time on its publisher's schedule instead of its send (null: not kept).</summary>
    public LatencyRecorder? LatencyFromDue { get; init; }

    public string Channel { get; init; } = "";

    public long Received;
    public long Duplicates;
    public long Reordered;
    public long Gaps;
    public long Resets;
    public long Reconnects;
    public long Malformed;
    public long LastReceiveTimestamp;
    public int Status;

    /// <summary>Connects, subscribes, and reads until <paramref name="stop"/> fires; reconnects (Last-Event-ID) after a server close.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await ConnectAsync(stop);
                if (!await ReadAsync(stop))
                {
                    return; // refused (non-200): no retry
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is SocketException or IOException or ObjectDisposedException)
            {
                if (!_headersDone && !_ready.Task.IsCompleted)
                {
                    _ready.TrySetException(exception);
                    return;
                }
            }
            finally
            {
                _socket?.Dispose();
                _socket = null;
            }
            if (stop.IsCancellationRequested || _stopReading)
            {
                return;
            }
            Reconnects++;
            await Task.Delay(50, stop).ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }

    private async Task ConnectAsync(CancellationToken stop)
    {
        _pending = 0;
        _headersDone = false;
        _chunked = false;
        _chunkState = 0;
        _chunkSize = 0;
        _inNamedEvent = false;
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (_receiveBufferSize > 0)
        {
            socket.ReceiveBufferSize = _receiveBufferSize;
        }
        if (_source is not null)
        {
            // The port is chosen at connect, by the whole address pair: a bind alone would pick a port no socket on this
            // source address holds, and the TIME_WAIT sockets of the previous server's 10,000 streams hold most of them.
            if (OperatingSystem.IsLinux())
            {
                socket.SetRawSocketOption(IpProtocolLevel, IpBindAddressNoPort, BitConverter.GetBytes(1));
            }
            socket.Bind(new IPEndPoint(_source, 0));
        }
        _socket = socket;
        await socket.ConnectAsync(_target.EndPoint, stop);
        var request = new StringBuilder(256)
            .Append("GET ").Append(_path).Append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n")
            .Append(_extraHeaders);
        if (_lastIdLength > 0)
        {
            request.Append("Last-Event-ID: ").Append(Encoding.ASCII.GetString(_lastId, 0, _lastIdLength)).Append("\r\n");
        }
        request.Append("\r\n");
        var bytes = Encoding.ASCII.GetBytes(request.ToString());
        await socket.SendAsync(bytes, SocketFlags.None, stop);
    }

    /// <summary>Returns false when the server refused the subscription.</summary>
    private async Task<bool> ReadAsync(CancellationToken stop)
    {
        var socket = _socket!;
        while (true)
        {
            if (_buffer.Length - _pending < 512)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            var n = await socket.ReceiveAsync(_buffer.AsMemory(_pending), SocketFlags.None, stop);
            if (n == 0)
            {
                return true;
            }
            var now = Stopwatch.GetTimestamp();
            var rawStart = _pending;
            var rawEnd = _pending + n;
            if (!_headersDone)
            {
                var end = _buffer.AsSpan(0, rawEnd).IndexOf("\r\n\r\n"u8);
                if (end < 0)
                {
                    _pending = rawEnd;
                    continue;
                }
                ParseHeaders(_buffer.AsSpan(0, end));
                if (Status != 200)
                {
                    _ready.TrySetException(new InvalidOperationException($"HTTP {Status} for {_path}"));
                    return false;
                }
                _headersDone = true;
                var bodyLength = rawEnd - (end + 4);
                _buffer.AsSpan(end + 4, bodyLength).CopyTo(_buffer);
                rawStart = 0;
                rawEnd = bodyLength;
                _ready.TrySetResult();
                if (_stopReading)
                {
                    // A client that stops reading: keep the socket open, never read again.
                    await Task.Delay(Timeout.Infinite, stop);
                }
            }
            var payloadEnd = _chunked ? Dechunk(rawStart, rawEnd) : rawEnd;
            ProcessLines(payloadEnd, now);
        }
    }

    private void ParseHeaders(ReadOnlySpan<byte> headers)
    {
        // "HTTP/1.1 200 OK"
        Status = headers.Length >= 12 && Utf8Parser.TryParse(headers.Slice(9, 3), out int status, out _) ? status : 0;
        foreach (var range in headers.Split("\r\n"u8))
        {
            var line = headers[range];
            var colon = line.IndexOf((byte)':');
            if (colon > 0 && System.Text.Ascii.EqualsIgnoreCase(line[..colon], "transfer-encoding"u8))
            {
                _chunked = line[(colon + 1)..].IndexOf("chunked"u8) >= 0;
            }
        }
    }

    /// <summary>Decodes chunked transfer encoding in place: payload bytes move down over the chunk headers.</summary>
    private int Dechunk(int from, int to)
    {
        var buffer = _buffer;
        int write = from, read = from;
        while (read < to)
        {
            switch (_chunkState)
            {
                case 0: // size line: hex digits, optional ;extension, CRLF
                    var c = buffer[read++];
                    if (c == '\n')
                    {
                        _chunkRemaining = _chunkSize;
                        _chunkState = _chunkSize == 0 ? 3 : 1;
                        _chunkSize = 0;
                        _chunkExtension = false;
                    }
                    else if (!_chunkExtension && HexValue(c) is var h and >= 0)
                    {
                        _chunkSize = (_chunkSize * 16) + h;
                    }
                    else if (c != '\r')
                    {
                        _chunkExtension = true;
                    }
                    break;
                case 1:
                    var take = (int)Math.Min(_chunkRemaining, to - read);
                    if (write != read)
                    {
                        buffer.AsSpan(read, take).CopyTo(buffer.AsSpan(write));
                    }
                    write += take;
                    read += take;
                    _chunkRemaining -= take;
                    if (_chunkRemaining == 0)
                    {
                        _chunkState = 2;
                        _chunkCrlf = 2;
                    }
                    break;
                case 2: // CRLF after the data
                    read++;
                    if (--_chunkCrlf == 0)
                    {
                        _chunkState = 0;
                    }
                    break;
                default: // last chunk seen: ignore trailers
                    read = to;
                    break;
            }
        }
        return write;
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    private void ProcessLines(int end, long now)
    {
        var buffer = _buffer;
        var position = 0;
        while (position < end)
        {
            var newline = buffer.AsSpan(position, end - position).IndexOf((byte)'\n');
            if (newline < 0)
            {
                break;
            }
            var line = buffer.AsSpan(position, newline);
            if (line.Length > 0 && line[^1] == '\r')
            {
                line = line[..^1];
            }
            HandleLine(line, now);
            position += newline + 1;
        }
        var remaining = end - position;
        if (remaining > 0 && position > 0)
        {
            buffer.AsSpan(position, remaining).CopyTo(buffer);
        }
        _pending = remaining;
    }

    private void HandleLine(ReadOnlySpan<byte> line, long now)
    {
        if (line.IsEmpty)
        {
            _inNamedEvent = false;
            return;
        }
        switch (line[0])
        {
            case (byte)'d' when line.StartsWith("data:"u8):
                if (!_inNamedEvent)
                {
                    OnEvent(line, now);
                }
                break;
            case (byte)'i' when line.StartsWith("id:"u8):
                var id = line[3..].TrimStart((byte)' ');
                if (_lastId.Length < id.Length)
                {
                    _lastId = new byte[Math.Max(32, id.Length)];
                }
                id.CopyTo(_lastId);
                _lastIdLength = id.Length;
                break;
            case (byte)'e' when line.StartsWith("event:"u8):
                _inNamedEvent = true;
                if (line.EndsWith("reset"u8))
                {
                    Resets++;
                }
                break;
        }
    }

    private void OnEvent(ReadOnlySpan<byte> line, long now)
    {
        var at = line.LastIndexOf(s_marker);
        if (at < 0
            || !Utf8Parser.TryParse(line[(at + s_marker.Length)..], out int publisher, out var used1)
            || !Utf8Parser.TryParse(line[(at + s_marker.Length + used1 + 1)..], out long seq, out var used2)
            || !Utf8Parser.TryParse(line[(at + s_marker.Length + used1 + 1 + used2 + 1)..], out long sent, out var used3)
            || !Utf8Parser.TryParse(line[(at + s_marker.Length + used1 + 1 + used2 + 1 + used3 + 1)..], out long late, out _))
        {
            Malformed++;
            return;
        }
        Received++;
        LastReceiveTimestamp = now;
        var latency = (long)((now - sent) * s_microsPerTick);
        _latency?.Record(latency);
        LatencyFromDue?.Record(latency + late);
        if (publisher >= _last.Length)
        {
            Array.Resize(ref _last, Math.Max(publisher + 1, _last.Length * 2));
        }
        var last = _last[publisher];
        if (seq == last + 1)
        {
            _last[publisher] = seq;
        }
        else if (seq == last)
        {
            Duplicates++;
        }
        else if (seq < last)
        {
            Reordered++;
        }
        else
        {
            Gaps += seq - last - 1;
            _last[publisher] = seq;
        }
    }

    public void Dispose() => _socket?.Dispose();
}

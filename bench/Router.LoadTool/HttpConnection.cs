using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Router.LoadTool;

/// <summary>
/// A minimal keep-alive HTTP/1.1 client for POSTs: one socket, one request at a time, responses read with
/// Content-Length or chunked framing. Far cheaper per request than HttpClient, which matters with the tool
/// and the server sharing two cores.
/// </summary>
internal sealed class HttpConnection : IDisposable
{
    private readonly IPEndPoint _endPoint;
    private Socket? _socket;
    private byte[] _send = new byte[8192];
    private byte[] _receive = new byte[8192];
    private int _received;
    private bool _closeAfter;

    public HttpConnection(IPEndPoint endPoint) => _endPoint = endPoint;

    /// <summary>A request that takes longer than this fails (and the connection is replaced): every loop stays bounded in time.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    public async ValueTask<int> PostAsync(string path, StringBuilder body, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            return await SendAsync(path, body, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _closeAfter = true;
            throw new IOException($"No answer within {RequestTimeout.TotalSeconds} s.");
        }
    }

    /// <summary>
    /// The same request with blocking socket calls, for a publisher on a thread of its own: its timing then depends
    /// on the server and the OS alone, not on a thread pool the tool's subscribers keep busy.
    /// </summary>
    public int Post(string path, StringBuilder body)
    {
        try
        {
            var socket = _socket;
            if (socket is null || _closeAfter)
            {
                socket = NewSocket();
                socket.SendTimeout = socket.ReceiveTimeout = (int)RequestTimeout.TotalMilliseconds;
                socket.Connect(_endPoint);
            }
            var written = FormatRequest(path, body);
            var sent = 0;
            while (sent < written)
            {
                sent += socket.Send(_send.AsSpan(sent, written - sent), SocketFlags.None);
            }
            while (true)
            {
                if (TryTakeResponse(out var status))
                {
                    return status;
                }
                Received(socket.Receive(_receive.AsSpan(_received), SocketFlags.None));
            }
        }
        catch (SocketException exception) when (exception.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
        {
            _closeAfter = true;
            throw new IOException($"No answer within {RequestTimeout.TotalSeconds} s.");
        }
    }

    private async ValueTask<int> SendAsync(string path, StringBuilder body, CancellationToken cancellationToken)
    {
        var socket = _socket;
        if (socket is null || _closeAfter)
        {
            socket = NewSocket();
            await socket.ConnectAsync(_endPoint, cancellationToken);
        }
        var written = FormatRequest(path, body);
        var sent = 0;
        while (sent < written)
        {
            sent += await socket.SendAsync(_send.AsMemory(sent, written - sent), SocketFlags.None, cancellationToken);
        }
        while (true)
        {
            if (TryTakeResponse(out var status))
            {
                return status;
            }
            Received(await socket.ReceiveAsync(_receive.AsMemory(_received), SocketFlags.None, cancellationToken));
        }
    }

    private Socket NewSocket()
    {
        _socket?.Dispose();
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _received = 0;
        _closeAfter = false;
        return _socket;
    }

    /// <summary>Writes the request into the send buffer; returns its length.</summary>
    private int FormatRequest(string path, StringBuilder body)
    {
        var bodyLength = 0;
        foreach (var chunk in body.GetChunks())
        {
            bodyLength += Encoding.UTF8.GetByteCount(chunk.Span);
        }
        var header = $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {bodyLength}\r\n\r\n";
        var total = header.Length + bodyLength;
        if (_send.Length < total)
        {
            _send = new byte[Math.Max(total, _send.Length * 2)];
        }
        var written = Encoding.ASCII.GetBytes(header, _send);
        foreach (var chunk in body.GetChunks())
        {
            written += Encoding.UTF8.GetBytes(chunk.Span, _send.AsSpan(written));
        }
        return written;
    }

    /// <summary>Takes one complete response off the receive buffer, if there is one; else makes room for more.</summary>
    private bool TryTakeResponse(out int status)
    {
        var consumed = TryParse(_receive.AsSpan(0, _received), out status);
        if (consumed > 0)
        {
            _received -= consumed;
            _receive.AsSpan(consumed, _received).CopyTo(_receive);
            return true;
        }
        if (_received == _receive.Length)
        {
            Array.Resize(ref _receive, _receive.Length * 2);
        }
        return false;
    }

    private void Received(int count)
    {
        if (count == 0)
        {
            _closeAfter = true;
            _received = 0;
            throw new IOException("The server closed the connection.");
        }
        _received += count;
    }

    /// <summary>Length of one complete response at the start of <paramref name="data"/>, or 0 if incomplete.</summary>
    private int TryParse(ReadOnlySpan<byte> data, out int status)
    {
        status = 0;
        var headerEnd = data.IndexOf("\r\n\r\n"u8);
        if (headerEnd < 0)
        {
            return 0;
        }
        var headers = data[..headerEnd];
        Utf8Parser.TryParse(headers.Slice(9, 3), out status, out _);
        long contentLength = -1;
        var chunked = false;
        foreach (var range in headers.Split("\r\n"u8))
        {
            var line = headers[range];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "content-length"u8))
            {
                Utf8Parser.TryParse(value, out contentLength, out _);
            }
            else if (Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8))
            {
                chunked = value.IndexOf("chunked"u8) >= 0;
            }
            else if (Ascii.EqualsIgnoreCase(name, "connection"u8) && Ascii.EqualsIgnoreCase(value, "close"u8))
            {
                _closeAfter = true;
            }
        }
        var bodyStart = headerEnd + 4;
        if (!chunked)
        {
            var length = Math.Max(0, contentLength);
            return data.Length >= bodyStart + length ? (int)(bodyStart + length) : 0;
        }
        var position = bodyStart;
        while (true)
        {
            var lineEnd = data[position..].IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                return 0;
            }
            var sizeText = data.Slice(position, lineEnd);
            var semicolon = sizeText.IndexOf((byte)';');
            if (semicolon >= 0)
            {
                sizeText = sizeText[..semicolon];
            }
            Utf8Parser.TryParse(sizeText, out long size, out _, 'X');
            position += lineEnd + 2;
            if (size == 0)
            {
                // No trailers expected: the final CRLF.
                return data.Length >= position + 2 ? position + 2 : 0;
            }
            position += (int)size + 2;
            if (position > data.Length)
            {
                return 0;
            }
        }
    }

    public void Dispose() => _socket?.Dispose();
}

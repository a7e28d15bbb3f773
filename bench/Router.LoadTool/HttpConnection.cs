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

    private async ValueTask<int> SendAsync(string path, StringBuilder body, CancellationToken cancellationToken)
    {
        if (_socket is null || _closeAfter)
        {
            _socket?.Dispose();
            _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await _socket.ConnectAsync(_endPoint, cancellationToken);
            _received = 0;
            _closeAfter = false;
        }
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
        var sent = 0;
        while (sent < written)
        {
            sent += await _socket.SendAsync(_send.AsMemory(sent, written - sent), SocketFlags.None, cancellationToken);
        }
        while (true)
        {
            var consumed = TryParse(_receive.AsSpan(0, _received), out var status);
            if (consumed > 0)
            {
                _received -= consumed;
                _receive.AsSpan(consumed, _received).CopyTo(_receive);
                return status;
            }
            if (_received == _receive.Length)
            {
                Array.Resize(ref _receive, _receive.Length * 2);
            }
            var n = await _socket.ReceiveAsync(_receive.AsMemory(_received), SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                _closeAfter = true;
                _received = 0;
                throw new IOException("The server closed the connection.");
            }
            _received += n;
        }
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

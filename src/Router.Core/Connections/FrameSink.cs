using System.IO.Pipelines;

namespace Router.Connections;

/// <summary>
/// Copies a run of frames into a response a buffer at a time. Kestrel's response writer takes a lock on every
/// <c>GetSpan</c> and every <c>Advance</c>; <c>PipeWriter.Write</c> calls both per frame, so a live write of 20
/// events took 40 locks, on the fan-out's thread, once per follower. Here frames fill one buffer after the other:
/// two locks per 4 KiB buffer. <see cref="Complete"/> commits what was copied; call it before anything else
/// writes to the response or flushes it.
/// </summary>
internal ref struct FrameSink(PipeWriter output)
{
    private Span<byte> _buffer;
    private int _used;

    /// <summary>Frames copied so far.</summary>
    public int Count { get; private set; }

    public void Write(ReadOnlySpan<byte> frame)
    {
        Count++;
        while (frame.Length > _buffer.Length - _used)
        {
            // Fill the buffer with the frame's head, then go on in the next one.
            var room = _buffer.Length - _used;
            frame[..room].CopyTo(_buffer[_used..]);
            _used += room;
            frame = frame[room..];
            Commit();
            _buffer = output.GetSpan();
        }
        frame.CopyTo(_buffer[_used..]);
        _used += frame.Length;
    }

    /// <summary>Commits the frames copied into the current buffer.</summary>
    public void Complete() => Commit();

    private void Commit()
    {
        if (_used > 0)
        {
            output.Advance(_used);
            _used = 0;
        }
        _buffer = default; // a span is only good until the next Advance
    }
}

using System.Diagnostics;
using System.IO.Pipelines;

namespace Router.Connections;

/// <summary>Counts flushes and advances, notes flushes made from the queue actor's fan-out, and can hold the first event write.</summary>
internal sealed class RecordingWriter(Pipe inner) : PipeWriter
{
    private int _flushes;
    private int _advances;
    private int _flushedByFanOut;
    private volatile bool _blocked;

    public Pipe Inner { get; } = inner;

    /// <summary>When set, the next flush made by the fan-out waits for it.</summary>
    public ManualResetEventSlim? Gate { get; set; }

    public int Flushes => Volatile.Read(ref _flushes);

    public int FlushedByFanOut => Volatile.Read(ref _flushedByFanOut);

    /// <summary>Calls to <see cref="Advance"/>: Kestrel's response writer takes a lock on each.</summary>
    public int Advances => Volatile.Read(ref _advances);

    public bool Blocked => _blocked;

    public override void Advance(int bytes)
    {
        Interlocked.Increment(ref _advances);
        Inner.Writer.Advance(bytes);
    }

    public override Memory<byte> GetMemory(int sizeHint = 0) => Inner.Writer.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => Inner.Writer.GetSpan(sizeHint);

    public override void CancelPendingFlush() => Inner.Writer.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => Inner.Writer.Complete(exception);

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _flushes);
        var fromFanOut = new StackTrace().GetFrames().Any(f => f.GetMethod()?.DeclaringType?.Name == "QueueActor");
        if (fromFanOut)
        {
            Interlocked.Increment(ref _flushedByFanOut);
            if (Gate is { } gate && !gate.IsSet)
            {
                _blocked = true;
                Assert.True(gate.Wait(TimeSpan.FromSeconds(30)), "the test never opened the gate");
            }
        }
        return Inner.Writer.FlushAsync(cancellationToken);
    }
}

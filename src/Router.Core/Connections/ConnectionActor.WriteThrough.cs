using System.IO.Pipelines;
using Router.Events;

namespace Router.Connections;

/// <summary>
/// Write-through: a live connection with nothing queued takes an offered event straight into its response, on the
/// offering (fan-out) thread, instead of queuing it and waking its run loop. With a thousand followers that is a
/// thousand thread-pool hops saved per event, which is most of the cost of a delivery (bench/RESULTS.md).
/// <para>
/// The response writer has exactly one owner at a time, decided by <see cref="_writer"/>: the run loop holds it
/// from the start through the preamble and replay, and in each live round; between rounds it is free, and the
/// fan-out may take it for one event. Order is kept because write-through only happens when the buffer is empty;
/// anything queued goes first, through the loop. A flush that cannot complete at once (a slow reader) is handed
/// over to the loop, which waits for it under the write timeout as for its own writes.
/// </para>
/// </summary>
internal partial class ConnectionActor
{
    private const int WriterFree = 0;
    private const int WriterHeld = 1;
    private const int WriterHandedOver = 2;

    /// <summary>Who may write to the response now; held by the loop until it goes live.</summary>
    private int _writer = WriterHeld;

    /// <summary>Whether the holder is the run loop (only the loop reads or writes this).</summary>
    private bool _loopHoldsWriter = true;

    /// <summary>The write-through flush the loop must finish; set before <see cref="_writer"/> becomes handed over.</summary>
    private ValueTask<FlushResult> _stalledFlush;

    /// <summary>True when the events were handled here (written, or skipped); false: queue them.</summary>
    private bool TryWriteThrough(ReadOnlySpan<RoutedEvent> events)
    {
        if (Interlocked.CompareExchange(ref _writer, WriterHeld, WriterFree) != WriterFree)
        {
            return false;
        }
        if (_buffer.Count > 0)
        {
            // Queued events go first; the loop is already woken for them.
            Volatile.Write(ref _writer, WriterFree);
            return false;
        }
        try
        {
            var sink = new FrameSink(_output);
            foreach (var e in events)
            {
                // Dedupe by position, as the loop does: the first live events may repeat the end of the replay.
                if (e.Position > _lastQueued && Filter.Matches(e))
                {
                    Write(ref sink, e);
                    _lastQueued = _lastWritten = e.Position;
                }
            }
            if (CommitWritten(ref sink))
            {
                var flush = _output.FlushAsync();
                if (!flush.IsCompleted)
                {
                    _stalledFlush = flush;
                    Volatile.Write(ref _writer, WriterHandedOver);
                    _buffer.TryWrite(ConnectionItem.HandOver);
                    return true;
                }
                if (flush.Result.IsCompleted)
                {
                    Close(CloseReason.ClientGone);
                }
            }
        }
        catch (Exception exception)
        {
            // Runs on the fan-out's thread: a failure here must end this connection only.
            Log.Faulted(_services.Logger, Tenant.Value, Id, exception);
            Close(CloseReason.Faulted);
        }
        Volatile.Write(ref _writer, WriterFree);
        return true;
    }

    /// <summary>Takes the writer back for the loop: waits out a write-through in progress, finishes a handed-over flush.</summary>
    private async ValueTask AcquireWriterAsync(CancellationToken token)
    {
        var spinner = new SpinWait();
        while (true)
        {
            switch (Interlocked.CompareExchange(ref _writer, WriterHeld, WriterFree))
            {
                case WriterFree:
                    _loopHoldsWriter = true;
                    return;
                case WriterHandedOver:
                    // Only the loop moves the writer out of this state, so a plain write is enough.
                    Volatile.Write(ref _writer, WriterHeld);
                    _loopHoldsWriter = true;
                    await CompleteFlushAsync(_stalledFlush, token);
                    return;
                default:
                    spinner.SpinOnce(sleep1Threshold: -1); // a write-through is writing one event: short, and never waits
                    break;
            }
        }
    }

    private void ReleaseWriter()
    {
        _loopHoldsWriter = false;
        Volatile.Write(ref _writer, WriterFree);
    }

    /// <summary>At close: the loop keeps the writer, so no write-through touches a response Kestrel has finished.</summary>
    private void TakeWriterForGood()
    {
        var spinner = new SpinWait();
        while (!_loopHoldsWriter)
        {
            var state = Interlocked.CompareExchange(ref _writer, WriterHeld, WriterFree);
            if (state == WriterHandedOver)
            {
                // The stalled flush is left to Kestrel, which ends it with the response.
                Volatile.Write(ref _writer, WriterHeld);
            }
            _loopHoldsWriter = state != WriterHeld;
            if (!_loopHoldsWriter)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }
        }
    }
}

using System.IO.Pipelines;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Router.Actors;
using Router.Events;
using Router.Journal;
using Router.Queues;
using Router.Streams;
using Router.Tenants;

namespace Router.Connections;

/// <summary>
/// One per SSE response: owns its outbound buffer (the mailbox), filtering, replay and writing. Its mailbox
/// is not a plain actor mailbox because it is the flow-control point of the design: the queue actor offers
/// events without waiting, and what happens when the buffer is full depends on the connection's phase.
/// <para>
/// Phases. <b>Catching up</b>: the connection is registered with its stream (so live events are buffered)
/// and reads the journal page by page from its resume position, as fast as the client takes the writes.
/// If the buffer overflows meanwhile, nothing is lost: the buffered events are discarded and the journal is
/// read again, since every event that reached the buffer was committed before. <b>Live</b>: events come from
/// the buffer; positions at or below the last written one are skipped, which is what makes the switch from
/// replay to live free of gaps and duplicates. A full buffer then applies the overflow policy.
/// </para>
/// </summary>
internal partial class ConnectionActor : IHeartbeatTarget
{
    private const int CatchingUp = 0;
    private const int CatchingUpOverflowed = 1;
    private const int Live = 2;
    private const int Closed = 3;

    private static readonly TimeSpan s_farewellTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_unfollowTimeout = TimeSpan.FromSeconds(30);

    private readonly Guid _id;
    private readonly StreamRequest _request;
    private readonly ConnectionServices _services;
    private readonly PipeWriter _output;

    /// <summary>
    /// Outbound buffer; many writers (the stream's queue actor, the heartbeat scheduler), one reader (the run loop).
    /// <see cref="Close"/> completes it, which is what wakes an idle loop: the idle wait takes no cancellation token,
    /// so it costs no token registration, and it reuses the buffer's one wait object.
    /// </summary>
    private readonly OutboundBuffer _buffer;

    private readonly CancellationTokenSource _closing = new();
    private int _phase = CatchingUp;
    private int _closeReason;

    /// <summary>Events the drop-oldest policy discarded since the last reset frame.</summary>
    private long _dropped;

    /// <summary>The highest position written (or skipped by the filter); everything at or below it is done.</summary>
    private Position _lastWritten;

    private long _delivered;

    /// <summary>Approximate bytes held by the buffer, for the byte cap (events are counted by the channel).</summary>
    private long _bufferedBytes;

    /// <summary>Events read from the buffer and not yet written: where throttling waits and conflation happens.</summary>
    private readonly ConflatingQueue _pending;

    /// <summary>Null when throttling is off (the default).</summary>
    private readonly TokenBucket? _throttle;

    /// <summary>The highest position taken into <see cref="_pending"/> (or written).</summary>
    private Position _lastQueued;

    private long _throttled;

    /// <summary>Events at or below this position were held back by the throttle (counted once each as written).</summary>
    private Position _throttledUpTo;

    public ConnectionActor(Guid id, StreamRequest request, ConnectionServices services, PipeWriter output)
    {
        _id = id;
        _request = request;
        _services = services;
        _output = output;
        var options = services.Options;
        // The callback only for drop-oldest: a delegate per connection is 64 bytes every idle stream would hold for nothing.
        var dropOldest = options.OverflowPolicy == OverflowPolicy.DropOldest;
        _buffer = new OutboundBuffer(options.BufferEvents, dropOldest, dropOldest ? OnDropped : null);
        _pending = new ConflatingQueue(services.Conflate);
        if (options.ThrottleEventsPerSecond > 0)
        {
            _throttle = new TokenBucket(options.ThrottleEventsPerSecond, Math.Max(1, options.ThrottleBurst), services.Time.GetTimestamp(), services.Time.TimestampFrequency);
        }
    }

    /// <summary>The id in the connection event and the logs; kept as a Guid (formatted on use: a stream holds it for hours).</summary>
    public string Id => _id.ToString("N");

    public SubscriptionFilter Filter => _request.Filter;

    public TenantId Tenant => _request.Filter.Scope.Tenant;

    /// <summary>Events written to the response so far (read from other threads for diagnostics).</summary>
    public long Delivered => Volatile.Read(ref _delivered);

    /// <summary>True once catch-up is over and events come from the live feed (tests wait for it).</summary>
    internal bool IsLive => Volatile.Read(ref _phase) == Live;

    /// <summary>Events superseded by a newer one of their conflation key so far (tests wait for it; read racily).</summary>
    internal long Conflated => _pending.Conflated;

    /// <summary>Why it closed, once it has.</summary>
    public CloseReason CloseReason => (CloseReason)Volatile.Read(ref _closeReason);

    /// <summary>
    /// Offers live events (in position order; those the filter refuses are skipped); never waits (called from the
    /// queue actor's loop). Returns false when the connection is gone or was just closed for overflow, so the
    /// queue actor drops it from its followers.
    /// </summary>
    public bool Offer(ReadOnlySpan<RoutedEvent> events)
    {
        if (Volatile.Read(ref _phase) == Closed)
        {
            return false;
        }
        if (_throttle is null && TryWriteThrough(events))
        {
            return CloseReason == CloseReason.None;
        }
        foreach (var e in events)
        {
            if (Filter.Matches(e) && !Enqueue(e))
            {
                return false;
            }
        }
        return true;
    }

    private bool Enqueue(RoutedEvent e)
    {
        var cost = Cost(e);
        if (Interlocked.Add(ref _bufferedBytes, cost) <= _services.Options.BufferBytes && _buffer.TryWrite(new ConnectionItem(e)))
        {
            return true;
        }
        Interlocked.Add(ref _bufferedBytes, -cost);
        // Full, by events (disconnect policy) or by bytes (either policy).
        if (Interlocked.CompareExchange(ref _phase, CatchingUpOverflowed, CatchingUp) != Live)
        {
            return true; // catching up: the journal covers what the buffer could not take
        }
        if (_services.Options.OverflowPolicy == OverflowPolicy.DropOldest)
        {
            // Over the byte cap: this event cannot fit, so it is the one dropped; the client gets a reset.
            Interlocked.Increment(ref _dropped);
            _services.Tenants.Metrics.EventDropped();
            return true;
        }
        Log.Overflowed(_services.Logger, Tenant.Value, Id, _services.Options.BufferEvents);
        _services.Tenants.Metrics.OverflowDisconnect();
        Close(CloseReason.Overflow);
        return false;
    }

    /// <summary>What an event weighs against the byte cap: its payload plus a typical envelope.</summary>
    private static long Cost(RoutedEvent e) => e.Stored.Data.Length + 256;

    /// <summary>Asks the connection to end; safe from any thread, first reason wins. Never runs the loop inline.</summary>
    public void Close(CloseReason reason)
    {
        if (Interlocked.CompareExchange(ref _closeReason, (int)reason, (int)CloseReason.None) == (int)CloseReason.None)
        {
            // CancelAsync runs the loop's continuation elsewhere, not on the caller's (e.g. a queue actor's) thread;
            // completing the buffer does too (its continuations are asynchronous). Cancelled first, so a loop woken by
            // the completion finds the token cancelled.
            _ = _closing.CancelAsync();
            _buffer.TryComplete();
        }
    }

    /// <summary>
    /// Runs the connection until the client leaves (<paramref name="clientGone"/> fires) or <see cref="Close"/> is
    /// called. Registration comes first: if it fails (the router is shutting down) nothing has been written and
    /// <see cref="OnRefusedAsync"/> decides what the client gets. After that, any fault closes only this connection.
    /// Either way <see cref="OnEnded"/> is its last act. The host returns this task as its request's own: a stream
    /// waits in this one method, so no other state machine is kept for its whole life.
    /// </summary>
    public async Task RunAsync(CancellationToken clientGone)
    {
        // Whatever happens below, the host hears that the connection ended, last.
        try
        {
            FollowAck ack;
            try
            {
                // On the client's token, not the closing one: waiting registers on the token, and a token source keeps
                // the freed registration (~150 bytes) for reuse; it is reused for the registration just below.
                ack = await _services.Tenants.FollowAsync(this, clientGone);
            }
            catch (Exception exception)
            {
                Close(clientGone.IsCancellationRequested ? CloseReason.ClientGone : CloseReason.Faulted);
                Volatile.Write(ref _phase, Closed);
                await OnRefusedAsync(exception);
                return;
            }
            // One token for everything the loop waits on from here: the client leaving closes the connection like any
            // other reason (no linked token source per connection: it and its registrations cost ~300 bytes of every
            // idle connection). An idle wait registers on neither token (see _buffer).
            using var aborted = clientGone.UnsafeRegister(static s => ((ConnectionActor)s!).Close(CloseReason.ClientGone), this);
            var token = _closing.Token;
            var opened = _services.Time.GetTimestamp();
            LogOpened();
            _services.Tenants.Metrics.StreamOpened(resuming: _request.ResumeFrom is not null);
            HeartbeatTicket heartbeat = default;
            // Armed before anything is written, so once a client has seen the connection event the expiry is
            // scheduled; a token already past its exp (accepted within the clock skew) closes at once.
            using var expiry = _request.ExpiresAt is { } expiresAt
                ? _services.Time.CreateTimer(static s => ((ConnectionActor)s!).Close(CloseReason.TokenExpired), this, Max(expiresAt - _services.Time.GetUtcNow(), TimeSpan.Zero), Timeout.InfiniteTimeSpan)
                : null;
            try
            {
                await WritePreambleAsync(ack.Head, token);
                heartbeat = _services.Heartbeats.Join(_services.Options.Heartbeat, this);
                await CatchUpAsync(token);
                // Live. The loop is here, not in a method of its own: an idle stream waits in it for hours, and each
                // awaiting method would keep a state machine (~140 bytes) for all that time.
                _lastQueued = _lastWritten;
                // A client leaving is the normal end of a stream, so the loop ends then without an exception: when
                // thousands leave at once (a proxy restarts) each would cost microseconds, and the runtime's
                // exception counter would read as an error burst.
                while (true)
                {
                    if (WriteRound() && !await TryFlushAsync(token))
                    {
                        Close(CloseReason.ClientGone);
                        break;
                    }
                    // The writer has been the loop's since the start (preamble, replay); between rounds write-through may take it.
                    ReleaseWriter();
                    if (_pending.Count == 0)
                    {
                        // Idle: the common wait, without a token (see _buffer). False once Close completed the buffer.
                        if (!await _buffer.WaitToReadAsync())
                        {
                            break;
                        }
                    }
                    else
                    {
                        await WaitForThrottleAsync(token);
                    }
                    await AcquireWriterAsync(token);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                Close(CloseReason.ClientGone);
            }
            catch (Exception exception)
            {
                // Ownership boundary: whatever failed, it ends this connection only.
                Log.Faulted(_services.Logger, Tenant.Value, Id, exception);
                Close(CloseReason.Faulted);
            }
            finally
            {
                Interlocked.CompareExchange(ref _closeReason, (int)CloseReason.ClientGone, (int)CloseReason.None);
                Volatile.Write(ref _phase, Closed);
                // Once the request ends Kestrel may reuse the response: no write-through may start after this.
                TakeWriterForGood();
                _services.Heartbeats.Leave(heartbeat, this);
                var unfollowed = ack.Source.TryTell(new QueueMessage.Unfollow(this));
                await WriteFarewellAsync(clientGone);
                if (!unfollowed)
                {
                    await UnfollowAsync(ack.Source);
                }
                if (_services.Logger.IsEnabled(LogLevel.Information))
                {
                    Log.Closed(_services.Logger, Tenant.Value, Id, CloseReason, _delivered, _pending.Conflated, _services.Time.GetElapsedTime(opened));
                }
            }
        }
        finally
        {
            OnEnded();
        }
    }

    /// <summary>
    /// Registration failed before anything was written (the router is shutting down, the journal is unavailable):
    /// the host that opened the connection may still answer with an error. By default the failure reaches the caller.
    /// </summary>
    protected virtual Task OnRefusedAsync(Exception reason)
    {
        ExceptionDispatchInfo.Throw(reason);
        return Task.CompletedTask;
    }

    /// <summary>The connection's last act, whether it ran or was refused: the host releases what it holds for it.</summary>
    protected virtual void OnEnded()
    {
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>
    /// The queue's mailbox was full (many clients leaving at once): wait for room. A follower left behind is only
    /// dropped when the queue next offers an event, and until then it keeps this connection and, through its
    /// writer, the whole Kestrel connection (~10 KiB) alive; an idle queue would keep thousands.
    /// </summary>
    private async ValueTask UnfollowAsync(ActorRef<QueueMessage> source)
    {
        using var timeout = new CancellationTokenSource(s_unfollowTimeout, _services.Time);
        try
        {
            await source.TellAsync(new QueueMessage.Unfollow(this), timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // The queue is stuck; it still drops this closed follower when it next offers an event.
        }
    }

    /// <summary>One live round: takes what waits, writes what the throttle allows (or a due heartbeat); true when it wrote.</summary>
    private bool WriteRound()
    {
        var heartbeatDue = TakeWaiting();
        WriteResetIfDropped();
        var wrote = WritePending();
        if (heartbeatDue && !wrote && _pending.Count == 0)
        {
            SseFrames.WriteControlFrame(_output, "heartbeat", _services.Time.GetUtcNow(), static (json, now) => SseFrames.WriteTimeProperty(json, "time", now));
            wrote = true;
        }
        return wrote;
    }

    /// <summary>Moves what waits in the buffer into the pending queue (batching, conflation); true when a heartbeat fell due.</summary>
    private bool TakeWaiting()
    {
        var heartbeatDue = false;
        while (_pending.Count < _services.Options.BufferEvents && _buffer.TryRead(out var item))
        {
            if (item.Event is not { } e)
            {
                heartbeatDue |= !item.IsHandOver;
                continue;
            }
            Interlocked.Add(ref _bufferedBytes, -Cost(e));
            // Dedupe by position: the live buffer may repeat what replay already wrote.
            if (e.Position > _lastQueued)
            {
                _pending.Enqueue(e);
                _lastQueued = e.Position;
            }
        }
        return heartbeatDue;
    }

    /// <summary>Writes pending events as far as the throttle allows (all of them when it is off); flushing is the caller's.</summary>
    private bool WritePending()
    {
        var sink = new FrameSink(_output);
        var now = _services.Time.GetTimestamp();
        while (_pending.Count > 0)
        {
            if (_throttle is not null && !_throttle.TryTake(now))
            {
                // Everything queued so far now waits for the throttle; each such event is counted once, when written.
                _throttledUpTo = _lastQueued;
                if (_throttled++ == 0)
                {
                    Log.Throttled(_services.Logger, Tenant.Value, Id, _services.Options.ThrottleEventsPerSecond);
                }
                break;
            }
            _pending.TryDequeue(out var e);
            if (e.Position <= _throttledUpTo)
            {
                _services.Tenants.Metrics.EventsThrottled(1);
            }
            Write(ref sink, e);
            _lastWritten = e.Position;
        }
        return CommitWritten(ref sink);
    }

    /// <summary>
    /// While throttled, waits for new events or the next token; a throttled connection whose pending queue is
    /// full stops reading, so its buffer fills and the overflow policy protects everyone else.
    /// </summary>
    private async ValueTask WaitForThrottleAsync(CancellationToken token)
    {
        var untilToken = _throttle!.TimeUntil(_services.Time.GetTimestamp(), _services.Time.TimestampFrequency);
        if (_pending.Count >= _services.Options.BufferEvents)
        {
            await Task.Delay(untilToken, _services.Time, token);
            return;
        }
        // Whichever comes first: the next token (the timer wakes the wait) or new items to conflate with the pending.
        using (_services.Time.CreateTimer(static buffer => ((OutboundBuffer)buffer!).Wake(), _buffer, untilToken, Timeout.InfiniteTimeSpan))
        {
            await _buffer.WaitToReadAsync();
        }
        token.ThrowIfCancellationRequested();
    }

    private void Write(ref FrameSink sink, RoutedEvent e) => sink.Write(e.FrameFor(_services.Versions, _request.Pins, _request.TypeAsEventField).Span);

    /// <summary>Commits the frames a sink copied and counts them (once per write, not per event); true if there were any.</summary>
    private bool CommitWritten(ref FrameSink sink)
    {
        sink.Complete();
        if (sink.Count == 0)
        {
            return false;
        }
        _delivered += sink.Count;
        _services.Tenants.Metrics.EventsDelivered(sink.Count);
        return true;
    }

    private void WriteResetIfDropped()
    {
        var dropped = Interlocked.Exchange(ref _dropped, 0);
        if (dropped > 0)
        {
            SseFrames.WriteControlFrame(_output, "reset", dropped, static (json, dropped) =>
            {
                json.WriteString("reason", "overflow");
                json.WriteNumber("dropped", dropped);
            });
        }
    }

    /// <summary>
    /// Flushes; a flush that makes no progress for <see cref="StreamOptions.WriteTimeout"/> marks a client that
    /// stopped reading (even behind a large kernel buffer) and closes it.
    /// </summary>
    private ValueTask FlushAsync(CancellationToken token) => CompleteFlushAsync(_output.FlushAsync(token), token);

    /// <summary>As <see cref="FlushAsync"/>, but false instead of an exception when the client closed the response.</summary>
    private ValueTask<bool> TryFlushAsync(CancellationToken token) => TryCompleteFlushAsync(_output.FlushAsync(token), token);

    private async ValueTask CompleteFlushAsync(ValueTask<FlushResult> flush, CancellationToken token)
    {
        if (!await TryCompleteFlushAsync(flush, token))
        {
            // Closed first, so the loop's handler finds its token cancelled: a client gone, not a fault to log.
            Close(CloseReason.ClientGone);
            throw new OperationCanceledException("The client closed the response.", token);
        }
    }

    private async ValueTask<bool> TryCompleteFlushAsync(ValueTask<FlushResult> flush, CancellationToken token)
    {
        if (!flush.IsCompleted)
        {
            try
            {
                await flush.AsTask().WaitAsync(_services.Options.WriteTimeout, _services.Time, token);
            }
            catch (TimeoutException)
            {
                Log.SlowClient(_services.Logger, Tenant.Value, Id, _services.Options.WriteTimeout);
                Close(CloseReason.SlowClient);
                throw new OperationCanceledException("The client stopped reading.", token);
            }
        }
        return !(await flush).IsCompleted;
    }

    void IHeartbeatTarget.OnHeartbeatDue()
    {
        // Only an idle connection needs a heartbeat; a busy one is writing anyway.
        if (_buffer.Count == 0)
        {
            _buffer.TryWrite(ConnectionItem.Heartbeat);
        }
    }

    private void OnDropped(ConnectionItem item)
    {
        // Drop-oldest policy: while catching up the journal covers it; live, the client is told with a reset.
        if (Interlocked.CompareExchange(ref _phase, CatchingUpOverflowed, CatchingUp) == Live && item.Event is not null)
        {
            Interlocked.Increment(ref _dropped);
            _services.Tenants.Metrics.EventDropped();
        }
    }

    private async ValueTask WriteFarewellAsync(CancellationToken clientGone)
    {
        var reason = CloseReason switch
        {
            CloseReason.ServerShutdown => "server-shutdown",
            CloseReason.TokenExpired => "token-expired",
            _ => null,
        };
        if (reason is null || clientGone.IsCancellationRequested)
        {
            return;
        }
        try
        {
            SseFrames.WriteControlFrame(_output, "shutdown", (Reason: reason, RetryMs: (long)_services.Options.Retry.TotalMilliseconds), static (json, s) =>
            {
                json.WriteString("reason", s.Reason);
                json.WriteNumber("retryMs", s.RetryMs);
            });
            using var timeout = new CancellationTokenSource(s_farewellTimeout, _services.Time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, clientGone);
            await _output.FlushAsync(linked.Token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The client is gone or too slow to take a goodbye; closing is all that is left.
        }
    }
}

using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Router.Events;
using Router.Journal;
using Router.Queues;
using Router.Routing;
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
internal sealed partial class ConnectionActor
{
    private const int CatchingUp = 0;
    private const int CatchingUpOverflowed = 1;
    private const int Live = 2;
    private const int Closed = 3;

    private static readonly TimeSpan s_farewellTimeout = TimeSpan.FromSeconds(2);

    private readonly StreamRequest _request;
    private readonly StreamOptions _options;
    private readonly OverflowPolicy _policy;
    private readonly TenantDirectory _tenants;
    private readonly IEventJournal _journal;
    private readonly RoutingTable _routing;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PipeWriter _output;

    /// <summary>Outbound buffer; many writers (the stream's queue actor, the heartbeat timer), one reader (the run loop).</summary>
    private readonly Channel<ConnectionItem> _buffer;

    private readonly CancellationTokenSource _closing = new();
    private int _phase = CatchingUp;
    private int _closeReason;

    /// <summary>Events the drop-oldest policy discarded since the last reset frame.</summary>
    private long _dropped;

    /// <summary>The highest position written (or skipped by the filter); everything at or below it is done.</summary>
    private Position _lastWritten;

    private long _delivered;

    public ConnectionActor(
        string id,
        StreamRequest request,
        StreamOptions options,
        TenantDirectory tenants,
        IEventJournal journal,
        RoutingTable routing,
        TimeProvider time,
        ILogger logger,
        PipeWriter output)
    {
        Id = id;
        _request = request;
        _options = options;
        _policy = options.OverflowPolicy;
        _tenants = tenants;
        _journal = journal;
        _routing = routing;
        _time = time;
        _logger = logger;
        _output = output;
        _buffer = Channel.CreateBounded<ConnectionItem>(
            new BoundedChannelOptions(options.BufferEvents)
            {
                SingleReader = true,
                FullMode = _policy == OverflowPolicy.DropOldest ? BoundedChannelFullMode.DropOldest : BoundedChannelFullMode.Wait,
            },
            OnDropped);
    }

    public string Id { get; }

    public SubscriptionFilter Filter => _request.Filter;

    public TenantId Tenant => _request.Filter.Scope.Tenant;

    /// <summary>Why it closed, once it has.</summary>
    public CloseReason CloseReason => (CloseReason)Volatile.Read(ref _closeReason);

    /// <summary>
    /// Offers a live event; never waits (called from the queue actor's loop). Returns false when the
    /// connection is gone or was just closed for overflow, so the queue actor drops it from its followers.
    /// </summary>
    public bool Offer(RoutedEvent e)
    {
        if (Volatile.Read(ref _phase) == Closed)
        {
            return false;
        }
        if (_buffer.Writer.TryWrite(new ConnectionItem(e)))
        {
            return true;
        }
        // Full under the Wait mode (disconnect policy).
        if (Interlocked.CompareExchange(ref _phase, CatchingUpOverflowed, CatchingUp) != Live)
        {
            return true; // catching up: the journal covers what the buffer could not take
        }
        Log.Overflowed(_logger, Tenant.Value, Id, _options.BufferEvents);
        Close(CloseReason.Overflow);
        return false;
    }

    /// <summary>Asks the connection to end; safe from any thread, first reason wins. Never runs the loop inline.</summary>
    public void Close(CloseReason reason)
    {
        if (Interlocked.CompareExchange(ref _closeReason, (int)reason, (int)CloseReason.None) == (int)CloseReason.None)
        {
            // CancelAsync runs the loop's continuation elsewhere, not on the caller's (e.g. a queue actor's) thread.
            _ = _closing.CancelAsync();
        }
    }

    /// <summary>
    /// Runs the connection until the client leaves or <see cref="Close"/> is called. Registration comes first:
    /// if it fails (the router is shutting down) nothing has been written and the exception reaches the caller,
    /// which can still answer 503. After that, any fault closes only this connection.
    /// </summary>
    public async Task RunAsync(CancellationToken requestAborted)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, _closing.Token);
        var token = linked.Token;
        FollowAck ack;
        try
        {
            ack = await _tenants.FollowAsync(this, token);
        }
        catch
        {
            Close(CloseReason.Faulted);
            Volatile.Write(ref _phase, Closed);
            throw;
        }
        var opened = _time.GetTimestamp();
        ITimer? heartbeat = null;
        // Armed before anything is written, so once a client has seen the connection event the expiry is
        // scheduled; a token already past its exp (accepted within the clock skew) closes at once.
        using var expiry = _request.ExpiresAt is { } expiresAt
            ? _time.CreateTimer(static s => ((ConnectionActor)s!).Close(CloseReason.TokenExpired), this, Max(expiresAt - _time.GetUtcNow(), TimeSpan.Zero), Timeout.InfiniteTimeSpan)
            : null;
        try
        {
            var head = ack.Head;
            if (_request.ResumeFrom > head)
            {
                // The tenant's routed head trails the journal while a commit is being routed; a client may
                // already hold a committed position above it (read during its own replay). Only a position
                // above the journal's head is unknown.
                var committed = await _journal.ReadHeadAsync(Tenant, token);
                head = committed > head ? committed : head;
            }
            WritePreamble(head);
            await FlushAsync(token);
            heartbeat = _time.CreateTimer(static s => ((ConnectionActor)s!).OnHeartbeatDue(), this, _options.Heartbeat, _options.Heartbeat);
            await CatchUpAsync(token);
            await RunLiveAsync(token);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            Close(CloseReason.ClientGone);
        }
        catch (Exception exception)
        {
            // Ownership boundary: whatever failed, it ends this connection only.
            Log.Faulted(_logger, Tenant.Value, Id, exception);
            Close(CloseReason.Faulted);
        }
        finally
        {
            Interlocked.CompareExchange(ref _closeReason, (int)CloseReason.ClientGone, (int)CloseReason.None);
            Volatile.Write(ref _phase, Closed);
            heartbeat?.Dispose();
            ack.Source.TryTell(new QueueMessage.Unfollow(this));
            await WriteFarewellAsync(requestAborted);
            Log.Closed(_logger, Tenant.Value, Id, CloseReason, _delivered, _time.GetElapsedTime(opened));
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private void WritePreamble(Position head)
    {
        var resume = _request.ResumeFrom;
        _lastWritten = resume ?? head;
        _output.Write(SseFrames.RetryFrame(_options.Retry));
        _output.Write(SseFrames.ControlFrame("connection", json =>
        {
            json.WriteString("type", "connection.established");
            json.WriteString("connectionId", Id);
            json.WriteString("tenant", Tenant.Value);
            json.WriteStartArray("queues");
            foreach (var queue in Filter.Scope.Queues)
            {
                json.WriteStringValue(queue);
            }
            json.WriteEndArray();
            if (resume is { } from)
            {
                json.WriteString("resumedFrom", from.ToString());
            }
            else
            {
                json.WriteNull("resumedFrom");
            }
            json.WriteString("head", head.ToString());
            json.WriteNumber("heartbeatMs", (long)_options.Heartbeat.TotalMilliseconds);
            json.WriteString("time", SseFrames.FormatTime(_time.GetUtcNow()));
        }));
        if (resume is { } requested && requested > head)
        {
            // A position this tenant never had (another tenant's id, a wiped journal): continue live from the head.
            _output.Write(SseFrames.ControlFrame("reset", json =>
            {
                json.WriteString("reason", "unknown-position");
                json.WriteString("requested", requested.ToString());
                json.WriteString("head", head.ToString());
            }));
            _lastWritten = head;
        }
    }

    /// <summary>Replays from the journal until it is exhausted and no live event was lost meanwhile, then goes live.</summary>
    private async Task CatchUpAsync(CancellationToken token)
    {
        var pageSize = _options.ReplayPageSize;
        while (true)
        {
            IReadOnlyList<JournalEvent> page;
            do
            {
                page = await _journal.ReadAsync(Tenant, new JournalQuery(_lastWritten, pageSize, Filter.Scope.SingleQueue), token);
                foreach (var stored in page)
                {
                    if (RoutedEvent.From(Tenant, stored, _routing) is { } e && Filter.Matches(e))
                    {
                        Write(e);
                    }
                    _lastWritten = stored.Position;
                }
                await FlushAsync(token);
            }
            while (page.Count == pageSize);

            if (Interlocked.CompareExchange(ref _phase, Live, CatchingUp) == CatchingUp)
            {
                return;
            }
            // The buffer overflowed while we read: what it held (or refused) is in the journal. Empty it, read again.
            while (_buffer.Reader.TryRead(out _))
            {
            }
            Volatile.Write(ref _phase, CatchingUp);
        }
    }

    private async Task RunLiveAsync(CancellationToken token)
    {
        var reader = _buffer.Reader;
        while (await reader.WaitToReadAsync(token))
        {
            // Batch: write everything already waiting, then flush once.
            while (reader.TryRead(out var item))
            {
                WriteResetIfDropped();
                if (item.Event is null)
                {
                    _output.Write(SseFrames.ControlFrame("heartbeat", json => json.WriteString("time", SseFrames.FormatTime(_time.GetUtcNow()))));
                }
                else if (item.Event.Position > _lastWritten)
                {
                    Write(item.Event);
                    _lastWritten = item.Event.Position;
                }
            }
            await FlushAsync(token);
        }
    }

    private void Write(RoutedEvent e)
    {
        _output.Write(e.Frame(_request.TypeAsEventField).Span);
        _delivered++;
    }

    private void WriteResetIfDropped()
    {
        var dropped = Interlocked.Exchange(ref _dropped, 0);
        if (dropped > 0)
        {
            _output.Write(SseFrames.ControlFrame("reset", json =>
            {
                json.WriteString("reason", "overflow");
                json.WriteNumber("dropped", dropped);
            }));
        }
    }

    private async ValueTask FlushAsync(CancellationToken token)
    {
        var result = await _output.FlushAsync(token);
        if (result.IsCompleted)
        {
            throw new OperationCanceledException("The client closed the response.", token);
        }
    }

    private void OnHeartbeatDue()
    {
        // Only an idle connection needs a heartbeat; a busy one is writing anyway.
        if (_buffer.Reader.Count == 0)
        {
            _buffer.Writer.TryWrite(ConnectionItem.Heartbeat);
        }
    }

    private void OnDropped(ConnectionItem item)
    {
        // Drop-oldest policy: while catching up the journal covers it; live, the client is told with a reset.
        if (Interlocked.CompareExchange(ref _phase, CatchingUpOverflowed, CatchingUp) == Live && item.Event is not null)
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    private async ValueTask WriteFarewellAsync(CancellationToken requestAborted)
    {
        var reason = CloseReason switch
        {
            CloseReason.ServerShutdown => "server-shutdown",
            CloseReason.TokenExpired => "token-expired",
            _ => null,
        };
        if (reason is null || requestAborted.IsCancellationRequested)
        {
            return;
        }
        try
        {
            _output.Write(SseFrames.ControlFrame("shutdown", json =>
            {
                json.WriteString("reason", reason);
                json.WriteNumber("retryMs", (long)_options.Retry.TotalMilliseconds);
            }));
            using var timeout = new CancellationTokenSource(s_farewellTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, requestAborted);
            await _output.FlushAsync(linked.Token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The client is gone or too slow to take a goodbye; closing is all that is left.
        }
    }
}

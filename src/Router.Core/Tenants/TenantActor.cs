using Microsoft.Extensions.Logging;
using Router.Actors;
using Router.Diagnostics;
using Router.Events;
using Router.Journal;
using Router.Queues;
using Router.Routing;

namespace Router.Tenants;

/// <summary>
/// One per active tenant. Appends the tenant's events to the journal with group commit (every batch that
/// arrives while a commit is in flight joins the next one), then routes each committed event, in position
/// order, to the queue actors and the tenant-level stream that follow it. Children are created on the first
/// follower and passivated when idle; the tenant itself passivates when it has no children and no work.
/// </summary>
internal sealed partial class TenantActor : Actor<TenantMessage>
{
    /// <summary>Upper bound of events in one journal call; a single batch may exceed it and is then sent alone.</summary>
    private const int MaxEventsPerCommit = 4096;

    /// <summary>
    /// Journal calls a tenant keeps in flight. Two, so the journal's writer finds the next group already queued
    /// when it finishes one, instead of idling while the finished one is reported back here and the next is
    /// started (with one, the SQLite writer idled ~22% of a batch-ingest run). Positions still follow the order
    /// of the calls: the writer takes them first in, first out.
    /// </summary>
    internal const int MaxCommitsInFlight = 2;

    private readonly TenantId _tenant;
    private readonly IEventJournal _journal;
    private readonly RoutingTable _routing;
    private readonly TenantDirectory _directory;
    private readonly ActorTuningOptions _tuning;
    private readonly ILogger _logger;

    private readonly Dictionary<StreamKey, StreamHandle> _streams = [];
    private readonly List<TenantMessage.Append> _pending = [];

    /// <summary>Journal calls started and not yet reported back to the loop (at most <see cref="MaxCommitsInFlight"/>).</summary>
    private int _commitsInFlight;

    /// <summary>The latest call's commit-and-report; it finishes after every earlier one (each awaits its predecessor).</summary>
    private Task? _lastCommit;

    /// <summary>The highest position routed to children; every event at or below it was committed and routed.</summary>
    private Position _head;

    /// <summary>False while the journal could not be reached to learn the head; work is refused (503) until it can.</summary>
    private bool _headKnown;

    public TenantActor(TenantId tenant, IEventJournal journal, RoutingTable routing, TenantDirectory directory, ActorTuningOptions tuning, ILogger logger)
    {
        _tenant = tenant;
        _journal = journal;
        _routing = routing;
        _directory = directory;
        _tuning = tuning;
        _logger = logger;
    }

    protected internal override async ValueTask PreStartAsync(CancellationToken cancellationToken)
    {
        if (await TryLoadHeadAsync(cancellationToken) is null)
        {
            Log.Started(_logger, _tenant.Value, _head.Value);
        }
    }

    /// <summary>
    /// Reads the head once; null on success, else the failure. A tenant whose journal is down keeps running and
    /// refuses work with that failure (publishers get 503 at once) instead of failing in a restart loop while
    /// its mailbox, and its publishers, wait.
    /// </summary>
    private async ValueTask<JournalUnavailableException?> TryLoadHeadAsync(CancellationToken cancellationToken)
    {
        if (_headKnown)
        {
            return null;
        }
        try
        {
            _head = await _journal.ReadHeadAsync(_tenant, cancellationToken);
            _headKnown = true;
            return null;
        }
        catch (JournalUnavailableException exception)
        {
            Log.HeadUnavailable(_logger, _tenant.Value, exception);
            return exception;
        }
    }

    protected internal override async ValueTask ReceiveAsync(TenantMessage message, CancellationToken cancellationToken)
    {
        switch (message)
        {
            case TenantMessage.Append or TenantMessage.Follow when Context.IsStopping:
                // Passivation raced with new work: the directory hands it to this tenant's next incarnation. While the
                // router shuts down it refuses: the sender is told, and this actor has not failed.
                try
                {
                    await _directory.ForwardAsync(_tenant, message, cancellationToken);
                }
                catch (JournalUnavailableException refused)
                {
                    Refuse(message, refused);
                }
                break;
            case TenantMessage.Append append when await TryLoadHeadAsync(cancellationToken) is { } unavailable:
                append.Reply.TrySetException(unavailable);
                break;
            case TenantMessage.Follow follow when await TryLoadHeadAsync(cancellationToken) is { } unavailable:
                follow.Reply.TrySetException(unavailable);
                break;
            case TenantMessage.Append append:
                _pending.Add(append);
                StartCommit();
                break;
            case TenantMessage.CatchUp when _headKnown && _streams.Count > 0:
                await CatchUpAsync(cancellationToken);
                break;
            case TenantMessage.AppendCompleted completed:
                await CompleteAsync(completed, cancellationToken);
                StartCommit();
                break;
            case TenantMessage.Follow follow:
                await FollowAsync(follow, cancellationToken);
                break;
            case TenantMessage.StreamIdle idle:
                if (_streams.TryGetValue(idle.Key, out var handle) && handle.Ref == idle.Stream)
                {
                    _streams.Remove(idle.Key);
                    idle.Stream.Stop();
                    Log.StreamPassivated(_logger, _tenant.Value, idle.Key.ToString());
                }
                break;
            case TenantMessage.StreamTerminated terminated:
                if (_streams.TryGetValue(terminated.Key, out var current) && current == terminated.Handle)
                {
                    _streams.Remove(terminated.Key);
                }
                break;
        }
    }

    protected internal override ValueTask OnIdleAsync(CancellationToken cancellationToken)
    {
        if (_streams.Count == 0 && _pending.Count == 0 && _commitsInFlight == 0)
        {
            Log.Passivating(_logger, _tenant.Value);
            Context.Stop();
        }
        return ValueTask.CompletedTask;
    }

    protected internal override async ValueTask PostStopAsync()
    {
        if (!Context.IsStopping)
        {
            // Restarting after a fault: the next incarnation starts clean; waiting publishers retry (503).
            FailPending(new JournalUnavailableException("The tenant is restarting after a fault; retry."));
            return;
        }
        // Stopping for good (passivation or shutdown): finish what publishers are waiting for.
        if (_lastCommit is not null)
        {
            await _lastCommit;
        }
        while (_pending.Count > 0)
        {
            var requests = TakePending();
            var completed = await CommitAsync(requests);
            Reply(completed);
        }
    }

    private async ValueTask FollowAsync(TenantMessage.Follow follow, CancellationToken cancellationToken)
    {
        var scope = follow.Connection.Filter.Scope;
        var key = new StreamKey(scope.SingleQueue?.Value);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var handle = GetOrSpawn(key);
            if (await handle.Ref.TellAsync(new QueueMessage.Follow(follow.Connection, _head, follow.Reply), cancellationToken))
            {
                return;
            }
            // The child was stopped by its supervisor and its notice has not arrived yet: start a fresh one.
            _streams.Remove(key);
        }
        follow.Reply.TrySetException(new JournalUnavailableException($"The stream {key} of tenant {_tenant} cannot be started."));
    }

    private StreamHandle GetOrSpawn(StreamKey key)
    {
        if (_streams.TryGetValue(key, out var existing))
        {
            return existing;
        }
        var handle = new StreamHandle();
        var parent = Context.Self;
        handle.Ref = Context.Spawn(
            key.ActorName,
            () => new QueueActor(_tenant, key, parent, _tuning.QueueMailboxCapacity, _logger),
            new ActorOptions(_tuning.QueueMailboxCapacity, _tuning.RestartStrategy, _tuning.QueueIdleAfter),
            new TenantMessage.StreamTerminated(key, handle));
        _streams[key] = handle;
        return handle;
    }

    /// <summary>
    /// Hands every waiting batch to the journal as one call, unless <see cref="MaxCommitsInFlight"/> calls are in
    /// flight (those batches then join the next one). Called on the loop, which runs only the journal's synchronous
    /// part (queueing the request with its writer); the rest continues where the journal completes it, so no extra
    /// thread-pool hop is spent starting the commit.
    /// </summary>
    private void StartCommit()
    {
        while (_commitsInFlight < MaxCommitsInFlight && _pending.Count > 0)
        {
            _commitsInFlight++;
            _lastCommit = CommitAndReportAsync(TakePending(), Context.Self, _lastCommit);
        }
    }

    /// <summary>
    /// Commits, answers the publishers at once, then tells the loop (which routes and starts the next commit).
    /// Answering here rather than from the loop saves the hop back to it: the events are durable (SPEC §3 asks no
    /// more before the answer). The report waits for the previous call's, so the loop gets results in call order,
    /// which is position order: two completions racing on pool threads must not route a later position first.
    /// </summary>
    private async Task CommitAndReportAsync(List<TenantMessage.Append> requests, ActorRef<TenantMessage> self, Task? previous)
    {
        var completed = await CommitAsync(requests);
        Reply(completed);
        if (previous is not null)
        {
            await previous;
        }
        // False when the actor is stopping (mailbox closed): PostStopAsync awaits this task, and nothing is left to do.
        await self.TellAsync(completed, CancellationToken.None);
    }

    private List<TenantMessage.Append> TakePending()
    {
        var count = 0;
        var events = 0;
        while (count < _pending.Count && (count == 0 || events + _pending[count].Events.Count <= MaxEventsPerCommit))
        {
            events += _pending[count].Events.Count;
            count++;
        }
        var requests = _pending.GetRange(0, count);
        _pending.RemoveRange(0, count);
        return requests;
    }

    private async Task<TenantMessage.AppendCompleted> CommitAsync(List<TenantMessage.Append> requests)
    {
        try
        {
            var batches = requests.ConvertAll(r => r.Events);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var results = await _journal.AppendAsync(_tenant, batches, CancellationToken.None);
            _directory.Metrics.JournalAppended(RouterMetrics.Since(started), batches, results);
            return new TenantMessage.AppendCompleted(requests, results, null);
        }
        catch (Exception exception)
        {
            // Ownership boundary: a journal failure belongs to the waiting publishers, not to this actor.
            Log.AppendFailed(_logger, _tenant.Value, requests.Count, exception);
            return new TenantMessage.AppendCompleted(requests, null, exception);
        }
    }

    private async ValueTask CompleteAsync(TenantMessage.AppendCompleted completed, CancellationToken cancellationToken)
    {
        _commitsInFlight--;
        // The publishers were answered when the commit completed (CommitAndReportAsync), so none waits on fan-out.
        // Routing follows, in position order, on this loop.
        if (completed.Results is { } results)
        {
            foreach (var batch in results)
            {
                foreach (var appended in batch.Events)
                {
                    if (!appended.Duplicate)
                    {
                        await RouteUpToAsync(appended.Event, cancellationToken);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Routes <paramref name="committed"/>, first reading from the journal any position between the head and it
    /// (appended by another node sharing the journal), so children always see positions in order.
    /// </summary>
    private async ValueTask RouteUpToAsync(JournalEvent committed, CancellationToken cancellationToken)
    {
        if (committed.Position <= _head)
        {
            return;
        }
        while (committed.Position.Value > _head.Value + 1)
        {
            var gap = await _journal.ReadAsync(_tenant, new JournalQuery(_head, (int)Math.Min(500, committed.Position.Value - _head.Value - 1)), cancellationToken);
            if (gap.Count == 0)
            {
                break;
            }
            foreach (var e in gap)
            {
                await RouteAsync(e, cancellationToken);
            }
        }
        await RouteAsync(committed, cancellationToken);
    }

    /// <summary>Routes every committed event above the head, page by page (another node appended them).</summary>
    private async ValueTask CatchUpAsync(CancellationToken cancellationToken)
    {
        const int page = 500;
        IReadOnlyList<JournalEvent> events;
        do
        {
            events = await _journal.ReadAsync(_tenant, new JournalQuery(_head, page), cancellationToken);
            foreach (var e in events)
            {
                await RouteAsync(e, cancellationToken);
            }
        }
        while (events.Count == page);
    }

    private async ValueTask RouteAsync(JournalEvent stored, CancellationToken cancellationToken)
    {
        _head = stored.Position;
        if (_streams.Count == 0)
        {
            return;
        }
        var routed = RoutedEvent.From(_tenant, stored, _routing);
        if (routed is null)
        {
            return;
        }
        var deliver = new QueueMessage.Deliver(routed);
        if ((routed.Tiers & RouteTiers.Queue) != 0 && routed.Queue is not null
            && _streams.TryGetValue(new StreamKey(routed.Queue), out var queue))
        {
            await queue.Ref.TellAsync(deliver, cancellationToken);
        }
        if (_streams.TryGetValue(StreamKey.TenantLevel, out var tenantStream))
        {
            await tenantStream.Ref.TellAsync(deliver, cancellationToken);
        }
    }

    private static void Reply(TenantMessage.AppendCompleted completed)
    {
        for (var i = 0; i < completed.Requests.Count; i++)
        {
            if (completed.Results is { } results)
            {
                completed.Requests[i].Reply.TrySetResult(results[i]);
            }
            else
            {
                completed.Requests[i].Reply.TrySetException(completed.Failure!);
            }
        }
    }

    private static void Refuse(TenantMessage message, Exception reason)
    {
        switch (message)
        {
            case TenantMessage.Append append:
                append.Reply.TrySetException(reason);
                break;
            case TenantMessage.Follow follow:
                follow.Reply.TrySetException(reason);
                break;
        }
    }

    private void FailPending(Exception failure)
    {
        foreach (var append in _pending)
        {
            append.Reply.TrySetException(failure);
        }
        _pending.Clear();
    }
}

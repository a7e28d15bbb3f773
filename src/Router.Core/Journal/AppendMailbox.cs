using System.Threading.Channels;
using Router.Tenants;

namespace Router.Journal;

/// <summary>
/// What a journal and its group-commit writer share, the same for SQLite and PostgreSQL: a bounded mailbox of
/// <see cref="PendingAppend"/>s (past its capacity appends wait: backpressure), read by the writer's one loop, which
/// takes every waiting request under the cap as one group; and, if that loop dies, the failure of every request it
/// owned, so none is ever left without an outcome.
/// </summary>
internal sealed class AppendMailbox
{
    private static readonly BatchResult EmptyBatch = new([]);

    private readonly Channel<PendingAppend> _channel;
    private readonly int _maxEventsPerCommit;
    private readonly string _journal;
    private readonly Action? _posted;

    /// <summary>Set when the writer's loop died; appends then fail as "the writer stopped", not "shutting down".</summary>
    private volatile bool _faulted;

    /// <param name="maxEventsPerCommit">The group-commit cap, in events; also the capacity, in requests.</param>
    /// <param name="journal">The journal's name in messages: "SQLite", "PostgreSQL".</param>
    /// <param name="posted">
    /// Called after each request is queued, for a writer whose loop sleeps on something else than this mailbox
    /// (the SQLite writer's thread blocks on an event of its own).
    /// </param>
    public AppendMailbox(int maxEventsPerCommit, string journal, Action? posted = null)
    {
        _maxEventsPerCommit = maxEventsPerCommit;
        _journal = journal;
        _posted = posted;
        // Capacity in requests: every request holds at least one event, so a full mailbox always has enough to fill
        // the next commit while the current one runs; beyond that, callers wait instead of queueing.
        _channel = Channel.CreateBounded<PendingAppend>(new BoundedChannelOptions(maxEventsPerCommit)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>The writer's side: wait on it, peek, see completion. Taking requests goes through <see cref="TakeGroup"/>.</summary>
    public ChannelReader<PendingAppend> Reader => _channel.Reader;

    public int Count => _channel.Reader.Count;

    public bool IsFaulted => _faulted;

    /// <summary>
    /// The journal's side of <see cref="IEventJournal.AppendAsync"/>: checks the arguments, asks
    /// <paramref name="openMailbox"/> for the mailbox (it throws while the journal is not open), queues the request
    /// and waits for the writer's outcome. The caller's cancellation withdraws the request only while the writer has
    /// not taken it (see <see cref="PendingAppend.TryCancel"/>).
    /// </summary>
    public static async ValueTask<IReadOnlyList<BatchResult>> AppendAsync(
        Func<AppendMailbox> openMailbox,
        TenantId tenant,
        IReadOnlyList<IReadOnlyList<EventToAppend>> batches,
        CancellationToken cancellationToken)
    {
        var eventCount = PendingAppend.CountEvents(tenant, batches);
        var mailbox = openMailbox();
        cancellationToken.ThrowIfCancellationRequested();
        if (eventCount == 0)
        {
            return batches.Select(_ => EmptyBatch).ToArray();
        }

        var request = new PendingAppend(tenant, batches, eventCount);
        await mailbox.PostAsync(request, cancellationToken);
        using var registration = cancellationToken.UnsafeRegister(
            static (state, token) => ((PendingAppend)state!).TryCancel(token), request);
        return await request.Completion;
    }

    /// <summary>Stops accepting requests; the loop still drains those queued, then sees the reader complete.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>Takes every waiting request that fits under the cap; always at least one, since a call is never split.</summary>
    public void TakeGroup(List<PendingAppend> group)
    {
        var events = 0;
        var reader = _channel.Reader;
        while (reader.TryPeek(out var next))
        {
            if (group.Count > 0 && events + next.EventCount > _maxEventsPerCommit)
            {
                break;
            }
            reader.TryRead(out _);
            if (next.TryClaim())
            {
                group.Add(next);
                events += next.EventCount;
            }
        }
    }

    /// <summary>
    /// The writer's loop died of <paramref name="exception"/> (only a bug gets there: storage faults fail one group):
    /// closes the mailbox and fails <paramref name="group"/> and every request still queued.
    /// </summary>
    public void FailAll(List<PendingAppend> group, Exception exception)
    {
        _faulted = true;
        var unavailable = WriterStopped(exception);
        _channel.Writer.TryComplete(unavailable);
        foreach (var request in group)
        {
            request.Fail(unavailable);
        }
        while (_channel.Reader.TryRead(out var request))
        {
            request.Fail(unavailable);
        }
    }

    /// <summary>Queues a request; waits while the mailbox is full. Fails as "shutting down" or "writer stopped" once it is closed.</summary>
    private ValueTask PostAsync(PendingAppend request, CancellationToken cancellationToken)
    {
        if (_channel.Writer.TryWrite(request))
        {
            _posted?.Invoke();
            return ValueTask.CompletedTask;
        }
        return PostSlowAsync(request, cancellationToken);
    }

    private async ValueTask PostSlowAsync(PendingAppend request, CancellationToken cancellationToken)
    {
        try
        {
            await _channel.Writer.WriteAsync(request, cancellationToken);
        }
        catch (ChannelClosedException exception)
        {
            throw _faulted ? WriterStopped(exception) : JournalUnavailableException.ShuttingDown(_journal, exception);
        }
        _posted?.Invoke();
    }

    private JournalUnavailableException WriterStopped(Exception innerException) =>
        new($"The {_journal} journal's writer stopped.", innerException);
}

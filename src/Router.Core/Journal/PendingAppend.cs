using Router.Tenants;

namespace Router.Journal;

/// <summary>
/// One <see cref="IEventJournal.AppendAsync"/> call waiting in a group-commit writer's mailbox: the batches of one
/// tenant, and the completion its caller awaits.
/// </summary>
internal sealed class PendingAppend
{
    private const int Queued = 0;
    private const int Claimed = 1;
    private const int Cancelled = 2;

    /// <summary>Completed by the writer loop; continuations never run on the writer's thread.</summary>
    private readonly TaskCompletionSource<IReadOnlyList<BatchResult>> _completion =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary><see cref="Queued"/> until either the writer claims the request or its caller cancels it.</summary>
    private int _state;

    public PendingAppend(TenantId tenant, IReadOnlyList<IReadOnlyList<EventToAppend>> batches, int eventCount)
    {
        Tenant = tenant;
        Batches = batches;
        EventCount = eventCount;
    }

    /// <summary>
    /// Validates an append's arguments (the journal seam's contract, checked the same way by every journal) and
    /// returns how many events it holds, duplicates included.
    /// </summary>
    public static int CountEvents(TenantId tenant, IReadOnlyList<IReadOnlyList<EventToAppend>> batches)
    {
        TenantId.ThrowIfDefault(tenant);
        ArgumentNullException.ThrowIfNull(batches);
        var count = 0;
        for (var b = 0; b < batches.Count; b++)
        {
            var batch = batches[b] ?? throw new ArgumentException($"Batch {b} is null.", nameof(batches));
            for (var i = 0; i < batch.Count; i++)
            {
                if (batch[i] is not { EventId: not null, Type: not null })
                {
                    throw new ArgumentException($"Event {i} of batch {b} is null or has no EventId or Type.", nameof(batches));
                }
            }
            count += batch.Count;
        }
        return count;
    }

    public TenantId Tenant { get; }

    public IReadOnlyList<IReadOnlyList<EventToAppend>> Batches { get; }

    /// <summary>Events in all batches, duplicates included: what the request weighs against the group-commit cap.</summary>
    public int EventCount { get; }

    public Task<IReadOnlyList<BatchResult>> Completion => _completion.Task;

    /// <summary>The writer takes the request; false when its caller cancelled it first, and then it is never written.</summary>
    public bool TryClaim() => Interlocked.CompareExchange(ref _state, Claimed, Queued) == Queued;

    /// <summary>
    /// Cancels the request if the writer has not claimed it yet. Once claimed, the request's outcome stands:
    /// its events may already be in the transaction, and a caller told "cancelled" must be able to trust that
    /// nothing was appended.
    /// </summary>
    public void TryCancel(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued)
        {
            _completion.TrySetCanceled(cancellationToken);
        }
    }

    public void Complete(IReadOnlyList<BatchResult> results) => _completion.TrySetResult(results);

    /// <summary>Fails the request unless it already has an outcome (a request rolled back alone keeps its own error).</summary>
    public void Fail(Exception exception) => _completion.TrySetException(exception);
}

namespace Router.Tenants;

/// <summary>
/// A side door into a tenant actor for appends, open only while the actor has a journal commit in flight: a
/// publisher that finds it open leaves its batch here instead of in the mailbox, so it does not wake the actor's
/// loop (a thread-pool hop per publish) only to be told "wait for the next commit". The loop empties the inbox
/// when that commit completes (<see cref="TenantMessage.AppendCompleted"/>), which is when it would have taken
/// the batch from <c>_pending</c> anyway. Closed, a post is refused and the publisher uses the mailbox as before.
/// </summary>
/// <remarks>
/// One per actor cell (it outlives restarts, like the mailbox). Bounded: past <see cref="Capacity"/> batches it
/// refuses, and publishers fall back to the bounded mailbox and its backpressure. The lock guards only the
/// inbox's own list and flag, for a few instructions; no actor state is touched under it and nothing is called.
/// Invariant: whenever the inbox is closed it is empty, so an actor with no commit in flight holds no batch here
/// (passivation and shutdown see everything in <c>_pending</c>).
/// </remarks>
internal sealed class AppendInbox
{
    private readonly Lock _gate = new();
    private List<TenantMessage.Append> _batches = [];
    private List<TenantMessage.Append> _spare = [];
    private bool _open;

    public AppendInbox(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    public int Capacity { get; }

    /// <summary>Batches waiting here now (tests and diagnostics).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _batches.Count;
            }
        }
    }

    /// <summary>Leaves <paramref name="append"/> for the commit after the one in flight; false when closed or full.</summary>
    public bool TryPost(TenantMessage.Append append)
    {
        lock (_gate)
        {
            if (!_open || _batches.Count >= Capacity)
            {
                return false;
            }
            _batches.Add(append);
            return true;
        }
    }

    /// <summary>Called by the loop when it starts a commit: from now on publishers may post here.</summary>
    public void Open()
    {
        lock (_gate)
        {
            _open = true;
        }
    }

    /// <summary>
    /// Called by the loop: closes the inbox and moves what it holds, in arrival order, to <paramref name="into"/>.
    /// After it returns no post can land here until the next <see cref="Open"/>.
    /// </summary>
    public void CloseAndDrain(List<TenantMessage.Append> into)
    {
        List<TenantMessage.Append> taken;
        lock (_gate)
        {
            _open = false;
            if (_batches.Count == 0)
            {
                return;
            }
            taken = _batches;
            _batches = _spare;
        }
        into.AddRange(taken);
        taken.Clear();
        // Only the loop swaps lists, so the spare is never in use when it is handed back.
        _spare = taken;
    }
}

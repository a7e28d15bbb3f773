using Router.Queues;
using Router.Routing;
using Router.Tenants;

namespace Router.Connections;

/// <summary>
/// What one connection follows (SPEC §4): a single queue, or the tenant-level stream plus any listed
/// queues (<c>?queue=a&amp;queue=b</c>) or every queue (<c>?queue=*</c>). Immutable.
/// </summary>
internal sealed class StreamScope
{
    /// <summary>A queue stream's is the shared empty set (a set per connection would be held for hours for nothing).</summary>
    private static readonly HashSet<string> s_none = new(StringComparer.Ordinal);

    private readonly HashSet<string> _queues;

    private StreamScope(TenantId tenant, QueueName? singleQueue, IEnumerable<QueueName> queues, bool allQueues)
    {
        Tenant = tenant;
        SingleQueue = singleQueue;
        _queues = queues.TryGetNonEnumeratedCount(out var count) && count == 0 ? s_none : queues.Select(q => q.Value).ToHashSet(StringComparer.Ordinal);
        AllQueues = allQueues;
    }

    public TenantId Tenant { get; }

    /// <summary>Set for <c>/queues/{queue}/stream</c>; null for the tenant-level stream.</summary>
    public QueueName? SingleQueue { get; }

    public bool AllQueues { get; }

    /// <summary>
    /// The queues named in the connection event: the single queue, or the listed ones. A struct, enumerated without
    /// allocating: every stream walks it several times while it opens (registry, connection event).
    /// </summary>
    public QueueNames Queues => SingleQueue is { } q ? new(q.Value, null) : new(null, _queues);

    public static StreamScope ForQueue(TenantId tenant, QueueName queue) => new(tenant, queue, [], false);

    public static StreamScope ForTenant(TenantId tenant, IEnumerable<QueueName> queues, bool allQueues) => new(tenant, null, queues, allQueues);

    public bool Follows(QueueName queue) => SingleQueue is { } q ? q == queue : AllQueues || _queues.Contains(queue.Value);

    /// <summary>Whether an event with these tiers and this queue (null: tenant-level) is in this scope.</summary>
    public bool Matches(RouteTiers tiers, string? queue)
    {
        if (SingleQueue is { } single)
        {
            return (tiers & RouteTiers.Queue) != 0 && string.Equals(queue, single.Value, StringComparison.Ordinal);
        }
        if ((tiers & RouteTiers.Tenant) != 0)
        {
            return true;
        }
        return (tiers & RouteTiers.Queue) != 0 && queue is not null && (AllQueues || _queues.Contains(queue));
    }
}

/// <summary>A scope's queue names: one queue, or a set; enumerable without allocating.</summary>
internal readonly struct QueueNames(string? single, HashSet<string>? set) : IEnumerable<string>
{
    public int Count => single is not null ? 1 : set!.Count;

    public Enumerator GetEnumerator() => new(single, set);

    IEnumerator<string> IEnumerable<string>.GetEnumerator() => GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public struct Enumerator(string? single, HashSet<string>? set) : IEnumerator<string>
    {
        private HashSet<string>.Enumerator _set = set is null ? default : set.GetEnumerator();
        private bool _singleTaken;

        public string Current { get; private set; } = null!;

        readonly object System.Collections.IEnumerator.Current => Current;

        public bool MoveNext()
        {
            if (single is not null)
            {
                if (_singleTaken)
                {
                    return false;
                }
                _singleTaken = true;
                Current = single;
                return true;
            }
            if (set is not null && _set.MoveNext())
            {
                Current = _set.Current;
                return true;
            }
            return false;
        }

        public readonly void Reset() => throw new NotSupportedException();

        public readonly void Dispose()
        {
        }
    }
}

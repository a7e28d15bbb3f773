using Router.Events;
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
    private readonly HashSet<string> _queues;

    private StreamScope(TenantId tenant, QueueName? singleQueue, IEnumerable<QueueName> queues, bool allQueues)
    {
        Tenant = tenant;
        SingleQueue = singleQueue;
        _queues = queues.Select(q => q.Value).ToHashSet(StringComparer.Ordinal);
        AllQueues = allQueues;
    }

    public TenantId Tenant { get; }

    /// <summary>Set for <c>/queues/{queue}/stream</c>; null for the tenant-level stream.</summary>
    public QueueName? SingleQueue { get; }

    public bool AllQueues { get; }

    /// <summary>The queues named in the connection event: the single queue, or the listed ones.</summary>
    public IReadOnlyCollection<string> Queues => SingleQueue is { } q ? [q.Value] : _queues;

    public static StreamScope ForQueue(TenantId tenant, QueueName queue) => new(tenant, queue, [], false);

    public static StreamScope ForTenant(TenantId tenant, IEnumerable<QueueName> queues, bool allQueues) => new(tenant, null, queues, allQueues);

    public bool Follows(QueueName queue) => SingleQueue is { } q ? q == queue : AllQueues || _queues.Contains(queue.Value);

    public bool Matches(RoutedEvent e)
    {
        if (SingleQueue is { } single)
        {
            return (e.Tiers & RouteTiers.Queue) != 0 && string.Equals(e.Queue, single.Value, StringComparison.Ordinal);
        }
        if ((e.Tiers & RouteTiers.Tenant) != 0)
        {
            return true;
        }
        return (e.Tiers & RouteTiers.Queue) != 0 && e.Queue is not null && (AllQueues || _queues.Contains(e.Queue));
    }
}

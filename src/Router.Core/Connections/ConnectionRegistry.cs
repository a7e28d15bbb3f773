using System.Collections.Concurrent;
using Router.Tenants;

namespace Router.Connections;

/// <summary>
/// Every open connection of this node, with counts per tenant and per queue for health (and limits), and a
/// way to reach them all at shutdown. Thread-safe; touched once per connection open and close, never per event.
/// </summary>
internal sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<ConnectionActor, byte> _connections = new();
    private readonly ConcurrentDictionary<TenantId, int> _perTenant = new();
    private readonly ConcurrentDictionary<(TenantId Tenant, string Queue), int> _perQueue = new();
    private int _reserved;

    public int Count => _connections.Count;

    public int CountFor(TenantId tenant) => _perTenant.TryGetValue(tenant, out var count) ? count : 0;

    /// <summary>Connections that follow the queue, whether on its own stream or multiplexed on the tenant stream by name.</summary>
    public int CountFor(TenantId tenant, string queue) => _perQueue.TryGetValue((tenant, queue), out var count) ? count : 0;

    /// <summary>
    /// Adds the connection if neither the node's nor its tenant's limit is reached; false (nothing added)
    /// otherwise. The count is reserved first and released on refusal, so racing opens cannot overshoot.
    /// </summary>
    public bool TryAdd(ConnectionActor connection, int maxTotal, int maxPerTenant)
    {
        if (Interlocked.Increment(ref _reserved) > maxTotal)
        {
            Interlocked.Decrement(ref _reserved);
            return false;
        }
        var tenant = connection.Filter.Scope.Tenant;
        if (_perTenant.AddOrUpdate(tenant, 1, (_, n) => n + 1) > maxPerTenant)
        {
            Decrement(_perTenant, tenant);
            Interlocked.Decrement(ref _reserved);
            return false;
        }
        _connections.TryAdd(connection, 0);
        foreach (var queue in connection.Filter.Scope.Queues)
        {
            _perQueue.AddOrUpdate((tenant, queue), 1, (_, n) => n + 1);
        }
        return true;
    }

    public void Remove(ConnectionActor connection)
    {
        if (!_connections.TryRemove(connection, out _))
        {
            return;
        }
        Interlocked.Decrement(ref _reserved);
        var scope = connection.Filter.Scope;
        Decrement(_perTenant, scope.Tenant);
        foreach (var queue in scope.Queues)
        {
            Decrement(_perQueue, (scope.Tenant, queue));
        }
    }

    /// <summary>Every open connection at this moment (shutdown walks them to say goodbye).</summary>
    public IReadOnlyList<ConnectionActor> Snapshot() => [.. _connections.Keys];

    private static void Decrement<TKey>(ConcurrentDictionary<TKey, int> counts, TKey key)
        where TKey : notnull
    {
        while (counts.TryGetValue(key, out var current))
        {
            if (current <= 1 ? counts.TryRemove(KeyValuePair.Create(key, current)) : counts.TryUpdate(key, current - 1, current))
            {
                return;
            }
        }
    }
}

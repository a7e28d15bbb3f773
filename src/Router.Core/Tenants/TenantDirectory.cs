using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Router.Actors;
using Router.Connections;
using Router.Diagnostics;
using Router.Journal;
using Router.Queues;
using Router.Routing;

namespace Router.Tenants;

/// <summary>
/// Finds or starts the actor of a tenant and hands it work. Tenant actors supervise themselves under the
/// actor system (restart with backoff); a passivated or stopped actor refuses messages, and the directory
/// then removes it and starts the next incarnation, so a caller never talks to a dead tenant.
/// </summary>
internal sealed class TenantDirectory
{
    private const int MaxAttempts = 8;

    private readonly ConcurrentDictionary<TenantId, ActorRef<TenantMessage>> _tenants = new();
    private readonly Lock _spawnGate = new();
    private readonly ActorSystem _system;
    private readonly IEventJournal _journal;
    private readonly RoutingTable _routing;
    private readonly ActorTuningOptions _tuning;
    private readonly ILogger _logger;
    private volatile bool _stopping;

    public TenantDirectory(ActorSystem system, IEventJournal journal, RoutingTable routing, ActorTuningOptions tuning, RouterMetrics? metrics = null)
    {
        Metrics = metrics ?? new RouterMetrics();
        _system = system;
        _journal = journal;
        _routing = routing;
        _tuning = tuning;
        _logger = system.LoggerFactory.CreateLogger("Router.Tenants");
    }

    /// <summary>The instruments every actor of this router records to (reached through the directory they all share).</summary>
    public RouterMetrics Metrics { get; }

    /// <summary>Tenants with a live actor (tests and health use it to show passivation works).</summary>
    public int ActiveTenants => _tenants.Count;

    /// <summary>Appends one batch and completes when it is committed (after routing to live followers).</summary>
    public async Task<BatchResult> AppendAsync(TenantId tenant, IReadOnlyList<EventToAppend> events, CancellationToken cancellationToken)
    {
        var reply = new TaskCompletionSource<BatchResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        await ForwardAsync(tenant, new TenantMessage.Append(events, reply), cancellationToken);
        return await reply.Task;
    }

    /// <summary>Registers a connection with its tenant's stream; the ack carries the head at registration.</summary>
    public async Task<FollowAck> FollowAsync(ConnectionActor connection, CancellationToken cancellationToken)
    {
        var reply = new TaskCompletionSource<FollowAck>(TaskCreationOptions.RunContinuationsAsynchronously);
        await ForwardAsync(connection.Filter.Scope.Tenant, new TenantMessage.Follow(connection, reply), cancellationToken);
        return await reply.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// A journal wake-up: tenants with a live actor (so, local followers or recent work) re-read their journal
    /// and route what other nodes appended. Tenants without one cost nothing; they read when they start.
    /// </summary>
    public void NotifyChanged(JournalChange change)
    {
        if (change.IsResync)
        {
            foreach (var actor in _tenants.Values)
            {
                actor.TryTell(TenantMessage.CatchUp.Instance);
            }
        }
        else if (_tenants.TryGetValue(change.Tenant, out var actor))
        {
            // A full mailbox is busy routing anyway, and the next wake-up or resync catches up.
            actor.TryTell(TenantMessage.CatchUp.Instance);
        }
    }

    /// <summary>Refuses new work from now on (shutdown); actors already running finish theirs.</summary>
    public void BeginShutdown() => _stopping = true;

    internal async ValueTask ForwardAsync(TenantId tenant, TenantMessage message, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if (_stopping)
            {
                throw new JournalUnavailableException("The router is shutting down.");
            }
            var actor = GetOrSpawn(tenant);
            if (await actor.TellAsync(message, cancellationToken))
            {
                return;
            }
            _tenants.TryRemove(KeyValuePair.Create(tenant, actor));
        }
        throw new JournalUnavailableException($"Tenant {tenant} could not be started; retry.");
    }

    private ActorRef<TenantMessage> GetOrSpawn(TenantId tenant)
    {
        if (_tenants.TryGetValue(tenant, out var existing))
        {
            return existing;
        }
        lock (_spawnGate)
        {
            if (_tenants.TryGetValue(tenant, out existing))
            {
                return existing;
            }
            ActorRef<TenantMessage>? spawned = null;
            spawned = _system.Spawn(
                $"tenants/{tenant.Value}",
                () => new TenantActor(tenant, _journal, _routing, this, _tuning, _logger),
                new ActorOptions(_tuning.MailboxCapacity, _tuning.RestartStrategy, _tuning.TenantIdleAfter),
                () =>
                {
                    _tenants.TryRemove(KeyValuePair.Create(tenant, spawned!));
                    return ValueTask.CompletedTask;
                });
            _tenants[tenant] = spawned;
            return spawned;
        }
    }
}

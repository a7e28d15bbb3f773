using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Router.Actors;
using Router.Connections;
using Router.Events;
using Router.Journal;
using Router.Tenants;

namespace Router.Queues;

/// <summary>
/// Owns the connections following one queue (or the tenant-level stream) and fans each committed event out
/// to them. Fan-out never waits: <see cref="ConnectionActor.Offer"/> writes to the response only when that
/// completes at once and otherwise to the connection's bounded buffer, so a slow connection costs only itself
/// (convention 4). Events that arrive in a burst are fanned out together, so each connection gets one write and
/// one flush for the whole burst: under load the cost per delivery falls instead of the latency rising.
/// Passivates itself through its parent when it has had no follower for <c>queue-idle-after</c>.
/// </summary>
internal sealed partial class QueueActor : Actor<QueueMessage>
{
    private readonly TenantId _tenant;
    private readonly StreamKey _key;
    private readonly ActorRef<TenantMessage> _parent;
    private readonly ILogger _logger;

    /// <summary>At most this many events are held back for one fan-out round (bounds the latency a burst adds).</summary>
    private readonly int _maxBatch;

    /// <summary>Followers; replaced, never mutated, so fan-out iterates an array without a copy per event.</summary>
    private ConnectionActor[] _followers = [];

    /// <summary>Events received and not yet fanned out: the burst so far, in position order.</summary>
    private readonly List<RoutedEvent> _batch = [];

    public QueueActor(TenantId tenant, StreamKey key, ActorRef<TenantMessage> parent, int maxBatch, ILogger logger)
    {
        _maxBatch = maxBatch;
        _tenant = tenant;
        _key = key;
        _parent = parent;
        _logger = logger;
    }

    protected internal override async ValueTask ReceiveAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        if (message is QueueMessage.Deliver deliver)
        {
            _batch.Add(deliver.Event);
            if (_batch.Count >= _maxBatch || !Context.HasQueuedMessages)
            {
                FanOut();
            }
            return;
        }
        // Whatever else comes (a follower joining or leaving) comes after the burst before it.
        FanOut();
        switch (message)
        {
            case QueueMessage.Follow follow when Context.IsStopping:
                // Passivation raced with a new follower: hand it back to the tenant, which starts a fresh queue actor.
                if (!await _parent.TellAsync(new TenantMessage.Follow(follow.Connection, follow.Reply), cancellationToken))
                {
                    follow.Reply.TrySetException(new JournalUnavailableException("The router is shutting down."));
                }
                break;
            case QueueMessage.Follow follow:
                _followers = [.. _followers, follow.Connection];
                follow.Reply.TrySetResult(new FollowAck(follow.Head, Context.Self));
                Log.Followed(_logger, _tenant.Value, _key.ToString(), follow.Connection.Id, _followers.Length);
                break;
            case QueueMessage.Unfollow unfollow:
                Remove(unfollow.Connection);
                break;
        }
    }

    protected internal override ValueTask OnIdleAsync(CancellationToken cancellationToken)
    {
        if (_followers.Length == 0)
        {
            _parent.TryTell(new TenantMessage.StreamIdle(_key, Context.Self));
        }
        return ValueTask.CompletedTask;
    }

    protected internal override ValueTask PostStopAsync()
    {
        // A restart or a tenant stop loses the follower set: close them; each client reconnects with
        // Last-Event-ID and catches up from the journal, so nothing is lost.
        foreach (var follower in _followers)
        {
            follower.Close(CloseReason.SourceStopped);
        }
        _followers = [];
        return ValueTask.CompletedTask;
    }

    private void FanOut()
    {
        if (_batch.Count == 0)
        {
            return;
        }
        var events = CollectionsMarshal.AsSpan(_batch);
        List<ConnectionActor>? gone = null;
        foreach (var follower in _followers)
        {
            if (!follower.Offer(events))
            {
                (gone ??= []).Add(follower);
            }
        }
        _batch.Clear();
        if (gone is not null)
        {
            foreach (var follower in gone)
            {
                Remove(follower);
            }
        }
    }

    private void Remove(ConnectionActor connection)
    {
        var index = Array.IndexOf(_followers, connection);
        if (index < 0)
        {
            return;
        }
        _followers = [.. _followers[..index], .. _followers[(index + 1)..]];
        Log.Unfollowed(_logger, _tenant.Value, _key.ToString(), connection.Id, _followers.Length);
    }
}

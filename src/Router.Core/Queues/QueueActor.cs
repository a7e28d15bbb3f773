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
/// Rounds are paced: after a round, the next waits as long as that round took (at most <see cref="MaxPause"/>), so a
/// busy queue's fan-out leaves half a core to publishers and the journal and batches what arrives meanwhile,
/// instead of spending a whole core on rounds of one or two events.
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

    /// <summary>Followers; fan-out iterates them as a span, and removes the gone only after the round.</summary>
    private readonly FollowerSet<ConnectionActor> _followers = new();

    /// <summary>
    /// The longest pause between rounds. Only a queue whose rounds take over a millisecond (many followers) ever
    /// pauses, and only while events keep coming. Without pacing, 1,000 followers at 1,000 events/s got rounds of
    /// ~2 events at ~1.5 µs per delivery, a whole core, and the publisher was slowed to ~770/s; paced, ~1.0 µs and
    /// 1,000/s (bench/RESULTS.md). The cap matters: a round's duration grows with the events it carries, so an
    /// uncapped pause feeds on itself (rounds grew to ~40 events, p50 latency 17 → 29 ms).
    /// </summary>
    internal static readonly TimeSpan MaxPause = TimeSpan.FromMilliseconds(2);

    /// <summary>Pauses shorter than this are not worth a timer (its resolution is about a millisecond).</summary>
    private static readonly TimeSpan s_shortestPause = TimeSpan.FromMilliseconds(1);

    /// <summary>Events received and not yet fanned out: the burst so far, in position order.</summary>
    private readonly List<RoutedEvent> _batch = [];

    /// <summary>When the next round may start (a timestamp of the actor system's clock); 0 before the first round.</summary>
    private long _nextRoundAt;

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
            if (_batch.Count >= _maxBatch)
            {
                FanOut();
            }
            else if (!Context.HasQueuedMessages)
            {
                await PaceAsync(cancellationToken);
                if (!Context.HasQueuedMessages)
                {
                    FanOut(); // otherwise the events that came during the pause join this round first
                }
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
                _followers.Add(follow.Connection);
                follow.Reply.TrySetResult(new FollowAck(follow.Head, Context.Self));
                Log.Followed(_logger, _tenant.Value, _key.ToString(), follow.Connection.Id, _followers.Count);
                break;
            case QueueMessage.Unfollow unfollow:
                Remove(unfollow.Connection);
                break;
        }
    }

    protected internal override ValueTask OnIdleAsync(CancellationToken cancellationToken)
    {
        if (_followers.Count == 0)
        {
            _parent.TryTell(new TenantMessage.StreamIdle(_key, Context.Self));
        }
        return ValueTask.CompletedTask;
    }

    protected internal override ValueTask PostStopAsync()
    {
        // A restart or a tenant stop loses the follower set: close them; each client reconnects with
        // Last-Event-ID and catches up from the journal, so nothing is lost.
        foreach (var follower in _followers.AsSpan())
        {
            follower.Close(CloseReason.SourceStopped);
        }
        _followers.Clear();
        return ValueTask.CompletedTask;
    }

    /// <summary>Waits, mailbox open, until the next round may start (see <see cref="MaxPause"/>).</summary>
    private async ValueTask PaceAsync(CancellationToken cancellationToken)
    {
        var time = Context.Time;
        var wait = time.GetElapsedTime(time.GetTimestamp(), _nextRoundAt);
        if (_nextRoundAt != 0 && wait >= s_shortestPause)
        {
            await Task.Delay(wait, time, cancellationToken);
        }
    }

    private void FanOut()
    {
        if (_batch.Count == 0)
        {
            return;
        }
        var time = Context.Time;
        var started = time.GetTimestamp();
        var events = CollectionsMarshal.AsSpan(_batch);
        List<ConnectionActor>? gone = null;
        foreach (var follower in _followers.AsSpan())
        {
            if (!follower.Offer(events))
            {
                (gone ??= []).Add(follower);
            }
        }
        _batch.Clear();
        var ended = time.GetTimestamp();
        _nextRoundAt = ended + Math.Min(ended - started, (long)(MaxPause.TotalSeconds * time.TimestampFrequency));
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
        if (_followers.Remove(connection))
        {
            Log.Unfollowed(_logger, _tenant.Value, _key.ToString(), connection.Id, _followers.Count);
        }
    }
}

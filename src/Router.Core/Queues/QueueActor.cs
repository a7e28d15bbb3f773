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
/// <para>
/// Fan-out runs in passes over the followers, and a pass takes in the events that arrive while it runs: every few
/// followers it lets waiting messages in, and each follower gets, at its turn, every event it has not been offered
/// yet (the set keeps each one's offered-up-to position). With 10,000 followers a pass takes a few hundred
/// milliseconds; an event that came after a pass started used to wait for all of it, then for the next pass to reach
/// its follower, up to two passes in all. Now it waits at most one.
/// </para>
/// Passes are paced: after a pass, the next waits as long as that pass took (at most <see cref="MaxPause"/>), so a
/// busy queue's fan-out leaves half a core to publishers and the journal and batches what arrives meanwhile,
/// instead of spending a whole core on passes of one or two events.
/// Passivates itself through its parent when it has had no follower for <c>queue-idle-after</c>.
/// </summary>
internal sealed partial class QueueActor : Actor<QueueMessage>
{
    private readonly TenantId _tenant;
    private readonly StreamKey _key;
    private readonly ActorRef<TenantMessage> _parent;
    private readonly ILogger _logger;

    /// <summary>
    /// At most this many events are held back for the next pass (bounds the latency a burst adds); with as many
    /// waiting, a pass runs to its end without letting more in, and the mailbox fills back to the tenant.
    /// </summary>
    private readonly int _maxBatch;

    /// <summary>Followers, each with how far it has been offered events.</summary>
    private readonly FollowerSet<ConnectionActor> _followers = new();

    /// <summary>
    /// The longest pause between passes. Only a queue whose passes take over a millisecond (many followers) ever
    /// pauses, and only while events keep coming. Without pacing, 1,000 followers at 1,000 events/s got passes of
    /// ~2 events at ~1.5 µs per delivery, a whole core, and the publisher was slowed to ~770/s; paced, ~1.0 µs and
    /// 1,000/s (bench/RESULTS.md). The cap matters: a pass's duration grows with the events it carries, so an
    /// uncapped pause feeds on itself (passes grew to ~40 events, p50 latency 17 → 29 ms).
    /// </summary>
    internal static readonly TimeSpan MaxPause = TimeSpan.FromMilliseconds(2);

    /// <summary>Pauses shorter than this are not worth a timer (its resolution is about a millisecond).</summary>
    private static readonly TimeSpan s_shortestPause = TimeSpan.FromMilliseconds(1);

    /// <summary>Followers a pass visits between two looks at the mailbox (a look takes the channel's lock).</summary>
    internal const int SliceFollowers = 16;

    /// <summary>Events received and not yet offered to every follower, in position order.</summary>
    private readonly List<RoutedEvent> _window = [];

    /// <summary>How many of the window's first events the current pass gives every follower (those there when it started).</summary>
    private int _coveredByPass;

    /// <summary>The follower the current pass visits next; -1 between passes.</summary>
    private int _next = -1;

    /// <summary>
    /// Followers that left during a pass, removed when it ends: a removal moves the last follower into the freed slot,
    /// which could be one the pass has already visited, and that follower would miss the pass.
    /// </summary>
    private readonly List<ConnectionActor> _leaving = [];

    /// <summary>When the current pass started (a timestamp of the actor system's clock).</summary>
    private long _passStarted;

    /// <summary>When the next pass may start (a timestamp of the actor system's clock); 0 before the first pass.</summary>
    private long _nextPassAt;

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
        switch (message)
        {
            case QueueMessage.Deliver deliver:
                _window.Add(deliver.Event);
                break;
            case QueueMessage.Follow follow when Context.IsStopping:
                // Passivation raced with a new follower: hand it back to the tenant, which starts a fresh queue actor.
                if (!await _parent.TellAsync(new TenantMessage.Follow(follow.Connection, follow.Reply), cancellationToken))
                {
                    follow.Reply.TrySetException(new JournalUnavailableException("The router is shutting down."));
                }
                break;
            case QueueMessage.Follow follow:
                // Every event up to the head reached this actor before the follow did; the follower replays those.
                _followers.Add(follow.Connection, follow.Head);
                follow.Reply.TrySetResult(new FollowAck(follow.Head, Context.Self));
                if (_logger.IsEnabled(LogLevel.Debug))
                {
                    Log.Followed(_logger, _tenant.Value, _key.ToString(), follow.Connection.Id, _followers.Count);
                }
                break;
            case QueueMessage.Unfollow unfollow:
                Leave(unfollow.Connection);
                break;
        }
        await AdvanceAsync(cancellationToken);
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
        _leaving.Clear();
        _window.Clear();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Fans out until every event is offered to every follower, or until messages wait: then the next message
    /// continues from here, so what they bring joins the pass under way. A burst is let in first, up to
    /// <see cref="_maxBatch"/> events waiting for the next pass.
    /// </summary>
    private async ValueTask AdvanceAsync(CancellationToken cancellationToken)
    {
        while (!(Context.HasQueuedMessages && _window.Count - _coveredByPass < _maxBatch))
        {
            if (_next < 0)
            {
                if (_window.Count == 0)
                {
                    return;
                }
                if (_window.Count < _maxBatch)
                {
                    await PaceAsync(cancellationToken);
                    if (Context.HasQueuedMessages)
                    {
                        return; // the events that came during the pause join this pass first
                    }
                }
                StartPass();
            }
            VisitSlice();
            if (_next == _followers.Count)
            {
                EndPass();
            }
        }
    }

    /// <summary>Waits (messages gather in the mailbox meanwhile) until the next pass may start (see <see cref="MaxPause"/>).</summary>
    private async ValueTask PaceAsync(CancellationToken cancellationToken)
    {
        var time = Context.Time;
        var wait = time.GetElapsedTime(time.GetTimestamp(), _nextPassAt);
        if (_nextPassAt != 0 && wait >= s_shortestPause)
        {
            await Task.Delay(wait, time, cancellationToken);
        }
    }

    private void StartPass()
    {
        _next = 0;
        _coveredByPass = _window.Count;
        _passStarted = Context.Time.GetTimestamp();
    }

    /// <summary>Offers the next few followers what they have not been offered yet.</summary>
    private void VisitSlice()
    {
        var followers = _followers.AsSpan();
        var offered = _followers.OfferedUpTo;
        var window = CollectionsMarshal.AsSpan(_window);
        var newest = window[^1].Position;
        var end = Math.Min(_next + SliceFollowers, followers.Length);
        for (; _next < end; _next++)
        {
            var upTo = offered[_next];
            if (upTo >= newest)
            {
                continue;
            }
            var from = window.Length - 1;
            while (from > 0 && window[from - 1].Position > upTo)
            {
                from--;
            }
            if (!followers[_next].Offer(window[from..]))
            {
                _leaving.Add(followers[_next]);
            }
            offered[_next] = newest;
        }
    }

    private void EndPass()
    {
        _window.RemoveRange(0, _coveredByPass);
        _coveredByPass = 0;
        _next = -1;
        foreach (var follower in _leaving)
        {
            Remove(follower);
        }
        _leaving.Clear();
        var time = Context.Time;
        var ended = time.GetTimestamp();
        _nextPassAt = ended + Math.Min(ended - _passStarted, (long)(MaxPause.TotalSeconds * time.TimestampFrequency));
    }

    private void Leave(ConnectionActor connection)
    {
        if (_next < 0)
        {
            Remove(connection);
        }
        else
        {
            _leaving.Add(connection);
        }
    }

    private void Remove(ConnectionActor connection)
    {
        if (_followers.Remove(connection))
        {
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                Log.Unfollowed(_logger, _tenant.Value, _key.ToString(), connection.Id, _followers.Count);
            }
        }
    }
}

using Router.Actors;
using Router.Connections;
using Router.Events;
using Router.Journal;

namespace Router.Queues;

/// <summary>The protocol of <see cref="QueueActor"/>.</summary>
internal abstract record QueueMessage
{
    /// <summary>A committed event, in position order, from the tenant actor.</summary>
    public sealed record Deliver(RoutedEvent Event) : QueueMessage;

    /// <summary>
    /// Adds a follower. <paramref name="Head"/> is the tenant's head when the tenant actor forwarded this:
    /// every later event reaches this queue actor after this message, so the follower misses nothing.
    /// </summary>
    public sealed record Follow(ConnectionActor Connection, Position Head, TaskCompletionSource<FollowAck> Reply) : QueueMessage, IUndeliverable
    {
        public void Reject() => Reply.TrySetException(new JournalUnavailableException("The stream stopped before registering the connection; retry."));
    }

    public sealed record Unfollow(ConnectionActor Connection) : QueueMessage;
}

/// <summary>
/// The answer to a follow: the head at registration and the actor to tell when leaving. A struct: a connection keeps
/// it in the state machine it waits in for its whole life, where an object would be 32 more bytes per stream.
/// </summary>
internal readonly record struct FollowAck(Position Head, ActorRef<QueueMessage> Source);

using Microsoft.Extensions.Logging;

namespace Router.Actors;

/// <summary>What an actor may use of its cell: its own handle, time, logging, children and its own stop.</summary>
public interface IActorContext<TMessage>
{
    ActorRef<TMessage> Self { get; }

    TimeProvider Time { get; }

    ILoggerFactory LoggerFactory { get; }

    /// <summary>True once a stop was requested: the loop is draining what is left in the mailbox.</summary>
    bool IsStopping { get; }

    /// <summary>
    /// True when another message is already waiting in the mailbox: an actor may then batch (hold back work done
    /// per message until the last of a burst), as Akka Streams' <c>batch</c> does. Internal ticks do not count.
    /// </summary>
    bool HasQueuedMessages { get; }

    /// <summary>
    /// Starts a child. When the child's loop ends for good, <paramref name="onTerminated"/> (if given) is
    /// told to this actor, so a parent learns of a stop without polling (Akka's <c>WatchWith</c>).
    /// Children are stopped, and awaited, before this actor's <c>PostStopAsync</c>.
    /// </summary>
    ActorRef<TChild> Spawn<TChild>(string name, Func<Actor<TChild>> factory, ActorOptions options, TMessage? onTerminated = default);

    /// <summary>Stops taking new messages; those already queued are still handled, then the actor stops.</summary>
    void Stop();
}

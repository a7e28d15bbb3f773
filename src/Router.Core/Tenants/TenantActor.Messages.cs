using Router.Actors;
using Router.Connections;
using Router.Journal;
using Router.Queues;

namespace Router.Tenants;

/// <summary>The protocol of <see cref="TenantActor"/>.</summary>
internal abstract record TenantMessage
{
    /// <summary>Append one batch (all or nothing); the reply completes once it is committed.</summary>
    public sealed record Append(IReadOnlyList<EventToAppend> Events, TaskCompletionSource<BatchResult> Reply) : TenantMessage, IUndeliverable
    {
        public void Reject() => Reply.TrySetException(new JournalUnavailableException("The tenant stopped before appending; nothing was stored, retry."));
    }

    /// <summary>Register a connection with the stream its scope names (a queue, or the tenant-level stream).</summary>
    public sealed record Follow(ConnectionActor Connection, TaskCompletionSource<FollowAck> Reply) : TenantMessage, IUndeliverable
    {
        public void Reject() => Reply.TrySetException(new JournalUnavailableException("The tenant stopped before the stream was registered; retry."));
    }

    /// <summary>The journal call for <paramref name="Requests"/> finished and its publishers were answered (sent by the actor to itself, to route and commit on).</summary>
    public sealed record AppendCompleted(IReadOnlyList<Append> Requests, IReadOnlyList<BatchResult>? Results, Exception? Failure) : TenantMessage;

    /// <summary>
    /// The journal grew, maybe by another node's append: read after the routed head and route what is new.
    /// A singleton: several wake-ups in the mailbox cost one read each, and a read that finds nothing is cheap.
    /// </summary>
    public sealed record CatchUp : TenantMessage
    {
        public static CatchUp Instance { get; } = new();

        private CatchUp()
        {
        }
    }

    /// <summary>A child stream had no followers for its idle time and asks to be passivated.</summary>
    public sealed record StreamIdle(StreamKey Key, ActorRef<QueueMessage> Stream) : TenantMessage;

    /// <summary>A child stream stopped for good (passivated, or given up on by supervision).</summary>
    public sealed record StreamTerminated(StreamKey Key, StreamHandle Handle) : TenantMessage;
}

/// <summary>Identifies one incarnation of a child stream, so a late termination notice cannot remove its successor.</summary>
internal sealed class StreamHandle
{
    public ActorRef<QueueMessage> Ref { get; set; } = null!;
}

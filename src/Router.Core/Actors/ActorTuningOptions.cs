namespace Router.Actors;

/// <summary>How tenant and queue actors run (HOCON <c>router.actors</c>); defaults live in hocon/router.conf.</summary>
public sealed class ActorTuningOptions
{
    /// <summary>Mailbox capacity of tenant actors; a full mailbox applies backpressure to its senders.</summary>
    public int MailboxCapacity { get; set; }

    /// <summary>
    /// Mailbox capacity of queue actors: how many committed events may wait for one queue's fan-out (and the most
    /// a pass takes in while it runs). When full, the tenant waits before routing more, so its publishers wait: under
    /// overload publishing slows down instead of delivery latency growing without bound.
    /// </summary>
    public int QueueMailboxCapacity { get; set; }

    /// <summary>A tenant with no followers and no publishes for this long is passivated (its actor stopped).</summary>
    public TimeSpan TenantIdleAfter { get; set; }

    /// <summary>A queue with no followers for this long is passivated.</summary>
    public TimeSpan QueueIdleAfter { get; set; }

    /// <summary>Restarts allowed within <see cref="RestartWindow"/> before a failing actor is stopped.</summary>
    public int MaxRestarts { get; set; }

    public TimeSpan RestartWindow { get; set; }

    /// <summary>First restart backoff; doubles per consecutive failure up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan MinBackoff { get; set; }

    public TimeSpan MaxBackoff { get; set; }

    internal SupervisorStrategy RestartStrategy => SupervisorStrategy.Restart(MaxRestarts, RestartWindow, MinBackoff, MaxBackoff);
}

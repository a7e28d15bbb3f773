namespace Router.Actors;

/// <summary>How one actor is run: its mailbox size, how its parent supervises it, and when it counts as idle.</summary>
/// <param name="MailboxCapacity">Bounded mailbox size; a full mailbox makes <c>TellAsync</c> wait and <c>TryTell</c> fail.</param>
/// <param name="Supervision">What happens when a handler throws.</param>
/// <param name="IdleAfter">After this long without a message, <see cref="Actor{TMessage}.OnIdleAsync"/> runs (then again each period); null disables it.</param>
public sealed record ActorOptions(int MailboxCapacity, SupervisorStrategy Supervision, TimeSpan? IdleAfter = null);

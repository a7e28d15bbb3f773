namespace Router.Actors;

/// <summary>
/// Behaviour of an actor. One instance is only ever called from its cell's single loop, one message at a
/// time, so its fields need no locks. A restart throws the instance away and builds a new one from the
/// factory given at spawn; the mailbox (and the messages waiting in it) survive the restart.
/// </summary>
public abstract class Actor<TMessage>
{
    private IActorContext<TMessage>? _context;

    /// <summary>The actor's own handle, clock, children and lifecycle; valid from <see cref="PreStartAsync"/> on.</summary>
    protected IActorContext<TMessage> Context =>
        _context ?? throw new InvalidOperationException("The actor is not started; Context is available from PreStartAsync on.");

    internal void Attach(IActorContext<TMessage> context) => _context = context;

    /// <summary>Runs before the first message of this incarnation (also after each restart).</summary>
    protected internal virtual ValueTask PreStartAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    protected internal abstract ValueTask ReceiveAsync(TMessage message, CancellationToken cancellationToken);

    /// <summary>Runs when the mailbox has been empty for <see cref="ActorOptions.IdleAfter"/>; the place to passivate.</summary>
    protected internal virtual ValueTask OnIdleAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Runs when this incarnation ends: on stop, and on restart before the next incarnation starts.</summary>
    protected internal virtual ValueTask PostStopAsync() => ValueTask.CompletedTask;
}

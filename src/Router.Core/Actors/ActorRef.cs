using System.Diagnostics;
using System.Threading.Channels;

namespace Router.Actors;

/// <summary>
/// The handle through which anyone talks to an actor. Telling never runs the actor's code on the caller's
/// thread; it only writes to the bounded mailbox.
/// </summary>
[DebuggerDisplay("{Path,nq}")]
public sealed class ActorRef<TMessage>
{
    private readonly ChannelWriter<MailboxItem<TMessage>> _writer;
    private readonly ActorCell<TMessage> _cell;

    internal ActorRef(ActorCell<TMessage> cell, ChannelWriter<MailboxItem<TMessage>> writer)
    {
        _cell = cell;
        _writer = writer;
    }

    /// <summary>The actor's place in the hierarchy, e.g. <c>/tenants/acme/queues/town-hall</c>.</summary>
    public string Path => _cell.Path;

    /// <summary>Completes when the actor has stopped for good (after its last PostStop).</summary>
    public Task Completion => _cell.Completion;

    /// <summary>Queues the message if the mailbox has room and the actor is not stopping; never waits.</summary>
    public bool TryTell(TMessage message) => _writer.TryWrite(MailboxItem<TMessage>.Of(message));

    /// <summary>Queues the message, waiting while the mailbox is full (backpressure). False when the actor is stopping or stopped.</summary>
    public async ValueTask<bool> TellAsync(TMessage message, CancellationToken cancellationToken)
    {
        var item = MailboxItem<TMessage>.Of(message);
        if (_writer.TryWrite(item))
        {
            return true;
        }
        try
        {
            await _writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    /// <summary>Requests a graceful stop: queued messages are handled, new ones are refused.</summary>
    public void Stop() => _cell.Stop();

    public override string ToString() => Path;
}

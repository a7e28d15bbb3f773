using System.Threading.Channels;
using Router.Actors;

namespace Router.TestKit;

/// <summary>
/// A test's stand-in for an actor (Akka's TestProbe): it has a real <see cref="ActorRef{TMessage}"/> that
/// others can tell, and the test expects messages on it within a timeout, or expects none.
/// </summary>
public sealed class TestProbe<TMessage>
{
    private readonly Channel<TMessage> _received = Channel.CreateUnbounded<TMessage>();

    public TestProbe(ActorSystem system, string name = "probe")
    {
        Ref = system.Spawn(name, () => new Forwarder(_received.Writer), new ActorOptions(1024, SupervisorStrategy.StopOnFailure));
    }

    public ActorRef<TMessage> Ref { get; }

    /// <summary>Waits for the next message and checks it is a <typeparamref name="TExpected"/>.</summary>
    public async Task<TExpected> ExpectMessageAsync<TExpected>(TimeSpan? timeout = null)
        where TExpected : TMessage
    {
        var message = await _received.Reader.ReadAsync().AsTask().DefaultTimeout(timeout);
        return message is TExpected expected
            ? expected
            : throw new Xunit.Sdk.XunitException($"Expected a {typeof(TExpected).Name}, got {message}.");
    }

    /// <summary>Checks that nothing arrives within <paramref name="within"/> (a short real wait, as in Akka's ExpectNoMsg).</summary>
    public async Task ExpectNoMessageAsync(TimeSpan within)
    {
        using var cancel = new CancellationTokenSource(within);
        try
        {
            var message = await _received.Reader.ReadAsync(cancel.Token);
            throw new Xunit.Sdk.XunitException($"Expected no message, got {message}.");
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
        }
    }

    private sealed class Forwarder(ChannelWriter<TMessage> sink) : Actor<TMessage>
    {
        protected internal override ValueTask ReceiveAsync(TMessage message, CancellationToken cancellationToken) =>
            sink.WriteAsync(message, cancellationToken);
    }
}

using System.IO.Pipelines;
using Router.Tenants;
using Router.TestKit;

namespace Router.Connections;

/// <summary>
/// What the host that opened a connection hears from it: a refused registration (nothing written yet, so the host
/// can still answer with an error) and, as its last act, that it ended. The HTTP host answers 503 and gives back the
/// node's and the address's slots through these, with no method of its own awaiting the stream.
/// </summary>
public sealed class ConnectionHostHooksTests
{
    [Fact]
    public async Task RunAsync_RegistrationFails_RefusedThenEndedAndTheHostsAnswerStands()
    {
        await using var rig = new RouterRig();
        var connection = new HookedConnection(rig);

        // The client is already gone: registration with the tenant fails before anything is written.
        await connection.RunAsync(new CancellationToken(canceled: true)).DefaultTimeout();

        Assert.Equal(["refused: OperationCanceledException", "ended"], connection.Calls);
        Assert.Equal(CloseReason.ClientGone, connection.CloseReason);
    }

    [Fact]
    public async Task RunAsync_WithoutAHost_RegistrationFailureReachesTheCaller()
    {
        await using var rig = new RouterRig();
        var connection = rig.NewConnection(RouterRig.QueueRequest("q"), new Pipe().Writer);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connection.RunAsync(new CancellationToken(canceled: true))).DefaultTimeout();
    }

    [Fact]
    public async Task RunAsync_LiveThenClosed_EndedOnceAfterTheLoopIsOver()
    {
        await using var rig = new RouterRig();
        var pipe = new Pipe();
        var connection = new HookedConnection(rig, pipe.Writer);
        var run = connection.RunAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => connection.IsLive, "the connection going live");
        Assert.Empty(connection.Calls);

        connection.Close(CloseReason.ServerShutdown);
        await run.DefaultTimeout();

        Assert.Equal(["ended"], connection.Calls);
    }

    [Fact]
    public async Task RunAsync_ClientTokenFires_ClosedAsClientGoneAndEnded()
    {
        await using var rig = new RouterRig();
        var connection = new HookedConnection(rig, new Pipe().Writer);
        using var clientGone = new CancellationTokenSource();
        var run = connection.RunAsync(clientGone.Token);
        await Eventually.UntilAsync(() => connection.IsLive, "the connection going live");

        await clientGone.CancelAsync();
        await run.DefaultTimeout();

        Assert.Equal(CloseReason.ClientGone, connection.CloseReason);
        Assert.Equal(["ended"], connection.Calls);
    }

    private sealed class HookedConnection(RouterRig rig, PipeWriter? output = null)
        : ConnectionActor(Guid.NewGuid(), RouterRig.QueueRequest("q"), rig.ServicesFor(rig.Streams), output ?? new Pipe().Writer)
    {
        public List<string> Calls { get; } = [];

        protected override Task OnRefusedAsync(Exception reason)
        {
            Calls.Add($"refused: {(reason is OperationCanceledException ? nameof(OperationCanceledException) : reason.GetType().Name)}");
            return Task.CompletedTask;
        }

        protected override void OnEnded() => Calls.Add("ended");
    }
}

using System.IO.Pipelines;
using System.Runtime.ExceptionServices;
using Router.Journal;
using Router.Tenants;
using Router.TestKit;

namespace Router.Connections;

/// <summary>
/// A client leaving is the normal end of a stream, so a live connection ends without throwing: when thousands leave
/// at once (a proxy restarts) the runtime's exception counter must not read as an error burst.
/// </summary>
public sealed class ConnectionCloseTests
{
    [Fact]
    public async Task RunAsync_ClientLeavesWhileIdle_EndsWithoutAnException()
    {
        await using var rig = new RouterRig();
        var connection = rig.NewConnection(RouterRig.QueueRequest("q"), new Pipe().Writer);
        using var clientGone = new CancellationTokenSource();
        using var thrown = new ExceptionsThrownHere();

        var run = connection.RunAsync(clientGone.Token);
        await Eventually.UntilAsync(() => connection.IsLive, "the connection going live");
        await clientGone.CancelAsync();
        await run.DefaultTimeout();

        Assert.Equal(CloseReason.ClientGone, connection.CloseReason);
        Assert.Empty(thrown.Names);
    }

    [Fact]
    public async Task RunAsync_ResponseClosedUnderALiveWrite_EndsWithoutAnException()
    {
        await using var rig = new RouterRig();
        var pipe = new Pipe();
        var connection = rig.NewConnection(RouterRig.QueueRequest("q"), pipe.Writer);
        using var thrown = new ExceptionsThrownHere();

        var run = connection.RunAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => connection.IsLive, "the connection going live");
        // The client went away (Kestrel completes the response's reader); the loop finds out on its next flush.
        await pipe.Reader.CompleteAsync();
        ((IHeartbeatTarget)connection).OnHeartbeatDue();
        await run.DefaultTimeout();

        Assert.Equal(CloseReason.ClientGone, connection.CloseReason);
        Assert.Empty(thrown.Names);
    }

    [Fact]
    public async Task RunAsync_ResponseClosedDuringReplay_ClosedAsClientGoneNotFaulted()
    {
        await using var rig = new RouterRig();
        await rig.PublishAsync("order.created.v1", "q");
        var pipe = new Pipe();
        var request = RouterRig.QueueRequest("q") with { ResumeFrom = Position.Start };
        var connection = rig.NewConnection(request, pipe.Writer);
        await pipe.Reader.CompleteAsync();

        await connection.RunAsync(CancellationToken.None).DefaultTimeout();

        Assert.Equal(CloseReason.ClientGone, connection.CloseReason);
    }

    /// <summary>
    /// Records the exceptions thrown by code that runs in this test's execution context (the connection's loop
    /// continues on the context its test started it in), whichever thread it is on; other tests running in parallel
    /// are not counted.
    /// </summary>
    private sealed class ExceptionsThrownHere : IDisposable
    {
        private static readonly AsyncLocal<ExceptionsThrownHere?> s_current = new();

        private readonly Lock _gate = new();
        private readonly List<string> _names = [];

        public ExceptionsThrownHere()
        {
            s_current.Value = this;
            AppDomain.CurrentDomain.FirstChanceException += OnFirstChance;
        }

        public IReadOnlyList<string> Names
        {
            get
            {
                lock (_gate)
                {
                    return [.. _names];
                }
            }
        }

        public void Dispose() => AppDomain.CurrentDomain.FirstChanceException -= OnFirstChance;

        private void OnFirstChance(object? sender, FirstChanceExceptionEventArgs args)
        {
            if (s_current.Value == this)
            {
                lock (_gate)
                {
                    _names.Add($"{args.Exception.GetType().Name}: {args.Exception.Message}");
                }
            }
        }
    }
}

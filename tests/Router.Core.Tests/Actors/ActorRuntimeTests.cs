using Microsoft.Extensions.Logging.Abstractions;
using Router.Actors;
using Router.TestKit;

namespace Router.Actors;

public sealed class ActorRuntimeTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _time = new();
    private readonly ActorSystem _system;

    public ActorRuntimeTests() => _system = new ActorSystem(_time, NullLoggerFactory.Instance);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _system.DisposeAsync();

    private static ActorOptions Options(SupervisorStrategy? strategy = null, int capacity = 16, TimeSpan? idle = null) =>
        new(capacity, strategy ?? SupervisorStrategy.Restart(3, TimeSpan.FromMinutes(1), TimeSpan.Zero, TimeSpan.Zero), idle);

    [Fact]
    public async Task TellAsync_ManyMessages_HandledInOrderByOneLoop()
    {
        var probe = new TestProbe<string>(_system);
        var counter = _system.Spawn("counter", () => new CountingActor(probe.Ref), Options());

        for (var i = 0; i < 100; i++)
        {
            Assert.True(await counter.TellAsync(new Count(i), default));
        }

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal($"{i}:{i + 1}", await probe.ExpectMessageAsync<string>());
        }
    }

    [Fact]
    public async Task Receive_HandlerThrowsUnderRestart_FreshStateAndMailboxKept()
    {
        var probe = new TestProbe<string>(_system);
        var actor = _system.Spawn("restarting", () => new CountingActor(probe.Ref), Options());

        await actor.TellAsync(new Count(1), default);
        await actor.TellAsync(new Fail(), default);
        await actor.TellAsync(new Count(2), default);

        Assert.Equal("1:1", await probe.ExpectMessageAsync<string>());
        Assert.Equal("stopped", await probe.ExpectMessageAsync<string>());
        // The new incarnation counts from zero again, and the message queued behind the failure survived.
        Assert.Equal("2:1", await probe.ExpectMessageAsync<string>());
    }

    [Theory]
    [InlineData(Directive.Restart)]
    [InlineData(Directive.Resume)]
    public async Task Receive_HandlerThrowsOnARequest_SenderToldNotLeftWaiting(Directive directive)
    {
        var probe = new TestProbe<string>(_system);
        var strategy = new SupervisorStrategy(_ => directive, 3, TimeSpan.FromMinutes(1), TimeSpan.Zero, TimeSpan.Zero);
        var actor = _system.Spawn("failing-request", () => new CountingActor(probe.Ref), Options(strategy));
        var request = new FailingRequest(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

        await actor.TellAsync(request, default);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => request.Reply.Task.DefaultTimeout());
        Assert.Equal("rejected", error.Message);
    }

    [Fact]
    public async Task Receive_HandlerThrowsUnderResume_StateKept()
    {
        var probe = new TestProbe<string>(_system);
        var resume = new SupervisorStrategy(_ => Directive.Resume, 0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
        var actor = _system.Spawn("resuming", () => new CountingActor(probe.Ref), Options(resume));

        await actor.TellAsync(new Count(1), default);
        await actor.TellAsync(new Fail(), default);
        await actor.TellAsync(new Count(2), default);

        Assert.Equal("1:1", await probe.ExpectMessageAsync<string>());
        Assert.Equal("2:2", await probe.ExpectMessageAsync<string>());
    }

    [Fact]
    public async Task Receive_TooManyRestartsWithinWindow_ActorStops()
    {
        var probe = new TestProbe<string>(_system);
        var actor = _system.Spawn("poisoned", () => new CountingActor(probe.Ref), Options(SupervisorStrategy.Restart(2, TimeSpan.FromMinutes(1), TimeSpan.Zero, TimeSpan.Zero)));

        for (var i = 0; i < 3; i++)
        {
            await actor.TellAsync(new Fail(), default);
        }

        await actor.Completion.DefaultTimeout();
        Assert.False(actor.TryTell(new Count(1)));
    }

    [Fact]
    public async Task Restart_WithBackoff_WaitsOnTheInjectedClock()
    {
        var probe = new TestProbe<string>(_system);
        var strategy = SupervisorStrategy.Restart(5, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
        var actor = _system.Spawn("backoff", () => new CountingActor(probe.Ref), Options(strategy));

        await actor.TellAsync(new Fail(), default);
        await actor.TellAsync(new Count(7), default);
        Assert.Equal("stopped", await probe.ExpectMessageAsync<string>());
        await Eventually.UntilAsync(() => _time.ActiveTimers > 0);
        await probe.ExpectNoMessageAsync(TimeSpan.FromMilliseconds(100));

        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal("7:1", await probe.ExpectMessageAsync<string>());
    }

    [Fact]
    public async Task TryTell_MailboxFull_ReturnsFalseInsteadOfGrowing()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var actor = _system.Spawn("blocked", () => new BlockingActor(gate.Task), Options(capacity: 1));

        Assert.True(actor.TryTell(1)); // taken by the loop, which now blocks
        await Eventually.UntilAsync(() => actor.TryTell(2)); // fills the single slot
        Assert.False(actor.TryTell(3));

        gate.SetResult();
    }

    [Fact]
    public async Task HasQueuedMessages_AnotherMessageWaiting_TrueUntilTheLastOfTheBurst()
    {
        var probe = new TestProbe<string>(_system);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var actor = _system.Spawn("burst", () => new BurstActor(gate.Task, probe.Ref), Options(idle: TimeSpan.FromMinutes(1)));

        Assert.True(actor.TryTell(1)); // taken by the loop, which waits at the gate
        await Eventually.UntilAsync(() => actor.TryTell(2));
        _time.Advance(TimeSpan.FromMinutes(1)); // an idle tick queued behind 2 is not a message
        gate.SetResult();

        Assert.Equal("1:queued", await probe.ExpectMessageAsync<string>());
        Assert.Equal("2:last", await probe.ExpectMessageAsync<string>());
    }

    [Fact]
    public async Task OnIdle_ClockAdvancedPastIdleTime_ActorPassivatesItself()
    {
        var probe = new TestProbe<string>(_system);
        var actor = _system.Spawn("idle", () => new CountingActor(probe.Ref), Options(idle: TimeSpan.FromMinutes(1)));
        await actor.TellAsync(new Count(1), default);
        Assert.Equal("1:1", await probe.ExpectMessageAsync<string>());
        await Eventually.UntilAsync(() => _time.ActiveTimers > 0);

        _time.Advance(TimeSpan.FromSeconds(59));
        await probe.ExpectNoMessageAsync(TimeSpan.FromMilliseconds(50));
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("stopped", await probe.ExpectMessageAsync<string>());
        await actor.Completion.DefaultTimeout();
    }

    [Fact]
    public async Task Spawn_ChildFails_SiblingUnaffectedAndParentNotified()
    {
        var probe = new TestProbe<string>(_system);
        var parent = _system.Spawn("parent", () => new ParentActor(probe.Ref), Options());

        await parent.TellAsync(new Count(0), default); // spawns two children that stop on failure
        Assert.Equal("children", await probe.ExpectMessageAsync<string>());
        await parent.TellAsync(new Fail(), default); // forwards a failure to child a only

        Assert.Equal("terminated:a", await probe.ExpectMessageAsync<string>());
        await parent.TellAsync(new Count(5), default); // forwarded to child b
        Assert.Equal("b:5", await probe.ExpectMessageAsync<string>());
    }

    [Fact]
    public async Task Shutdown_StopsChildrenBeforeParent()
    {
        var probe = new TestProbe<string>(_system);
        var parent = _system.Spawn("parent", () => new ParentActor(probe.Ref), Options());
        await parent.TellAsync(new Count(0), default);
        Assert.Equal("children", await probe.ExpectMessageAsync<string>());

        parent.Stop();
        await parent.Completion.DefaultTimeout();

        Assert.Equal(1, _system.TopLevelCount); // only the probe is left
    }

    private interface ITestMessage;

    private sealed record Count(int Value) : ITestMessage;

    private sealed record Fail : ITestMessage;

    /// <summary>A request whose sender waits on <paramref name="Reply"/>; the handler fails on it.</summary>
    private sealed record FailingRequest(TaskCompletionSource Reply) : ITestMessage, IUndeliverable
    {
        public void Reject() => Reply.TrySetException(new InvalidOperationException("rejected"));
    }

    private sealed record ChildTerminated(string Name) : ITestMessage;

    private sealed class CountingActor(ActorRef<string> report) : Actor<ITestMessage>
    {
        private int _handled;

        protected internal override async ValueTask ReceiveAsync(ITestMessage message, CancellationToken cancellationToken)
        {
            if (message is Fail or FailingRequest)
            {
                throw new InvalidOperationException("boom");
            }
            var count = (Count)message;
            await report.TellAsync($"{count.Value}:{++_handled}", cancellationToken);
        }

        protected internal override ValueTask OnIdleAsync(CancellationToken cancellationToken)
        {
            Context.Stop();
            return ValueTask.CompletedTask;
        }

        protected internal override async ValueTask PostStopAsync() => await report.TellAsync("stopped", default);
    }

    private sealed class ParentActor(ActorRef<string> report) : Actor<ITestMessage>
    {
        private ActorRef<ITestMessage>? _a;
        private ActorRef<ITestMessage>? _b;

        protected internal override async ValueTask ReceiveAsync(ITestMessage message, CancellationToken cancellationToken)
        {
            switch (message)
            {
                case Count { Value: 0 }:
                    var stopOnFailure = new ActorOptions(16, SupervisorStrategy.StopOnFailure);
                    _a = Context.Spawn("a", () => new ChildActor("a", report), stopOnFailure, new ChildTerminated("a"));
                    _b = Context.Spawn("b", () => new ChildActor("b", report), stopOnFailure, new ChildTerminated("b"));
                    await report.TellAsync("children", cancellationToken);
                    break;
                case Fail:
                    await _a!.TellAsync(message, cancellationToken);
                    break;
                case Count count:
                    await _b!.TellAsync(count, cancellationToken);
                    break;
                case ChildTerminated terminated:
                    await report.TellAsync($"terminated:{terminated.Name}", cancellationToken);
                    break;
            }
        }
    }

    private sealed class ChildActor(string name, ActorRef<string> report) : Actor<ITestMessage>
    {
        protected internal override async ValueTask ReceiveAsync(ITestMessage message, CancellationToken cancellationToken)
        {
            if (message is Fail)
            {
                throw new InvalidOperationException("child failure");
            }
            await report.TellAsync($"{name}:{((Count)message).Value}", cancellationToken);
        }
    }

    private sealed class BurstActor(Task gate, ActorRef<string> report) : Actor<int>
    {
        protected internal override async ValueTask ReceiveAsync(int message, CancellationToken cancellationToken)
        {
            await gate;
            report.TryTell($"{message}:{(Context.HasQueuedMessages ? "queued" : "last")}");
        }
    }

    private sealed class BlockingActor(Task gate) : Actor<int>
    {
        protected internal override async ValueTask ReceiveAsync(int message, CancellationToken cancellationToken) => await gate;
    }
}

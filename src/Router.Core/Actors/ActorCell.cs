using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Router.Actors;

/// <summary>Lets a parent or the system stop and await a child without knowing its message type.</summary>
internal interface IChildCell
{
    string Path { get; }

    Task Completion { get; }

    void Stop();
}

/// <summary>
/// The runtime of one actor: its bounded mailbox, the single loop that drains it, supervision of the
/// behaviour instance, the idle timer and the children. Only <see cref="RunAsync"/> calls the behaviour.
/// </summary>
[DebuggerDisplay("{Path,nq} Stopping={IsStopping}")]
internal sealed partial class ActorCell<TMessage> : IActorContext<TMessage>, IChildCell
{
    /// <summary>The mailbox: bounded, single reader (this loop), many writers.</summary>
    private readonly Channel<MailboxItem<TMessage>> _mailbox;

    private readonly Func<Actor<TMessage>> _factory;
    private readonly ActorOptions _options;
    private readonly ActorSystem _system;
    private readonly Func<ValueTask>? _onTerminated;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Children by identity; guarded by its own lock because children remove themselves from their own loops.</summary>
    private readonly HashSet<IChildCell> _children = [];

    /// <summary>Timestamps of recent restarts, to enforce <see cref="SupervisorStrategy.MaxRestarts"/> within the window.</summary>
    private readonly Queue<long> _restarts = new();

    private volatile bool _stopping;
    private long _lastActivity;
    private int _consecutiveRestarts;

    public ActorCell(string path, Func<Actor<TMessage>> factory, ActorOptions options, ActorSystem system, Func<ValueTask>? onTerminated)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MailboxCapacity, 1);
        Path = path;
        _factory = factory;
        _options = options;
        _system = system;
        _onTerminated = onTerminated;
        _logger = system.LoggerFactory.CreateLogger("Router.Actors");
        _mailbox = Channel.CreateBounded<MailboxItem<TMessage>>(new BoundedChannelOptions(options.MailboxCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        Self = new ActorRef<TMessage>(this, _mailbox.Writer);
    }

    public string Path { get; }

    public ActorRef<TMessage> Self { get; }

    public TimeProvider Time => _system.Time;

    public ILoggerFactory LoggerFactory => _system.LoggerFactory;

    public bool IsStopping => _stopping;

    public bool HasQueuedMessages => _mailbox.Reader.TryPeek(out var next) && !next.IsIdleTick;

    public Task Completion => _completion.Task;

    /// <summary>Starts the loop on the thread pool so the spawner never runs the actor's code inline.</summary>
    public void Start() => _ = Task.Run(RunAsync);

    public void Stop()
    {
        _stopping = true;
        _mailbox.Writer.TryComplete();
    }

    public ActorRef<TChild> Spawn<TChild>(string name, Func<Actor<TChild>> factory, ActorOptions options, TMessage? onTerminated = default)
    {
        ActorCell<TChild>? child = null;
        child = new ActorCell<TChild>($"{Path}/{name}", factory, options, _system, async () =>
        {
            lock (_children)
            {
                _children.Remove(child!);
            }
            if (onTerminated is not null)
            {
                // The parent may be stopping (writer complete): then nobody needs the notice.
                await Self.TellAsync(onTerminated, CancellationToken.None).ConfigureAwait(false);
            }
        });
        lock (_children)
        {
            _children.Add(child);
        }
        child.Start();
        return child.Self;
    }

    private async Task RunAsync()
    {
        using var idleTimer = _options.IdleAfter is { } idle
            ? Time.CreateTimer(static state => ((ActorCell<TMessage>)state!).TickIdle(), this, idle, idle)
            : null;
        Actor<TMessage>? actor = null;
        try
        {
            _lastActivity = Time.GetTimestamp();
            actor = await StartIncarnationAsync().ConfigureAwait(false);
            var reader = _mailbox.Reader;
            while (actor is not null && await reader.WaitToReadAsync(_system.AbortToken).ConfigureAwait(false))
            {
                while (actor is not null && reader.TryRead(out var item))
                {
                    actor = await DispatchAsync(actor, item).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_system.AbortToken.IsCancellationRequested)
        {
            // The system's grace period ran out: leave without draining.
        }
        finally
        {
            _stopping = true;
            _mailbox.Writer.TryComplete();
            await StopChildrenAsync().ConfigureAwait(false);
            if (actor is not null)
            {
                await PostStopQuietlyAsync(actor).ConfigureAwait(false);
            }
            CountDeadLetters();
            _completion.TrySetResult();
            if (_onTerminated is not null)
            {
                await _onTerminated().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Handles one mailbox item; returns the instance to continue with, or null when supervision stopped the actor.</summary>
    private async ValueTask<Actor<TMessage>?> DispatchAsync(Actor<TMessage> actor, MailboxItem<TMessage> item)
    {
        try
        {
            if (item.IsIdleTick)
            {
                if (_options.IdleAfter is { } idle && Time.GetElapsedTime(_lastActivity) >= idle)
                {
                    await actor.OnIdleAsync(_system.AbortToken).ConfigureAwait(false);
                }
                return actor;
            }
            _lastActivity = Time.GetTimestamp();
            await actor.ReceiveAsync(item.Message!, _system.AbortToken).ConfigureAwait(false);
            _consecutiveRestarts = 0;
            return actor;
        }
        catch (Exception exception) when (!_system.AbortToken.IsCancellationRequested)
        {
            // Ownership boundary: the behaviour's failure is contained here and handed to supervision. The message
            // it failed on is not handled again, whatever the directive, so a sender waiting for its answer is told.
            (item.Message as IUndeliverable)?.Reject();
            return await SuperviseAsync(actor, exception).ConfigureAwait(false);
        }
    }

    private async ValueTask<Actor<TMessage>?> StartIncarnationAsync()
    {
        var actor = _factory();
        actor.Attach(this);
        try
        {
            await actor.PreStartAsync(_system.AbortToken).ConfigureAwait(false);
            return actor;
        }
        catch (Exception exception) when (!_system.AbortToken.IsCancellationRequested)
        {
            return await SuperviseAsync(actor, exception).ConfigureAwait(false);
        }
    }

    private async ValueTask<Actor<TMessage>?> SuperviseAsync(Actor<TMessage> failed, Exception exception)
    {
        var strategy = _options.Supervision;
        var directive = strategy.Decider(exception);
        if (directive == Directive.Restart && !MayRestart(strategy))
        {
            directive = Directive.Stop;
        }
        Log.ActorFailed(_logger, Path, directive, exception);
        switch (directive)
        {
            case Directive.Resume:
                return failed;
            case Directive.Stop:
                Stop();
                await PostStopQuietlyAsync(failed).ConfigureAwait(false);
                return null;
            default:
                await PostStopQuietlyAsync(failed).ConfigureAwait(false);
                await StopChildrenAsync().ConfigureAwait(false);
                var backoff = strategy.BackoffFor(++_consecutiveRestarts);
                Log.ActorRestarting(_logger, Path, backoff);
                if (backoff > TimeSpan.Zero)
                {
                    await Task.Delay(backoff, Time, _system.AbortToken).ConfigureAwait(false);
                }
                return await StartIncarnationAsync().ConfigureAwait(false);
        }
    }

    private bool MayRestart(SupervisorStrategy strategy)
    {
        var now = Time.GetTimestamp();
        while (_restarts.Count > 0 && Time.GetElapsedTime(_restarts.Peek(), now) > strategy.Window)
        {
            _restarts.Dequeue();
        }
        if (_restarts.Count >= strategy.MaxRestarts)
        {
            return false;
        }
        _restarts.Enqueue(now);
        return true;
    }

    private void TickIdle()
    {
        // A full mailbox means the actor is busy, so a lost tick is harmless.
        _mailbox.Writer.TryWrite(MailboxItem<TMessage>.IdleTick);
    }

    private async Task StopChildrenAsync()
    {
        IChildCell[] children;
        lock (_children)
        {
            children = [.. _children];
        }
        foreach (var child in children)
        {
            child.Stop();
        }
        foreach (var child in children)
        {
            await child.Completion.ConfigureAwait(false);
        }
    }

    private async ValueTask PostStopQuietlyAsync(Actor<TMessage> actor)
    {
        try
        {
            await actor.PostStopAsync().ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // Ownership boundary: a failing cleanup must not keep the actor from terminating.
            Log.PostStopFailed(_logger, Path, exception);
        }
    }

    private void CountDeadLetters()
    {
        var count = 0;
        while (_mailbox.Reader.TryRead(out var item))
        {
            if (!item.IsIdleTick)
            {
                count++;
                (item.Message as IUndeliverable)?.Reject();
            }
        }
        if (count > 0)
        {
            Log.DeadLetters(_logger, Path, count);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(100, LogLevel.Error, "Actor {ActorPath} failed; supervisor directive {Directive}", EventName = "ActorFailed")]
        public static partial void ActorFailed(ILogger logger, string actorPath, Directive directive, Exception exception);

        [LoggerMessage(101, LogLevel.Information, "Actor {ActorPath} restarting after {Backoff}", EventName = "ActorRestarting")]
        public static partial void ActorRestarting(ILogger logger, string actorPath, TimeSpan backoff);

        [LoggerMessage(102, LogLevel.Warning, "Actor {ActorPath} stopped with {Count} messages undelivered", EventName = "DeadLetters")]
        public static partial void DeadLetters(ILogger logger, string actorPath, int count);

        [LoggerMessage(103, LogLevel.Warning, "Actor {ActorPath} failed while stopping", EventName = "PostStopFailed")]
        public static partial void PostStopFailed(ILogger logger, string actorPath, Exception exception);
    }
}

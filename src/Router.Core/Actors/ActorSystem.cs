using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Router.Actors;

/// <summary>
/// The root of the actor hierarchy: spawns top-level actors, gives them a clock and logging, and stops
/// them all at shutdown: first gracefully (each drains its mailbox), then, after the grace period, by abort.
/// </summary>
public sealed class ActorSystem : IAsyncDisposable
{
    private readonly ConcurrentDictionary<IChildCell, byte> _topLevel = new();
    private readonly CancellationTokenSource _abort = new();

    public ActorSystem(TimeProvider time, ILoggerFactory loggerFactory)
    {
        Time = time;
        LoggerFactory = loggerFactory;
    }

    public TimeProvider Time { get; }

    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Cancelled when the grace period of <see cref="ShutdownAsync"/> ran out; handlers observe it.</summary>
    internal CancellationToken AbortToken => _abort.Token;

    /// <summary>Number of live top-level actors (tests use it to prove nothing leaks).</summary>
    public int TopLevelCount => _topLevel.Count;

    public ActorRef<TMessage> Spawn<TMessage>(string name, Func<Actor<TMessage>> factory, ActorOptions options, Func<ValueTask>? onTerminated = null)
    {
        ActorCell<TMessage>? cell = null;
        cell = new ActorCell<TMessage>($"/{name}", factory, options, this, async () =>
        {
            _topLevel.TryRemove(cell!, out _);
            if (onTerminated is not null)
            {
                await onTerminated().ConfigureAwait(false);
            }
        });
        _topLevel.TryAdd(cell, 0);
        cell.Start();
        return cell.Self;
    }

    /// <summary>Stops every actor, waiting up to <paramref name="grace"/> for mailboxes to drain, then aborts the rest.</summary>
    public async Task ShutdownAsync(TimeSpan grace)
    {
        var cells = _topLevel.Keys.ToArray();
        foreach (var cell in cells)
        {
            cell.Stop();
        }
        var all = Task.WhenAll(cells.Select(c => c.Completion));
        try
        {
            await all.WaitAsync(grace, Time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await _abort.CancelAsync().ConfigureAwait(false);
            await all.ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ShutdownAsync(TimeSpan.Zero).ConfigureAwait(false);
        _abort.Dispose();
    }
}

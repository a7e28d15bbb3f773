using Microsoft.Extensions.Logging;
using Router.Tenants;

namespace Router.Journal;

/// <summary>
/// Prunes every tenant's journal to its retention limits, in the background, on the injected clock. The
/// journal deletes in short chunks, so appends and reads go on meanwhile; a client resuming from a pruned
/// position is told with <c>event: reset</c> (<c>history-truncated</c>) and continues from the earliest event.
/// </summary>
internal sealed partial class RetentionSweeper
{
    private readonly IEventJournal _journal;
    private readonly RetentionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public RetentionSweeper(IEventJournal journal, RetentionOptions options, TimeProvider time, ILogger logger)
    {
        _journal = journal;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Sweeps every <see cref="RetentionOptions.Interval"/> until cancelled; a failed sweep is logged and retried next time.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.Interval, _time, cancellationToken);
                await SweepOnceAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (JournalUnavailableException exception)
            {
                Log.SweepFailed(_logger, exception);
            }
        }
    }

    /// <summary>One pass over every tenant; returns the number of events deleted.</summary>
    public async Task<long> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var cutoff = _time.GetUtcNow() - _options.MaxAge;
        long total = 0;
        foreach (var tenant in await _journal.ReadTenantsAsync(cancellationToken))
        {
            var deleted = await _journal.PruneAsync(tenant, cutoff, _options.MaxEvents, cancellationToken);
            if (deleted > 0)
            {
                Log.Pruned(_logger, tenant.Value, deleted);
            }
            total += deleted;
        }
        return total;
    }

    private static partial class Log
    {
        [LoggerMessage(6000, LogLevel.Information, "Retention pruned {Count} events of tenant {Tenant}", EventName = "RetentionPruned")]
        public static partial void Pruned(ILogger logger, string tenant, long count);

        [LoggerMessage(6001, LogLevel.Warning, "Retention sweep failed; retrying at the next interval", EventName = "RetentionFailed")]
        public static partial void SweepFailed(ILogger logger, Exception exception);
    }
}

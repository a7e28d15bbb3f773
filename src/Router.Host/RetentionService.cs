using Microsoft.Extensions.Options;
using Router.Journal;

namespace Router.Host;

/// <summary>Runs the retention sweep in the background for the host's lifetime.</summary>
internal sealed class RetentionService : BackgroundService
{
    private readonly RetentionSweeper _sweeper;

    public RetentionService(IEventJournal journal, IOptions<RetentionOptions> options, TimeProvider time, ILoggerFactory loggers) =>
        _sweeper = new RetentionSweeper(journal, options.Value, time, loggers.CreateLogger("Router.Retention"));

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _sweeper.RunAsync(stoppingToken);
}

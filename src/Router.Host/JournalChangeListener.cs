using Router.Journal;
using Router.Tenants;

namespace Router.Host;

/// <summary>
/// Feeds journal wake-ups (PostgreSQL LISTEN/NOTIFY, with resyncs after reconnects) to the tenant actors, so a
/// stream on this node receives events published on another node live. Under SQLite the feed never yields.
/// </summary>
internal sealed class JournalChangeListener : BackgroundService
{
    private readonly IJournalChangeFeed _feed;
    private readonly TenantDirectory _tenants;

    public JournalChangeListener(IJournalChangeFeed feed, TenantDirectory tenants)
    {
        _feed = feed;
        _tenants = tenants;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var change in _feed.ListenAsync(stoppingToken))
            {
                _tenants.NotifyChanged(change);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

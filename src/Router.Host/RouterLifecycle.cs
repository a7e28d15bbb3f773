using Microsoft.Extensions.Options;
using Router.Actors;
using Router.Connections;
using Router.Journal;
using Router.Tenants;
using Router.Versioning;

namespace Router.Host;

/// <summary>
/// Starts and stops the router around Kestrel. Start: the journal schema is ready before the first request.
/// Stop, in two phases: as soon as the host is told to stop (before Kestrel drains requests), readiness
/// turns 503, new streams and publishes are refused and every open stream gets <c>event: shutdown</c>;
/// after Kestrel has stopped, the actors drain (in-flight publishes commit) and the journal closes.
/// </summary>
internal sealed partial class RouterLifecycle : IHostedService
{
    private readonly IEventJournal _journal;
    private readonly TenantDirectory _tenants;
    private readonly ConnectionRegistry _connections;
    private readonly ActorSystem _actors;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ShutdownOptions _options;
    private readonly ILogger<RouterLifecycle> _logger;
    private volatile bool _stopping;

    public RouterLifecycle(
        IEventJournal journal,
        TenantDirectory tenants,
        ConnectionRegistry connections,
        ActorSystem actors,
        IHostApplicationLifetime lifetime,
        IOptions<ShutdownOptions> options,
        EventTypeRegistry versions,
        ILogger<RouterLifecycle> logger)
    {
        // Taking the registry here builds it before the server starts: invalid conversions stop start-up.
        _ = versions;
        _journal = journal;
        _tenants = tenants;
        _connections = connections;
        _actors = actors;
        _lifetime = lifetime;
        _options = options.Value;
        _logger = logger;
    }

    public bool IsStopping => _stopping;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _journal.InitializeAsync(cancellationToken);
        _lifetime.ApplicationStopping.Register(BeginShutdown);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        BeginShutdown();
        await _actors.ShutdownAsync(_options.Grace);
        await _journal.DisposeAsync();
        Log.Stopped(_logger);
    }

    /// <summary>First phase: refuse new work and say goodbye to every stream. Idempotent.</summary>
    private void BeginShutdown()
    {
        if (_stopping)
        {
            return;
        }
        _stopping = true;
        _tenants.BeginShutdown();
        var open = _connections.Snapshot();
        Log.ShuttingDown(_logger, open.Count);
        foreach (var connection in open)
        {
            connection.Close(CloseReason.ServerShutdown);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(4000, LogLevel.Information, "Shutting down: closing {Connections} streams", EventName = "ShuttingDown")]
        public static partial void ShuttingDown(ILogger logger, int connections);

        [LoggerMessage(4001, LogLevel.Information, "Router stopped; journal closed", EventName = "Stopped")]
        public static partial void Stopped(ILogger logger);
    }
}

/// <summary>Shutdown settings (HOCON <c>router.shutdown</c>).</summary>
public sealed class ShutdownOptions
{
    /// <summary>How long in-flight work may take to finish after SIGTERM before it is aborted.</summary>
    public TimeSpan Grace { get; set; }
}

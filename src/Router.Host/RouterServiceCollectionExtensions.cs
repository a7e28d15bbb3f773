using Microsoft.Extensions.Options;
using Router.Actors;
using Router.Connections;
using Router.Diagnostics;
using Router.Host.Configuration;
using Router.Host.Diagnostics;
using Router.Host.Ingest;
using Router.Host.Streaming;
using Router.Host.WebConsole;
using Router.Journal;
using Router.Journal.Postgres;
using Router.Journal.Sqlite;
using Router.Routing;
using Router.Tenants;
using Router.Versioning;

namespace Router.Host;

/// <summary>Registers the router: options bound from configuration, the journal, the actor system and the endpoints' services.</summary>
internal static class RouterServiceCollectionExtensions
{
    public static IServiceCollection AddRouter(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.TryAddSingletonTimeProvider();

        services.AddJournal();
        services.AddOptions<PublishOptions>().BindConfiguration("router:publish")
            .Validate(o => o.MaxBody > 0 && o.MaxData > 0 && o.MaxBatch > 0, "router.publish limits must be positive.")
            .Validate(o => o.MaxBody <= Array.MaxLength, $"router.publish.max-body must be at most {Array.MaxLength} bytes: a body is read into one array.")
            .ValidateOnStart();
        services.AddOptions<StreamOptions>().BindConfiguration("router:streams")
            .Validate(o => o.BufferEvents > 0 && o.ReplayPageSize > 0 && o.ReplayConcurrency > 0 && o.Heartbeat > TimeSpan.Zero, "router.streams: buffer-events, replay-page-size, replay-concurrency and heartbeat must be positive.")
            // With PostgreSQL, replays get at most half the pool: the rest stays free for the writer, the change feed
            // and the tenants' own reads, which live delivery waits on. A small pool lowers the limit; it is no error.
            .PostConfigure<IOptions<JournalOptions>, IOptions<PostgresJournalOptions>>((o, journal, postgres) =>
            {
                if (journal.Value.Provider is JournalOptions.Postgres)
                {
                    o.ReplayConcurrency = Math.Min(o.ReplayConcurrency, Math.Max(1, postgres.Value.MaxPoolSize / 2));
                }
            })
            .Validate(o => IsPolicy(o.Overflow), "router.streams.overflow must be disconnect or drop-oldest.")
            .ValidateOnStart();
        services.AddOptions<EchoOptions>().BindConfiguration("router:echo")
            .Validate(o => Parses(() => TypePatternSetParse(o.AlwaysDeliver)), "router.echo.always-deliver holds an invalid type pattern.")
            .ValidateOnStart();
        services.AddOptions<RoutingOptions>().BindConfiguration("router:routing");
        services.AddOptions<ActorTuningOptions>().BindConfiguration("router:actors")
            .Validate(o => o.MailboxCapacity > 0 && o.QueueMailboxCapacity > 0 && o.TenantIdleAfter > TimeSpan.Zero && o.QueueIdleAfter > TimeSpan.Zero, "router.actors: mailbox capacities and idle times must be positive.")
            .ValidateOnStart();
        services.AddOptions<ShutdownOptions>().BindConfiguration("router:shutdown")
            .Validate(o => o.Grace > TimeSpan.Zero, "router.shutdown.grace must be positive.")
            .ValidateOnStart();
        services.AddOptions<LoggingOptions>().BindConfiguration("router:logging")
            .Validate(o => o.Format is "text" or "json", "router.logging.format must be text or json.")
            .ValidateOnStart();
        services.AddOptions<ConsoleOptions>().BindConfiguration("router:console");
        services.AddOptions<VersioningOptions>().BindConfiguration("router:versioning");
        services.AddOptions<ConnectionLimits>().BindConfiguration("router:limits")
            .Validate(o => o.MaxConnections > 0 && o.MaxConnectionsPerTenant > 0 && o.MaxConnectionsPerAddress > 0 && o.PublishEventsPerSecond >= 0, "router.limits: connection limits must be positive, the publish rate zero (off) or positive.")
            .ValidateOnStart();
        services.AddSingleton<PublishRateLimiter>();
        services.AddSingleton<AddressLimiter>();
        services.AddOptions<RetentionOptions>().BindConfiguration("router:retention")
            .Validate(o => o.MaxAge > TimeSpan.Zero && o.MaxEvents > 0 && o.Interval > TimeSpan.Zero, "router.retention: max-age, max-events and interval must be positive.")
            .ValidateOnStart();

        services.AddSingleton(sp => RoutingTable.Create(sp.GetRequiredService<IOptions<RoutingOptions>>().Value));
        // Conversions declared in HOCON plus any IEventConverter registered in code; broken ones fail start-up.
        services.AddSingleton(sp => EventTypeRegistry.Build(
            sp.GetRequiredService<IOptions<VersioningOptions>>().Value,
            sp.GetServices<IEventConverter>()));
        services.AddSingleton(sp => new ActorSystem(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp => new TenantDirectory(
            sp.GetRequiredService<ActorSystem>(),
            sp.GetRequiredService<IEventJournal>(),
            sp.GetRequiredService<RoutingTable>(),
            sp.GetRequiredService<IOptions<ActorTuningOptions>>().Value,
            sp.GetRequiredService<RouterMetrics>()));
        services.AddSingleton<ConnectionRegistry>();
        services.AddSingleton(sp => new HeartbeatScheduler(sp.GetRequiredService<TimeProvider>()));
        services.AddRouterMetrics();
        services.AddSingleton<RouterLifecycle>();
        services.AddHostedService(sp => sp.GetRequiredService<RouterLifecycle>());
        services.AddHostedService<RetentionService>();
        services.AddHostedService<JournalChangeListener>();
        services.AddSingleton<StreamServices>();
        return services;
    }

    /// <summary>
    /// The journal named by <c>router.journal.provider</c>, and its change feed: PostgreSQL's hears the appends of
    /// other nodes; SQLite's journal has a single writer, this process, so its feed has nothing to say.
    /// </summary>
    private static void AddJournal(this IServiceCollection services)
    {
        services.AddOptions<JournalOptions>().BindConfiguration("router:journal")
            .Validate(o => o.Provider is JournalOptions.Sqlite or JournalOptions.Postgres, "router.journal.provider must be sqlite or postgres.")
            .ValidateOnStart();
        services.AddOptions<SqliteJournalOptions>().BindConfiguration("router:journal:sqlite")
            .Validate<IOptions<JournalOptions>>(
                (o, journal) => journal.Value.Provider is not JournalOptions.Sqlite || !string.IsNullOrWhiteSpace(o.Path),
                "router.journal.sqlite.path is required.")
            .ValidateOnStart();
        services.AddOptions<PostgresJournalOptions>().BindConfiguration("router:journal:postgres")
            .Validate<IOptions<JournalOptions>>(
                (o, journal) => journal.Value.Provider is not JournalOptions.Postgres || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "router.journal.postgres.connection-string is required when the provider is postgres (set ROUTER_POSTGRES).")
            .ValidateOnStart();

        services.AddSingleton<IEventJournal>(sp => sp.GetRequiredService<IOptions<JournalOptions>>().Value.Provider switch
        {
            JournalOptions.Postgres => new PostgresEventJournal(
                sp.GetRequiredService<IOptions<PostgresJournalOptions>>().Value,
                sp.GetRequiredService<ILogger<PostgresEventJournal>>()),
            _ => new SqliteEventJournal(
                sp.GetRequiredService<IOptions<SqliteJournalOptions>>().Value,
                sp.GetRequiredService<ILogger<SqliteEventJournal>>()),
        });
        services.AddSingleton<IJournalChangeFeed>(sp => sp.GetRequiredService<IOptions<JournalOptions>>().Value.Provider switch
        {
            JournalOptions.Postgres => new PostgresJournalChangeFeed(
                sp.GetRequiredService<IOptions<PostgresJournalOptions>>().Value,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<PostgresJournalChangeFeed>>()),
            _ => SilentJournalChangeFeed.Instance,
        });
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }

    private static bool IsPolicy(string? text) => Parses(() => OverflowPolicyNames.Parse(text));

    private static object TypePatternSetParse(List<string>? patterns) => Router.Events.TypePatternSet.Parse(patterns);

    private static bool Parses(Func<object> parse)
    {
        try
        {
            parse();
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

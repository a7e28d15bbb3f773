using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Router.Actors;
using Router.Configuration.Hocon;
using Router.Connections;
using Router.Host.Configuration;
using Router.Host.Http;
using Router.Host.Ingest;
using Router.Journal.Postgres;
using Router.Host.Security;
using Router.Journal.Sqlite;
using Router.Routing;

namespace Router.Host.Configuration;

/// <summary>
/// hocon/router.conf is the single home of every default (convention 6): each option of each options class
/// has a value there, and every key there belongs to an option, so neither can drift from the other.
/// </summary>
public sealed class ShippedConfigurationTests
{
    private static readonly (string Section, Type Options)[] s_sections =
    [
        ("router:journal", typeof(JournalOptions)),
        ("router:journal:sqlite", typeof(SqliteJournalOptions)),
        ("router:journal:postgres", typeof(PostgresJournalOptions)),
        ("router:publish", typeof(PublishOptions)),
        ("router:streams", typeof(StreamOptions)),
        ("router:echo", typeof(EchoOptions)),
        ("router:limits", typeof(ConnectionLimits)),
        ("router:retention", typeof(Router.Journal.RetentionOptions)),
        ("router:routing", typeof(RoutingOptions)),
        ("router:actors", typeof(ActorTuningOptions)),
        ("router:shutdown", typeof(ShutdownOptions)),
        ("router:logging", typeof(LoggingOptions)),
        ("router:versioning", typeof(Router.Versioning.VersioningOptions)),
        ("router:auth", typeof(AuthOptions)),
        ("router:http", typeof(HttpOptions)),
        ("router:console", typeof(Router.Host.WebConsole.ConsoleOptions)),
    ];

    /// <summary>Keys read directly rather than through an options class.</summary>
    private static readonly string[] s_standalone = ["router:urls"];

    /// <summary>Keys of the examples whose options arrive with other issues: auth (issue 5), the PostgreSQL journal (issue 7).</summary>
    private static readonly string[] s_pending = ["router:auth", "router:journal:postgres"];

    private static string ExamplesDirectory => Path.Combine(AppContext.BaseDirectory, "hocon", "examples");

    private static IConfigurationRoot Shipped() =>
        new ConfigurationBuilder().AddHoconFile(RouterConfiguration.DefaultsPath).Build();

    [Fact]
    public void ShippedFile_EveryOption_HasADefault()
    {
        var configuration = Shipped();
        var missing = new List<string>();
        foreach (var (section, type) in s_sections)
        {
            foreach (var property in ScalarProperties(type))
            {
                if (configuration[$"{section}:{property.Name}"] is null)
                {
                    missing.Add($"{section}:{property.Name}");
                }
            }
        }
        Assert.Empty(missing);
    }

    [Fact]
    public void ShippedFile_EveryKey_BelongsToAnOption()
    {
        var known = s_sections
            .SelectMany(s => s.Options.GetProperties().Select(p => $"{s.Section}:{p.Name}"))
            .Concat(s_standalone)
            .ToList();
        var unknown = Shipped().AsEnumerable()
            .Where(pair => pair.Value is not null)
            .Select(pair => pair.Key)
            .Where(key => !known.Any(k => key.Equals(k, StringComparison.OrdinalIgnoreCase) || key.StartsWith(k + ":", StringComparison.OrdinalIgnoreCase)))
            .ToList();
        Assert.Empty(unknown);
    }

    [Theory]
    [InlineData("single-node.conf")]
    [InlineData("multi-node-postgres.conf")]
    public void Example_LayeredOverDefaults_ParsesWithOnlyKnownKeys(string file)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ROUTER_JWT_SECRET"] = "an-example-secret-of-at-least-32-bytes",
            ["ROUTER_POSTGRES"] = "Host=db;Database=router",
        };
        var configuration = new ConfigurationBuilder()
            .AddHoconFile(RouterConfiguration.DefaultsPath)
            .AddHoconFile(source =>
            {
                source.Path = Path.Combine(ExamplesDirectory, file);
                source.EnvironmentLookup = name => environment.GetValueOrDefault(name);
                source.ResolveFileProvider();
            })
            .Build();
        var known = s_sections
            .SelectMany(s => s.Options.GetProperties().Select(p => $"{s.Section}:{p.Name}"))
            .Concat(s_standalone)
            .Concat(s_pending)
            .ToList();

        var unknown = configuration.AsEnumerable()
            .Where(pair => pair.Value is not null)
            .Select(pair => pair.Key)
            .Where(key => !known.Any(k => key.Equals(k, StringComparison.OrdinalIgnoreCase) || key.StartsWith(k + ":", StringComparison.OrdinalIgnoreCase)))
            .ToList();

        Assert.Empty(unknown);
        Assert.Equal("http://0.0.0.0:5080", configuration["router:urls"]);
        Assert.Equal("json", configuration["router:logging:format"]);
        Assert.Equal(TimeSpan.FromSeconds(20), configuration.GetSection("router:shutdown").Get<ShutdownOptions>()!.Grace);
        Assert.Equal(environment["ROUTER_JWT_SECRET"], configuration["router:auth:jwtsecret"]);
    }

    [Fact]
    public void ShippedFile_BindsToValidOptions()
    {
        var configuration = Shipped();
        var streams = configuration.GetSection("router:streams").Get<StreamOptions>()!;
        Assert.Equal(TimeSpan.FromSeconds(30), streams.Heartbeat);
        Assert.Equal(1024, streams.BufferEvents);
        Assert.Equal(OverflowPolicy.Disconnect, streams.OverflowPolicy);
        var publish = configuration.GetSection("router:publish").Get<PublishOptions>()!;
        Assert.Equal(1024 * 1024, publish.MaxBody);
        Assert.Equal(64 * 1024, publish.MaxData);
        Assert.Equal(1000, publish.MaxBatch);
        Assert.Equal("http://127.0.0.1:5080", configuration["router:urls"]);
        Assert.Equal("./data/router.db", configuration.GetSection("router:journal:sqlite").Get<SqliteJournalOptions>()!.Path);
        var postgres = configuration.GetSection("router:journal:postgres").Get<PostgresJournalOptions>()!;
        Assert.Equal("", postgres.ConnectionString);
        Assert.Equal("router", postgres.Schema);
        Assert.Equal(TimeSpan.FromSeconds(10), postgres.CommandTimeout);
        Assert.Equal(16, postgres.MaxPoolSize);
        Assert.Equal("router_events", PostgresEventJournal.ChannelName(postgres.Schema));
    }

    [Fact]
    public void ShippedFile_EnvironmentVariables_OverrideThroughSubstitutions()
    {
        var environment = new Dictionary<string, string?>
        {
            ["ROUTER_URLS"] = "http://127.0.0.1:6000",
            ["ROUTER_JOURNAL_PATH"] = "/data/router.db",
            ["ROUTER_JOURNAL_PROVIDER"] = "postgres",
            ["ROUTER_POSTGRES"] = "Host=db;Username=router",
        };
        var configuration = new ConfigurationBuilder()
            .AddHoconFile(source =>
            {
                source.Path = RouterConfiguration.DefaultsPath;
                source.EnvironmentLookup = name => environment.GetValueOrDefault(name);
                source.ResolveFileProvider();
            })
            .Build();

        Assert.Equal("http://127.0.0.1:6000", configuration["router:urls"]);
        Assert.Equal("/data/router.db", configuration["router:journal:sqlite:path"]);
        Assert.Equal("postgres", configuration["router:journal:provider"]);
        Assert.Equal("Host=db;Username=router", configuration["router:journal:postgres:connectionstring"]);
    }

    /// <summary>Options that must have a value; lists may legitimately be empty (HOCON [] yields no keys).</summary>
    private static IEnumerable<PropertyInfo> ScalarProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && !typeof(IEnumerable).IsAssignableFrom(p.PropertyType) || p.PropertyType == typeof(string));
}

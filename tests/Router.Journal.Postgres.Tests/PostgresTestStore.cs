using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Router.TestKit.Postgres;

namespace Router.Journal.Postgres;

/// <summary>
/// One test's journal store: a schema of its own (cheap) in the admin database, or with
/// <see cref="CreateWithDatabaseAsync"/> a database of its own (for tests that lock the database against
/// connections). Dropped on dispose.
/// </summary>
internal sealed class PostgresTestStore : IAsyncDisposable
{
    private readonly string _adminConnectionString;
    private readonly string? _database;

    private PostgresTestStore(string adminConnectionString, string schema, string? database)
    {
        _adminConnectionString = adminConnectionString;
        Schema = schema;
        _database = database;
        // The application name tells this store's sessions from those of tests running in parallel.
        ApplicationName = database ?? schema;
        var builder = new NpgsqlConnectionStringBuilder(adminConnectionString) { ApplicationName = ApplicationName };
        if (database is not null)
        {
            builder.Database = database;
        }
        ConnectionString = builder.ConnectionString;
    }

    /// <summary>A fresh schema name; the journal creates it.</summary>
    public string Schema { get; }

    /// <summary>The application_name of every session of the journal (and change feed) under test.</summary>
    public string ApplicationName { get; }

    /// <summary>What the journal under test connects with.</summary>
    public string ConnectionString { get; }

    public static PostgresTestStore Create() =>
        new(PostgresTestEnvironment.RequireAdminConnectionString(), "t_" + Guid.NewGuid().ToString("N"), database: null);

    public static async Task<PostgresTestStore> CreateWithDatabaseAsync()
    {
        var admin = PostgresTestEnvironment.RequireAdminConnectionString();
        var database = "router_test_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync(admin, $"CREATE DATABASE {database}");
        return new PostgresTestStore(admin, "router", database);
    }

    public PostgresJournalOptions Options(int maxEventsPerCommit = 256, int maxPoolSize = 8) => new()
    {
        ConnectionString = ConnectionString,
        Schema = Schema,
        MaxEventsPerCommit = maxEventsPerCommit,
        CommandTimeout = TimeSpan.FromSeconds(20),
        MaxPoolSize = maxPoolSize,
        ResyncInterval = TimeSpan.FromMinutes(5),
        ReconnectMinBackoff = TimeSpan.FromMilliseconds(50),
        ReconnectMaxBackoff = TimeSpan.FromSeconds(1),
    };

    public PostgresEventJournal CreateJournal(int maxEventsPerCommit = 256, int maxPoolSize = 8) =>
        new(Options(maxEventsPerCommit, maxPoolSize), NullLogger<PostgresEventJournal>.Instance);

    public async Task<PostgresEventJournal> OpenJournalAsync(int maxEventsPerCommit = 256, int maxPoolSize = 8)
    {
        var journal = CreateJournal(maxEventsPerCommit, maxPoolSize);
        await journal.InitializeAsync(CancellationToken.None);
        return journal;
    }

    /// <summary>Runs SQL as the admin, in the store's database.</summary>
    public Task<object?> AdminScalarAsync(string sql) => ScalarAsync(ConnectionString, sql);

    /// <summary>Ends every session of the journal under test, as a server restart would; returns how many there were.</summary>
    public async Task<long> TerminateConnectionsAsync() => (long)(await ScalarAsync(
        _adminConnectionString,
        $"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '{ApplicationName}' AND pid <> pg_backend_pid()"))!;

    /// <summary>Refuses or allows new connections to the store's own database (see <see cref="CreateWithDatabaseAsync"/>).</summary>
    public Task AllowConnectionsAsync(bool allow) =>
        ExecuteAsync(_adminConnectionString, $"ALTER DATABASE {_database ?? throw new InvalidOperationException("Only a store with its own database can refuse connections.")} WITH ALLOW_CONNECTIONS {(allow ? "true" : "false")}");

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await ExecuteAsync(_adminConnectionString, $"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");
        }
        else
        {
            await ExecuteAsync(_adminConnectionString, $"DROP SCHEMA IF EXISTS {Schema} CASCADE");
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql) => await ScalarAsync(connectionString, sql);

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        // Unpooled: an admin connection must not linger in a pool that keeps a test database busy.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}

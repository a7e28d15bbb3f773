using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Router.Queues;
using Router.Tenants;

namespace Router.Journal.Postgres;

/// <summary>
/// The journal for several nodes (SPEC §1): one PostgreSQL schema shared by every router node. Appends go to
/// this node's single writer, which group-commits them (<see cref="PostgresJournalWriter"/>); nodes are
/// serialized per tenant by a row lock, so positions stay gapless and commit in order across nodes. Reads use
/// pooled connections and never wait for a writer. Other nodes learn of appends through
/// <see cref="PostgresJournalChangeFeed"/>.
/// </summary>
public sealed partial class PostgresEventJournal : IEventJournal
{
    /// <summary>The journal's name in messages.</summary>
    internal const string Name = "PostgreSQL";

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _schema;
    private readonly string _channel;
    private readonly int _maxEventsPerCommit;
    private readonly int _maxPoolSize;
    private readonly ILogger<PostgresEventJournal> _logger;

    /// <summary>Open, then closing: from <see cref="DisposeAsync"/> on, appends and reads fail with "shutting down".</summary>
    private readonly JournalLifecycle<PostgresJournalWriter> _lifecycle = new(Name);

    /// <summary>The writer's mailbox while the journal is open (it throws otherwise); made once, not per append.</summary>
    private readonly Func<AppendMailbox> _openMailbox;

    public PostgresEventJournal(PostgresJournalOptions options, ILogger<PostgresEventJournal> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _openMailbox = () => GetWriter().Mailbox;
        var connectionString = BuildConnectionString(options);
        if (options.MaxEventsPerCommit < 1)
        {
            throw new ArgumentException($"PostgresJournalOptions.MaxEventsPerCommit '{options.MaxEventsPerCommit}' must be at least 1.", nameof(options));
        }

        _schema = options.Schema;
        _channel = ChannelName(options.Schema);
        _maxEventsPerCommit = options.MaxEventsPerCommit;
        _maxPoolSize = options.MaxPoolSize;
        _logger = logger;
        _dataSource = new NpgsqlDataSourceBuilder(connectionString.ConnectionString).Build();
        Host = connectionString.Host;
        Database = connectionString.Database;
    }

    /// <summary>The configured server, for logs and tests.</summary>
    internal string? Host { get; }

    /// <summary>The configured database, for logs and tests.</summary>
    internal string? Database { get; }

    /// <summary>Transactions the writer has committed (each may hold many appends).</summary>
    internal long CommitCount => _lifecycle.Current?.CommitCount ?? 0;

    public ValueTask InitializeAsync(CancellationToken cancellationToken) =>
        _lifecycle.OpenAsync(async cancellationToken =>
        {
            await MigrateAsync(cancellationToken);
            var writer = new PostgresJournalWriter(_dataSource, _channel, _maxEventsPerCommit, _logger);
            writer.Start();
            Log.JournalOpened(_logger, Host, Database, _schema, _maxEventsPerCommit, _maxPoolSize);
            return writer;
        }, cancellationToken);

    public ValueTask<IReadOnlyList<BatchResult>> AppendAsync(
        TenantId tenant,
        IReadOnlyList<IReadOnlyList<EventToAppend>> batches,
        CancellationToken cancellationToken) =>
        AppendMailbox.AppendAsync(_openMailbox, tenant, batches, cancellationToken);

    public ValueTask<IReadOnlyList<JournalEvent>> ReadAsync(TenantId tenant, JournalQuery query, CancellationToken cancellationToken)
    {
        JournalQuery.ThrowIfInvalid(query);
        var sql = query.Queue is null ? SqlStatements.SelectEvents : SqlStatements.SelectQueueEvents;
        return QueryAsync(tenant, sql, query, static async (command, query, cancellationToken) =>
        {
            command.Parameters.Add(new NpgsqlParameter("after", NpgsqlDbType.Bigint) { Value = query.After.Value });
            command.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = query.Limit });
            if (query.Queue is { } queue)
            {
                command.Parameters.Add(new NpgsqlParameter("queue", NpgsqlDbType.Text) { Value = queue.Value });
            }
            var page = new List<JournalEvent>(Math.Min(query.Limit, 256));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                page.Add(EventRow.Read(reader));
            }
            return (IReadOnlyList<JournalEvent>)page;
        }, cancellationToken);
    }

    public ValueTask<Position> ReadHeadAsync(TenantId tenant, CancellationToken cancellationToken) =>
        QueryAsync(tenant, SqlStatements.SelectTenantHead, 0, static (command, _, cancellationToken) => ScalarPositionAsync(command, cancellationToken), cancellationToken);

    public ValueTask<Position> ReadQueueHeadAsync(TenantId tenant, QueueName queue, CancellationToken cancellationToken)
    {
        QueueName.ThrowIfDefault(queue);
        return QueryAsync(tenant, SqlStatements.SelectQueueHead, queue.Value, static (command, queue, cancellationToken) =>
        {
            command.Parameters.Add(new NpgsqlParameter("queue", NpgsqlDbType.Text) { Value = queue });
            return ScalarPositionAsync(command, cancellationToken);
        }, cancellationToken);
    }

    public ValueTask<Position> ReadEarliestAsync(TenantId tenant, CancellationToken cancellationToken) =>
        QueryAsync(tenant, SqlStatements.SelectEarliest, 0, static (command, _, cancellationToken) => ScalarPositionAsync(command, cancellationToken), cancellationToken);

    public async ValueTask<long> PruneAsync(TenantId tenant, DateTimeOffset olderThan, long keepNewest, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keepNewest, 1);
        var head = await ReadHeadAsync(tenant, cancellationToken);
        var firstUnexpired = await QueryAsync(tenant, SqlStatements.SelectFirstUnexpired, (head, olderThan), static async (command, state, token) =>
        {
            command.Parameters.Add(new NpgsqlParameter("head", NpgsqlDbType.Bigint) { Value = state.head.Value });
            command.Parameters.Add(new NpgsqlParameter("cutoff", NpgsqlDbType.TimestampTz) { Value = state.olderThan.ToUniversalTime() });
            // Null when every event below the head has expired.
            return await command.ExecuteScalarAsync(token) as long?;
        }, cancellationToken);
        var upTo = PruneBound.UpTo(head, firstUnexpired, keepNewest);
        long deleted = 0;
        while (upTo >= 1 && !cancellationToken.IsCancellationRequested)
        {
            var rows = await QueryAsync(tenant, SqlStatements.PruneEvents, upTo, static async (command, upTo, token) =>
            {
                command.Parameters.Add(new NpgsqlParameter("upto", NpgsqlDbType.Bigint) { Value = upTo });
                command.Parameters.Add(new NpgsqlParameter("chunk", NpgsqlDbType.Integer) { Value = PruneChunk });
                return await command.ExecuteNonQueryAsync(token);
            }, cancellationToken);
            deleted += rows;
            if (rows < PruneChunk)
            {
                break;
            }
        }
        return deleted;
    }

    public async ValueTask<IReadOnlyList<TenantId>> ReadTenantsAsync(CancellationToken cancellationToken)
    {
        GetWriter();
        try
        {
            await using var command = _dataSource.CreateCommand(SqlStatements.SelectTenants);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var tenants = new List<TenantId>();
            while (await reader.ReadAsync(cancellationToken))
            {
                if (TenantId.TryParse(reader.GetString(0), out var tenant))
                {
                    tenants.Add(tenant);
                }
            }
            return tenants;
        }
        catch (NpgsqlException exception)
        {
            throw new JournalUnavailableException("The PostgreSQL journal could not be read.", exception);
        }
    }

    public async ValueTask<bool> PingAsync(CancellationToken cancellationToken)
    {
        if (_lifecycle.IsClosing || _lifecycle.Current is not { IsFaulted: false })
        {
            return false;
        }
        try
        {
            await using var command = _dataSource.CreateCommand(SqlStatements.Ping);
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (NpgsqlException exception)
        {
            Log.PingFailed(_logger, exception);
            return false;
        }
    }

    /// <summary>Stops accepting appends, commits those already queued, then closes the pool. Safe to call more than once.</summary>
    public ValueTask DisposeAsync() =>
        _lifecycle.CloseAsync(async writer =>
        {
            if (writer is not null)
            {
                Log.JournalClosing(_logger, writer.QueuedCount);
                await writer.DisposeAsync();
            }
            await _dataSource.DisposeAsync();
            Log.JournalClosed(_logger);
        });

    /// <summary>The notification channel of a schema's journal: <c>router_events</c> for the default schema <c>router</c>.</summary>
    internal static string ChannelName(string schema) => schema + "_events";

    /// <summary>
    /// The options' connection string with the journal's settings applied: the schema as search_path (every
    /// statement names its tables unqualified), the pool limit and the command timeout.
    /// </summary>
    internal static NpgsqlConnectionStringBuilder BuildConnectionString(PostgresJournalOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("PostgresJournalOptions.ConnectionString is required (router.journal.postgres.connection-string, or ROUTER_POSTGRES).", nameof(options));
        }
        if (options.Schema is null || !SchemaPattern().IsMatch(options.Schema))
        {
            throw new ArgumentException($"PostgresJournalOptions.Schema '{options.Schema}' must be a lowercase identifier of at most 56 characters ([a-z_][a-z0-9_]*).", nameof(options));
        }
        if (options.CommandTimeout < TimeSpan.FromSeconds(1) || options.CommandTimeout.TotalSeconds > int.MaxValue)
        {
            throw new ArgumentException($"PostgresJournalOptions.CommandTimeout '{options.CommandTimeout}' must be at least one second.", nameof(options));
        }
        if (options.MaxPoolSize < 2)
        {
            throw new ArgumentException($"PostgresJournalOptions.MaxPoolSize '{options.MaxPoolSize}' must be at least 2 (the writer and a reader).", nameof(options));
        }
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        }
        catch (ArgumentException exception)
        {
            // The message names the bad keyword; the connection string itself may hold a password, so it is not repeated.
            throw new ArgumentException($"PostgresJournalOptions.ConnectionString is not a valid Npgsql connection string: {exception.Message}", nameof(options), exception);
        }
        builder.SearchPath = options.Schema;
        builder.MaxPoolSize = options.MaxPoolSize;
        builder.MinPoolSize = Math.Min(builder.MinPoolSize, options.MaxPoolSize);
        builder.CommandTimeout = (int)Math.Ceiling(options.CommandTimeout.TotalSeconds);
        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = "router";
        }
        return builder;
    }

    /// <summary>
    /// Creates the schema, tables and indexes if missing, in one transaction under an advisory lock, so nodes
    /// starting together take turns and each finds the schema whole. Every statement is IF NOT EXISTS.
    /// </summary>
    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            bool schemaExists;
            await using (var exists = new NpgsqlCommand(SqlStatements.SelectSchemaExists, connection))
            {
                exists.Parameters.Add(new NpgsqlParameter("schema", NpgsqlDbType.Text) { Value = _schema });
                schemaExists = await exists.ExecuteScalarAsync(cancellationToken) is true;
            }

            await using var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(SqlStatements.Begin));
            var lockMigration = new NpgsqlBatchCommand(SqlStatements.LockMigration);
            lockMigration.Parameters.Add(new NpgsqlParameter("lock", NpgsqlDbType.Text) { Value = "router.journal.migrate:" + _schema });
            batch.BatchCommands.Add(lockMigration);
            if (!schemaExists)
            {
                // The schema passed SchemaPattern: quoting it is all the escaping it needs.
                batch.BatchCommands.Add(new NpgsqlBatchCommand(SqlStatements.CreateSchema.Replace("{schema}", $"\"{_schema}\"", StringComparison.Ordinal)));
            }
            batch.BatchCommands.Add(new NpgsqlBatchCommand(SqlStatements.CreateEventsTable));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(SqlStatements.CreateEventIdIndex));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(SqlStatements.CreateQueueIndex));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(SqlStatements.CreateTenantHeadsTable));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(SqlStatements.Commit));
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (NpgsqlException exception)
        {
            throw new JournalUnavailableException($"The PostgreSQL journal (schema '{_schema}' on {Host}/{Database}) cannot be opened.", exception);
        }
    }

    private static async Task<Position> ScalarPositionAsync(NpgsqlCommand command, CancellationToken cancellationToken) =>
        new((long)(await command.ExecuteScalarAsync(cancellationToken))!);

    /// <summary>Runs one read on a pooled connection; a storage fault becomes <see cref="JournalUnavailableException"/>.</summary>
    private async ValueTask<T> QueryAsync<TState, T>(
        TenantId tenant,
        string sql,
        TState state,
        Func<NpgsqlCommand, TState, CancellationToken, Task<T>> execute,
        CancellationToken cancellationToken)
    {
        TenantId.ThrowIfDefault(tenant);
        GetWriter();
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await using var command = _dataSource.CreateCommand(sql);
            command.Parameters.Add(new NpgsqlParameter("tenant", NpgsqlDbType.Text) { Value = tenant.Value });
            return await execute(command, state, cancellationToken);
        }
        catch (NpgsqlException exception)
        {
            Log.ReadFailed(_logger, tenant.Value, exception);
            throw new JournalUnavailableException("The PostgreSQL journal could not be read.", exception);
        }
    }

    /// <summary>Events deleted per retention statement: short transactions next to appends and reads.</summary>
    private const int PruneChunk = 5000;

    /// <summary>The writer, once the journal is open and not shutting down.</summary>
    private PostgresJournalWriter GetWriter() => _lifecycle.Writer;

    /// <summary>A lowercase identifier that leaves room for <c>_events</c> in the 63-byte channel name.</summary>
    [GeneratedRegex(@"^[a-z_][a-z0-9_]{0,55}\z", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaPattern();
}

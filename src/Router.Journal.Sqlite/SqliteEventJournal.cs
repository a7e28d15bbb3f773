using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Router.Queues;
using Router.Tenants;

namespace Router.Journal.Sqlite;

/// <summary>
/// The embedded journal (SPEC §1): one SQLite file in WAL mode. Appends go to a single writer that
/// group-commits them (<see cref="SqliteJournalWriter"/>); reads use pooled read-only connections and never
/// wait for the writer.
/// </summary>
/// <remarks>
/// Microsoft.Data.Sqlite's async methods run synchronously, so this class uses the synchronous API directly:
/// reads complete on the caller's thread (a page of a local file), and commits run on the writer's loop.
/// </remarks>
public sealed partial class SqliteEventJournal : IEventJournal
{
    /// <summary>The journal's name in messages.</summary>
    internal const string Name = "SQLite";

    private readonly string _path;
    private readonly SqliteSynchronous _synchronous;
    private readonly TimeSpan _busyTimeout;

    /// <summary>How long a read retries a busy database: the readers' command timeout, in whole seconds as Microsoft.Data.Sqlite counts it.</summary>
    private readonly TimeSpan _readBusyTimeout;
    private readonly int _maxEventsPerCommit;
    private readonly string _writerConnectionString;
    private readonly string _readerConnectionString;
    private readonly string _prunerConnectionString;

    /// <summary>Connections for event pages (replay): see <see cref="PageConnection"/> for why they are not Microsoft.Data.Sqlite's.</summary>
    private readonly PageConnectionPool _pages;

    /// <summary>Events deleted per retention statement: short transactions, so appends never wait long.</summary>
    private const int PruneChunk = 5000;
    private readonly ILogger<SqliteEventJournal> _logger;

    /// <summary>Open, then closing: from <see cref="DisposeAsync"/> on, appends and reads fail with "shutting down".</summary>
    private readonly JournalLifecycle<SqliteJournalWriter> _lifecycle = new(Name);

    /// <summary>The writer's mailbox while the journal is open (it throws otherwise); made once, not per append.</summary>
    private readonly Func<AppendMailbox> _openMailbox;

    public SqliteEventJournal(SqliteJournalOptions options, ILogger<SqliteEventJournal> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _openMailbox = () => GetWriter().Mailbox;
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            throw new ArgumentException("SqliteJournalOptions.Path must name the database file.", nameof(options));
        }
        if (!Enum.IsDefined(options.Synchronous))
        {
            throw new ArgumentException($"SqliteJournalOptions.Synchronous '{options.Synchronous}' is not Normal or Full.", nameof(options));
        }
        if (options.BusyTimeout < TimeSpan.Zero || options.BusyTimeout.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentException($"SqliteJournalOptions.BusyTimeout '{options.BusyTimeout}' must be between zero and {int.MaxValue} ms.", nameof(options));
        }
        if (options.MaxEventsPerCommit < 1)
        {
            throw new ArgumentException($"SqliteJournalOptions.MaxEventsPerCommit '{options.MaxEventsPerCommit}' must be at least 1.", nameof(options));
        }

        _path = Path.GetFullPath(options.Path);
        _synchronous = options.Synchronous;
        _busyTimeout = options.BusyTimeout;
        _maxEventsPerCommit = options.MaxEventsPerCommit;
        _logger = logger;

        // Microsoft.Data.Sqlite retries a busy statement until the command timeout, counted in whole seconds
        // (0 would mean forever), so the busy timeout is rounded up to at least one second here.
        var commandTimeoutSeconds = (int)Math.Max(1, Math.Ceiling(options.BusyTimeout.TotalSeconds));
        _readBusyTimeout = TimeSpan.FromSeconds(commandTimeoutSeconds);
        _writerConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // The writer holds its connection for the journal's lifetime; closing it must really close the file.
            Pooling = false,
            DefaultTimeout = commandTimeoutSeconds,
        }.ToString();
        _prunerConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = true,
            DefaultTimeout = commandTimeoutSeconds,
        }.ToString();
        _readerConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = true,
            DefaultTimeout = commandTimeoutSeconds,
        }.ToString();
        // As many idle as could read at once on this machine's thread pool without queuing; more are closed on return.
        _pages = new PageConnectionPool(_path, maxIdle: Math.Max(4, 2 * Environment.ProcessorCount));
    }

    /// <summary>The database file, as a full path.</summary>
    internal string DatabasePath => _path;

    /// <summary>Transactions the writer has committed (each may hold many appends).</summary>
    internal long CommitCount => _lifecycle.Current?.CommitCount ?? 0;

    /// <summary>The background WAL checkpointer, once the writer started.</summary>
    internal WalCheckpointer? Checkpointer => _lifecycle.Current?.Checkpointer;

    /// <summary>The thread the writer's loop runs on, once it started.</summary>
    internal Thread? WriterThread => _lifecycle.Current?.LoopThread;

    /// <summary>The open writer (tests read its WAL frames and restart tries).</summary>
    internal SqliteJournalWriter? Writer => _lifecycle.Current;

    /// <summary>The writer connection's <c>temp_store</c> (2: memory), as read back when it opened; -1 when closed.</summary>
    internal long WriterTempStore => _lifecycle.Current?.TempStore ?? -1;

    public ValueTask InitializeAsync(CancellationToken cancellationToken) =>
        _lifecycle.OpenAsync(_ =>
        {
            var writer = OpenWriter();
            Log.JournalOpened(_logger, _path, _synchronous, _maxEventsPerCommit);
            return ValueTask.FromResult(writer);
        }, cancellationToken);

    public ValueTask<IReadOnlyList<BatchResult>> AppendAsync(
        TenantId tenant,
        IReadOnlyList<IReadOnlyList<EventToAppend>> batches,
        CancellationToken cancellationToken) =>
        AppendMailbox.AppendAsync(_openMailbox, tenant, batches, cancellationToken);

    public ValueTask<IReadOnlyList<JournalEvent>> ReadAsync(TenantId tenant, JournalQuery query, CancellationToken cancellationToken)
    {
        JournalQuery.ThrowIfInvalid(query);
        TenantId.ThrowIfDefault(tenant);
        GetWriter();
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<IReadOnlyList<JournalEvent>>(cancellationToken);
        }
        // SQLite's own API on a connection of the journal's page pool: replay reads millions of rows (see EventPageStatement).
        PageConnection? connection = null;
        var healthy = false;
        try
        {
            connection = _pages.Rent();
            var page = EventPageStatement.Read(connection, tenant.Value, query, _readBusyTimeout);
            healthy = true;
            return ValueTask.FromResult<IReadOnlyList<JournalEvent>>(page);
        }
        catch (SqliteException exception)
        {
            Log.ReadFailed(_logger, tenant.Value, exception);
            return ValueTask.FromException<IReadOnlyList<JournalEvent>>(new JournalUnavailableException("The SQLite journal could not be read.", exception));
        }
        catch (ObjectDisposedException exception)
        {
            // The pool closed between the closing check above and the rent: the journal is shutting down.
            return ValueTask.FromException<IReadOnlyList<JournalEvent>>(JournalUnavailableException.ShuttingDown(Name, exception));
        }
        finally
        {
            if (connection is not null)
            {
                _pages.Return(connection, healthy);
            }
        }
    }

    /// <summary>The page pool, for tests.</summary>
    internal PageConnectionPool Pages => _pages;

    public ValueTask<Position> ReadHeadAsync(TenantId tenant, CancellationToken cancellationToken) =>
        QueryAsync(tenant, SqlStatements.SelectTenantHead, 0, static (command, _) => new Position((long)command.ExecuteScalar()!), cancellationToken);

    public ValueTask<Position> ReadQueueHeadAsync(TenantId tenant, QueueName queue, CancellationToken cancellationToken)
    {
        QueueName.ThrowIfDefault(queue);
        return QueryAsync(tenant, SqlStatements.SelectQueueHead, queue.Value, static (command, queue) =>
        {
            command.Parameters.AddWithValue("@queue", queue);
            return new Position((long)command.ExecuteScalar()!);
        }, cancellationToken);
    }

    public ValueTask<Position> ReadEarliestAsync(TenantId tenant, CancellationToken cancellationToken) =>
        QueryAsync(tenant, SqlStatements.SelectEarliest, 0, static (command, _) => new Position((long)command.ExecuteScalar()!), cancellationToken);

    public async ValueTask<long> PruneAsync(TenantId tenant, DateTimeOffset olderThan, long keepNewest, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keepNewest, 1);
        var head = await ReadHeadAsync(tenant, cancellationToken);
        long deleted = 0;
        try
        {
            // A pooled read-write connection of its own: SQLite's file lock (with the busy timeout) orders these
            // short deletes with the group-commit writer, whose head cache stays valid because the head survives.
            await using var connection = new SqliteConnection(_prunerConnectionString);
            await connection.OpenAsync(cancellationToken);
            var upTo = await PruneBoundAsync(connection, tenant, head, olderThan, keepNewest, cancellationToken);
            while (upTo >= 1 && !cancellationToken.IsCancellationRequested)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = SqlStatements.PruneEvents;
                command.Parameters.AddWithValue("@tenant", tenant.Value);
                command.Parameters.AddWithValue("@upto", upTo);
                command.Parameters.AddWithValue("@chunk", PruneChunk);
                var rows = await command.ExecuteNonQueryAsync(cancellationToken);
                deleted += rows;
                if (rows < PruneChunk)
                {
                    break;
                }
            }
        }
        catch (SqliteException exception)
        {
            Log.ReadFailed(_logger, tenant.Value, exception);
            throw new JournalUnavailableException("The SQLite journal could not be pruned.", exception);
        }
        return deleted;
    }

    /// <summary>
    /// The highest position retention deletes: whatever either limit expires, always below the head. Found with
    /// seeks, not a read of every retained event (a sweep runs every minute over every tenant).
    /// </summary>
    private static async Task<long> PruneBoundAsync(
        SqliteConnection connection, TenantId tenant, Position head, DateTimeOffset olderThan, long keepNewest, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = SqlStatements.SelectFirstUnexpired;
        command.Parameters.AddWithValue("@tenant", tenant.Value);
        command.Parameters.AddWithValue("@head", head.Value);
        command.Parameters.AddWithValue("@cutoff", olderThan.UtcTicks);
        // Null when every event below the head has expired.
        var firstUnexpired = await command.ExecuteScalarAsync(cancellationToken) as long?;
        return PruneBound.UpTo(head, firstUnexpired, keepNewest);
    }

    public ValueTask<IReadOnlyList<TenantId>> ReadTenantsAsync(CancellationToken cancellationToken)
    {
        GetWriter();
        try
        {
            using var connection = OpenReader();
            using var command = connection.CreateCommand();
            command.CommandText = SqlStatements.SelectTenants;
            using var reader = command.ExecuteReader();
            var tenants = new List<TenantId>();
            while (reader.Read())
            {
                if (TenantId.TryParse(reader.GetString(0), out var tenant))
                {
                    tenants.Add(tenant);
                }
            }
            return ValueTask.FromResult<IReadOnlyList<TenantId>>(tenants);
        }
        catch (SqliteException exception)
        {
            return ValueTask.FromException<IReadOnlyList<TenantId>>(new JournalUnavailableException("The SQLite journal could not be read.", exception));
        }
    }

    public ValueTask<bool> PingAsync(CancellationToken cancellationToken)
    {
        if (_lifecycle.IsClosing || _lifecycle.Current is not { IsFaulted: false })
        {
            return ValueTask.FromResult(false);
        }
        try
        {
            using var connection = OpenReader();
            using var command = connection.CreateCommand();
            command.CommandText = SqlStatements.Ping;
            command.ExecuteScalar();
            return ValueTask.FromResult(true);
        }
        catch (SqliteException exception)
        {
            Log.PingFailed(_logger, _path, exception);
            return ValueTask.FromResult(false);
        }
    }

    /// <summary>Stops accepting appends, commits those already queued, then closes the file. Safe to call more than once.</summary>
    public ValueTask DisposeAsync() =>
        _lifecycle.CloseAsync(async writer =>
        {
            if (writer is null)
            {
                return;
            }
            Log.JournalClosing(_logger, _path, writer.QueuedCount);
            // Pooled readers keep the file open. Released first, the writer's connection is the last one to
            // close, and SQLite then checkpoints the WAL into the database file and removes it.
            using (var reader = new SqliteConnection(_readerConnectionString))
            {
                SqliteConnection.ClearPool(reader);
            }
            _pages.Dispose();
            await writer.DisposeAsync();
            Log.JournalClosed(_logger, _path);
        });

    private SqliteJournalWriter OpenWriter()
    {
        var connection = new SqliteConnection(_writerConnectionString);
        var opened = false;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            connection.Open();
            Execute(connection, string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(int)_busyTimeout.TotalMilliseconds}"));
            if (Execute(connection, SqlStatements.EnableWal) is not string mode || !mode.Equals("wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new JournalUnavailableException($"SQLite would not put '{_path}' in WAL mode.");
            }
            // Per connection, and only the writer commits. Built from the enum, never from configuration text.
            var synchronous = _synchronous == SqliteSynchronous.Full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL";
            Execute(connection, synchronous);
            // Savepoint journals in memory. A group of several requests keeps the pages each request's savepoint
            // changes, and past 64 KiB SQLite spilled them to a temp file: a file created, written and unlinked in
            // most transactions of batches of 100 (over a fifth of the bytes the writer wrote).
            Execute(connection, SqlStatements.TempStoreInMemory);

            JournalSchema.Prepare(connection, _path, _logger);

            var writer = new SqliteJournalWriter(connection, new WalCheckpointer(_writerConnectionString, synchronous, _logger), _maxEventsPerCommit, _logger);
            writer.Start();
            opened = true;
            return writer;
        }
        catch (Exception exception) when (exception is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new JournalUnavailableException($"The SQLite journal at '{_path}' cannot be opened.", exception);
        }
        finally
        {
            if (!opened)
            {
                connection.Dispose();
            }
        }
    }

    /// <summary>Runs a statement on the writer's connection while it opens (settings, layout); its first value, if any.</summary>
    internal static object? Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private SqliteConnection OpenReader()
    {
        var connection = new SqliteConnection(_readerConnectionString);
        connection.Open();
        return connection;
    }

    /// <summary>Runs one statement on a pooled read-only connection, with the tenant bound as <c>@tenant</c>.</summary>
    private ValueTask<T> QueryAsync<TState, T>(
        TenantId tenant,
        string sql,
        TState state,
        Func<SqliteCommand, TState, T> execute,
        CancellationToken cancellationToken) =>
        WithReader(tenant, (Sql: sql, Tenant: tenant.Value, State: state, Execute: execute), static (connection, query) =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = query.Sql;
            command.Parameters.AddWithValue("@tenant", query.Tenant);
            return query.Execute(command, query.State);
        }, cancellationToken);

    /// <summary>Runs one read on a pooled read-only connection; a storage fault becomes <see cref="JournalUnavailableException"/>.</summary>
    private ValueTask<T> WithReader<TState, T>(
        TenantId tenant,
        TState state,
        Func<SqliteConnection, TState, T> read,
        CancellationToken cancellationToken)
    {
        TenantId.ThrowIfDefault(tenant);
        GetWriter();
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<T>(cancellationToken);
        }
        try
        {
            using var connection = OpenReader();
            return ValueTask.FromResult(read(connection, state));
        }
        catch (SqliteException exception)
        {
            Log.ReadFailed(_logger, tenant.Value, exception);
            return ValueTask.FromException<T>(new JournalUnavailableException("The SQLite journal could not be read.", exception));
        }
    }

    /// <summary>The writer, once the journal is open and not shutting down.</summary>
    private SqliteJournalWriter GetWriter() => _lifecycle.Writer;
}

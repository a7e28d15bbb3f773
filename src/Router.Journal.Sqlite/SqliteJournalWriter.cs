using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using static SQLitePCL.raw;
using Log = Router.Journal.Sqlite.SqliteEventJournal.Log;

namespace Router.Journal.Sqlite;

/// <summary>
/// The journal's only writer: one connection, one bounded mailbox of <see cref="PendingAppend"/>s and one loop
/// that drains it. Each turn takes every request waiting (up to the group-commit cap, from any tenants) and
/// commits them in one transaction, so concurrent appends share one sync to disk. Only the loop touches the
/// connection, the prepared commands and the head cache.
/// </summary>
/// <remarks>
/// The loop runs on a thread of its own, not the thread pool: every SQLite call blocks (an fsync takes
/// milliseconds under <c>synchronous = full</c>), and on a two-core machine the pool has two workers to lose.
/// </remarks>
internal sealed class SqliteJournalWriter : IAsyncDisposable
{
    /// <summary>
    /// This many tenants at most are cached; past that the cache starts over and reloads tenants on use (a
    /// number's seek and one indexed MAX each), which keeps memory bounded however many tenants ever wrote.
    /// </summary>
    internal const int MaxCachedTenants = 100_000;

    /// <summary>Appends waiting for the writer; posting one wakes the loop (<see cref="WakeUp"/>).</summary>
    private readonly AppendMailbox _mailbox;

    /// <summary>The write connection; its transactions are the group commits.</summary>
    private readonly SqliteConnection _connection;

    /// <summary>Copies committed frames into the database file off this loop; poked after each commit.</summary>
    private readonly WalCheckpointer _checkpointer;

    /// <summary>Frames in the WAL after this connection's last commit: past <see cref="_restartWalAt"/>, the loop starts the WAL over.</summary>
    private readonly WalFrameCount _walFrames;

    /// <summary>
    /// WAL frames at which the loop next tries to start the WAL over: the threshold, or a tenth of it past a try
    /// that a reader kept from restarting. Each try is a checkpoint with its syncs, so not one per group.
    /// </summary>
    private int _restartWalAt = WalCheckpointer.WriterCheckpointPages;

    /// <summary>Tries to start the WAL over (tests check a reader does not make it one per group).</summary>
    private long _walRestartTries;

    /// <summary>Each tenant's number and committed head (highest position), loaded on first use. Changed only after a COMMIT succeeds.</summary>
    private readonly Dictionary<string, TenantRow> _tenants = new(StringComparer.Ordinal);

    /// <summary>Tenants as the current group's successful requests leave them; merged into <see cref="_tenants"/> on COMMIT.</summary>
    private readonly Dictionary<string, TenantRow> _groupTenants = new(StringComparer.Ordinal);

    private readonly ILogger _logger;

    private readonly SqliteCommand _begin;
    private readonly SqliteCommand _commit;
    private readonly SqliteCommand _rollback;
    private readonly SqliteCommand _savepoint;
    private readonly SqliteCommand _releaseSavepoint;
    private readonly SqliteCommand _rollbackToSavepoint;
    private readonly SqliteCommand _selectTenantId;
    private readonly SqliteCommand _insertTenant;
    private readonly SqliteCommand _selectHead;
    private readonly SqliteCommand _selectById;
    private readonly SqliteCommand _checkpoint;
    private readonly EventInsertStatement _insert;

    /// <summary>Set while the loop is (about to be) blocked on an empty mailbox; posters then wake it with <see cref="_wakeUp"/>.</summary>
    private readonly ManualResetEventSlim _wakeUp = new(initialState: false, spinCount: 0);

    /// <summary>1 while the loop may be waiting on <see cref="_wakeUp"/>; read by posters after they queued a request.</summary>
    private int _sleeping;

    /// <summary>The loop's thread, once it runs (tests check that it is not a pool thread).</summary>
    private volatile Thread? _thread;

    /// <summary>The loop; awaited by <see cref="DisposeAsync"/>.</summary>
    private Task _loop = Task.CompletedTask;

    /// <summary>Transactions committed; lets tests see that concurrent appends were grouped.</summary>
    private long _commitCount;

    public SqliteJournalWriter(SqliteConnection connection, WalCheckpointer checkpointer, int maxEventsPerCommit, ILogger logger)
    {
        _connection = connection;
        _checkpointer = checkpointer;
        _logger = logger;
        _mailbox = new AppendMailbox(maxEventsPerCommit, SqliteEventJournal.Name, WakeUp);

        _begin = CreateCommand(SqlStatements.BeginImmediate);
        _commit = CreateCommand(SqlStatements.Commit);
        _rollback = CreateCommand(SqlStatements.Rollback);
        _savepoint = CreateCommand(SqlStatements.Savepoint);
        _releaseSavepoint = CreateCommand(SqlStatements.ReleaseSavepoint);
        _rollbackToSavepoint = CreateCommand(SqlStatements.RollbackToSavepoint);
        _selectTenantId = CreateCommand(SqlStatements.SelectTenantId, ("@tenant", SqliteType.Text));
        _insertTenant = CreateCommand(SqlStatements.InsertTenant, ("@tenant", SqliteType.Text));
        _selectHead = CreateCommand(SqlStatements.SelectTenantHead, ("@tenant", SqliteType.Text));
        _selectById = CreateCommand(SqlStatements.SelectEventById, ("@tenant_id", SqliteType.Integer), ("@event_id", SqliteType.Text));
        _checkpoint = CreateCommand(SqlStatements.CheckpointPassive);
        _insert = new EventInsertStatement(connection);
        _walFrames = new WalFrameCount(connection);
        using var tempStore = CreateCommand("PRAGMA temp_store");
        TempStore = (long)tempStore.ExecuteScalar()!;
    }

    /// <summary>The connection's <c>temp_store</c> when the writer was made (tests check the journal set it).</summary>
    internal long TempStore { get; }

    public long CommitCount => Interlocked.Read(ref _commitCount);

    public AppendMailbox Mailbox => _mailbox;

    public bool IsFaulted => _mailbox.IsFaulted;

    public int QueuedCount => _mailbox.Count;

    /// <summary>The background checkpointer (tests read its passes and thread).</summary>
    internal WalCheckpointer Checkpointer => _checkpointer;

    /// <summary>Frames in the WAL after the last commit.</summary>
    internal int WalFrames => _walFrames.Frames;

    internal long WalRestartTries => Interlocked.Read(ref _walRestartTries);

    /// <summary>The thread the loop runs on; null until it started.</summary>
    internal Thread? LoopThread => _thread;

    /// <summary>Starts the loop on a dedicated thread (LongRunning), so its blocking SQLite calls never hold a pool worker.</summary>
    public void Start() => _loop = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Stops accepting requests, commits those already queued, then closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        _mailbox.Complete();
        _wakeUp.Set();
        await _loop;
        foreach (var command in new[] { _begin, _commit, _rollback, _savepoint, _releaseSavepoint, _rollbackToSavepoint, _selectTenantId, _insertTenant, _selectHead, _selectById, _checkpoint })
        {
            command.Dispose();
        }
        _insert.Dispose();
        // Stopped first: the writer's connection must be the last to close, so SQLite checkpoints and removes the WAL.
        _checkpointer.Dispose();
        _walFrames.Dispose();
        await _connection.DisposeAsync();
        _wakeUp.Dispose();
    }

    /// <summary>After queueing: wakes the loop if it may be asleep (see <see cref="WaitForRequests"/> for the handshake).</summary>
    private void WakeUp()
    {
        // Full fence: the queued request must be visible before _sleeping is read, or both sides could miss each other.
        if (Interlocked.CompareExchange(ref _sleeping, 0, 0) == 1)
        {
            _wakeUp.Set();
        }
    }

    /// <summary>
    /// Blocks the loop's own thread until a request is queued; false once the mailbox is completed and drained.
    /// Handshake with <see cref="WakeUp"/>: the loop resets the event, announces that it sleeps, then looks at the
    /// mailbox once more before it waits, and a poster looks at the flag only after queueing; with a full fence
    /// on both sides at least one of them sees the other, so a request is never left waiting for a sleeping loop.
    /// </summary>
    private bool WaitForRequests()
    {
        var reader = _mailbox.Reader;
        while (!reader.TryPeek(out _))
        {
            if (reader.Completion.IsCompleted)
            {
                return false;
            }
            _wakeUp.Reset();
            Interlocked.Exchange(ref _sleeping, 1);
            if (!reader.TryPeek(out _) && !reader.Completion.IsCompleted)
            {
                _wakeUp.Wait();
            }
            Volatile.Write(ref _sleeping, 0);
        }
        return true;
    }

    private void Run()
    {
        _thread = Thread.CurrentThread;
        var group = new List<PendingAppend>();
        try
        {
            while (WaitForRequests())
            {
                _mailbox.TakeGroup(group);
                if (group.Count > 0 && _walFrames.Frames >= _restartWalAt)
                {
                    CommitStartingTheWalOver(group);
                }
                else if (group.Count > 0)
                {
                    CommitGroup(group);
                }
                group.Clear();
            }
        }
        catch (Exception exception)
        {
            // Ownership boundary: the loop owns every queued request, so none may be left without an outcome.
            // Only a bug gets here (storage faults are handled per group in CommitGroup).
            Log.WriterFaulted(_logger, exception);
            _mailbox.FailAll(group, exception);
        }
    }

    /// <summary>
    /// Copies the frames the checkpoint thread has not copied yet, with its passes held off, then commits the
    /// group: its first write finds every frame copied and starts the WAL over from its beginning. A reader still
    /// reading old frames (a read transaction open since before the checkpoint) makes SQLite keep the WAL; the
    /// loop then tries again a tenth of the threshold later.
    /// </summary>
    private void CommitStartingTheWalOver(List<PendingAppend> group)
    {
        Interlocked.Increment(ref _walRestartTries);
        var framesBefore = _walFrames.Frames;
        using (_checkpointer.HoldPasses())
        {
            try
            {
                _checkpoint.ExecuteNonQuery();
            }
            catch (SqliteException exception)
            {
                // Nothing is lost: the frames stay in the WAL, and the next group (or pass) copies them.
                Log.CheckpointFailed(_logger, exception);
            }
            CommitGroup(group);
        }
        var frames = _walFrames.Frames;
        _restartWalAt = frames < framesBefore ? WalCheckpointer.WriterCheckpointPages : frames + (WalCheckpointer.WriterCheckpointPages / 10);
    }

    private void CommitGroup(List<PendingAppend> group)
    {
        var committed = new List<(PendingAppend Request, IReadOnlyList<BatchResult> Results)>(group.Count);
        _groupTenants.Clear();
        // A savepoint per request lets one request fail alone while the rest of its group commits. A group of one
        // request (the usual case: a tenant actor hands over all its waiting batches as one request) needs none:
        // its failure rolls back the whole transaction, which holds nothing else.
        var savepoints = group.Count > 1;
        try
        {
            _begin.ExecuteNonQuery();
            foreach (var request in group)
            {
                if (savepoints)
                {
                    _savepoint.ExecuteNonQuery();
                }
                try
                {
                    var results = AppendRequest(request);
                    if (savepoints)
                    {
                        _releaseSavepoint.ExecuteNonQuery();
                    }
                    committed.Add((request, results));
                }
                catch (Exception exception) when (IsConfinedToRequest(exception))
                {
                    // The transaction itself is intact: undo this request alone and let the rest of the group commit.
                    if (savepoints)
                    {
                        _rollbackToSavepoint.ExecuteNonQuery();
                        _releaseSavepoint.ExecuteNonQuery();
                    }
                    ForgetTenant(request.Tenant.Value);
                    Log.AppendRolledBack(_logger, request.Tenant.Value, exception);
                    request.Fail(ToRequestFailure(exception));
                }
            }

            if (committed.Count == 0)
            {
                _rollback.ExecuteNonQuery();
                return;
            }
            _commit.ExecuteNonQuery();
        }
        catch (SqliteException exception)
        {
            // A storage fault (I/O error, disk full, lock held past the busy timeout, ...). SQLite may already
            // have rolled the transaction back; make sure it is gone, then fail the whole group: none of it is stored.
            RollbackIfOpen();
            foreach (var request in group)
            {
                ForgetTenant(request.Tenant.Value);
            }
            Log.GroupCommitFailed(_logger, group.Count, exception);
            var unavailable = new JournalUnavailableException("The SQLite journal could not commit the append.", exception);
            foreach (var request in group)
            {
                Log.AppendFailed(_logger, request.Tenant.Value);
                request.Fail(unavailable);
            }
            return;
        }

        foreach (var (tenant, row) in _groupTenants)
        {
            CacheTenant(tenant, row);
        }
        Interlocked.Increment(ref _commitCount);
        _checkpointer.Poke();
        Log.GroupCommitted(_logger, committed.Count, group.Count - committed.Count);
        foreach (var (request, results) in committed)
        {
            request.Complete(results);
        }
    }

    /// <summary>
    /// Writes one request inside the open transaction (and its savepoint, if any). Positions continue from the
    /// tenant's head in batch order, then event order; a known id, or one repeated earlier in the call, takes no
    /// position. Only producers' ids are looked up: a generated id (<see cref="EventToAppend.IdGenerated"/>) is a
    /// fresh UUIDv7, and the unique index would still refuse it, failing the request, were it ever stored twice.
    /// </summary>
    private BatchResult[] AppendRequest(PendingAppend request)
    {
        var tenant = request.Tenant.Value;
        var row = _groupTenants.TryGetValue(tenant, out var groupRow) ? groupRow
            : _tenants.TryGetValue(tenant, out var cachedRow) ? cachedRow
            : LoadTenant(tenant);
        var head = row.Head;
        // Producers' ids seen in this call, for repeats within it; created on the first such id.
        Dictionary<string, JournalEvent>? stored = null;
        var results = new BatchResult[request.Batches.Count];
        for (var b = 0; b < results.Length; b++)
        {
            var batch = request.Batches[b];
            var appended = new AppendedEvent[batch.Count];
            for (var i = 0; i < appended.Length; i++)
            {
                var toAppend = batch[i];
                if (!toAppend.IdGenerated)
                {
                    stored ??= new Dictionary<string, JournalEvent>(StringComparer.Ordinal);
                    if (stored.TryGetValue(toAppend.EventId, out var original) || TrySelectById(row.Id, toAppend.EventId, out original))
                    {
                        stored[toAppend.EventId] = original;
                        appended[i] = new AppendedEvent(original, Duplicate: true);
                        continue;
                    }
                }
                head++;
                var journalEvent = Insert(row.Id, head, toAppend);
                if (stored is not null && !toAppend.IdGenerated)
                {
                    stored[toAppend.EventId] = journalEvent;
                }
                appended[i] = new AppendedEvent(journalEvent, Duplicate: false);
            }
            results[b] = new BatchResult(appended);
        }
        // Only now: a request that fails half-way leaves the group's view of the tenant untouched (its savepoint
        // also undoes a number given to the tenant in it).
        _groupTenants[tenant] = row with { Head = head };
        return results;
    }

    /// <summary>
    /// A tenant the cache does not hold: its number and head from the file, or, on its first append, a new number
    /// (inside the group's transaction, so a rollback takes it back before the cache ever holds it).
    /// </summary>
    private TenantRow LoadTenant(string tenant)
    {
        _selectTenantId.Parameters["@tenant"].Value = tenant;
        if (_selectTenantId.ExecuteScalar() is long id)
        {
            _selectHead.Parameters["@tenant"].Value = tenant;
            return new TenantRow(id, (long)_selectHead.ExecuteScalar()!);
        }
        _insertTenant.Parameters["@tenant"].Value = tenant;
        return new TenantRow((long)_insertTenant.ExecuteScalar()!, Position.Start.Value);
    }

    private bool TrySelectById(long tenantId, string eventId, out JournalEvent original)
    {
        _selectById.Parameters["@tenant_id"].Value = tenantId;
        _selectById.Parameters["@event_id"].Value = eventId;
        using var reader = _selectById.ExecuteReader();
        if (reader.Read())
        {
            original = EventRow.Read(reader);
            return true;
        }
        original = null!;
        return false;
    }

    /// <summary>Inserts one event and returns it as a read would return it (UTC time, the bytes that were bound).</summary>
    private JournalEvent Insert(long tenantId, long position, EventToAppend toAppend)
    {
        var ticks = EventRow.ToTicks(toAppend.Time);
        _insert.Execute(tenantId, position, toAppend, ticks);
        return new JournalEvent(
            new Position(position),
            toAppend.EventId,
            toAppend.Type,
            toAppend.Queue,
            EventRow.FromTicks(ticks),
            toAppend.Data,
            toAppend.Audience,
            toAppend.OriginClientId);
    }

    private void CacheTenant(string tenant, TenantRow row)
    {
        if (_tenants.Count >= MaxCachedTenants && !_tenants.ContainsKey(tenant))
        {
            _tenants.Clear();
        }
        _tenants[tenant] = row;
    }

    /// <summary>Drops a cached tenant, so the next append reads its number and head from the file again.</summary>
    private void ForgetTenant(string tenant)
    {
        _tenants.Remove(tenant);
        _groupTenants.Remove(tenant);
    }

    private void RollbackIfOpen()
    {
        if (sqlite3_get_autocommit(_connection.Handle) != 0)
        {
            return; // no transaction open: BEGIN failed, or SQLite rolled back on its own
        }
        try
        {
            _rollback.ExecuteNonQuery();
        }
        catch (SqliteException exception)
        {
            Log.RollbackFailed(_logger, exception);
        }
    }

    /// <summary>
    /// Errors after which the transaction is still intact, so a savepoint can undo just the request: a violated
    /// constraint or a value SQLite refuses, and any non-SQLite exception (nothing was half-executed).
    /// Everything else (I/O, full disk, busy, corruption) may have ended the transaction and fails the group.
    /// </summary>
    private static bool IsConfinedToRequest(Exception exception) => exception is not SqliteException
        || exception is SqliteException { SqliteErrorCode: SQLITE_CONSTRAINT or SQLITE_TOOBIG or SQLITE_MISMATCH };

    /// <summary>
    /// A clash on the position key or the event-id index means the table changed under the head cache (another
    /// process wrote to the file): a storage condition, worth a retry now that the head is forgotten. Any other
    /// request-level error is the caller's bug (e.g. an over-long event id) and is reported as it is.
    /// </summary>
    private static Exception ToRequestFailure(Exception exception) =>
        exception is SqliteException { SqliteExtendedErrorCode: SQLITE_CONSTRAINT_PRIMARYKEY or SQLITE_CONSTRAINT_UNIQUE }
            ? new JournalUnavailableException("The SQLite journal changed under its writer; retry the append.", exception)
            : exception;

    /// <summary>A tenant's number (its key in every row) and committed head, as the writer caches them.</summary>
    private readonly record struct TenantRow(long Id, long Head);

    /// <summary>A command kept for the writer's lifetime; Microsoft.Data.Sqlite prepares it on first use and reuses the statement.</summary>
    private SqliteCommand CreateCommand(string sql, params (string Name, SqliteType Type)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, type) in parameters)
        {
            command.Parameters.Add(name, type);
        }
        return command;
    }
}

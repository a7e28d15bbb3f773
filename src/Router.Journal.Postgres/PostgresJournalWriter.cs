using System.Data;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Log = Router.Journal.Postgres.PostgresEventJournal.Log;

namespace Router.Journal.Postgres;

/// <summary>
/// This node's only journal writer: one bounded mailbox of <see cref="PendingAppend"/>s and one loop that
/// drains it. Each turn takes every request waiting (up to the group-commit cap, from any tenants) and
/// commits them in one transaction on a pooled connection, so concurrent appends share one round of
/// locking and one WAL flush. Writers on other nodes are serialized per tenant by the head rows
/// (<c>Sql/LockHeads.sql</c>), not by this loop.
/// </summary>
/// <remarks>
/// Three round trips per group, whatever its size: lock the heads and look up duplicate ids; insert every
/// new event (savepoint, insert, release, pipelined); update the heads, notify and commit. Only when
/// PostgreSQL refuses an event does the group fall back to one savepoint and insert per request, so that
/// the faulty request fails alone.
/// </remarks>
internal sealed class PostgresJournalWriter : IAsyncDisposable
{
    /// <summary>Appends waiting for the writer; the loop waits on its reader.</summary>
    private readonly AppendMailbox _mailbox;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _channel;
    private readonly ILogger _logger;

    /// <summary>The loop; awaited by <see cref="DisposeAsync"/>.</summary>
    private Task _loop = Task.CompletedTask;

    /// <summary>Transactions committed; lets tests see that concurrent appends were grouped.</summary>
    private long _commitCount;

    public PostgresJournalWriter(NpgsqlDataSource dataSource, string channel, int maxEventsPerCommit, ILogger logger)
    {
        _dataSource = dataSource;
        _channel = channel;
        _logger = logger;
        _mailbox = new AppendMailbox(maxEventsPerCommit, PostgresEventJournal.Name);
    }

    public long CommitCount => Interlocked.Read(ref _commitCount);

    public AppendMailbox Mailbox => _mailbox;

    public bool IsFaulted => _mailbox.IsFaulted;

    public int QueuedCount => _mailbox.Count;

    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>Stops accepting requests and commits those already queued.</summary>
    public async ValueTask DisposeAsync()
    {
        _mailbox.Complete();
        await _loop;
    }

    private async Task RunAsync()
    {
        var group = new List<PendingAppend>();
        try
        {
            while (await _mailbox.Reader.WaitToReadAsync())
            {
                _mailbox.TakeGroup(group);
                if (group.Count > 0)
                {
                    await CommitGroupAsync(group);
                }
                group.Clear();
            }
        }
        catch (Exception exception)
        {
            // Ownership boundary: the loop owns every queued request, so none may be left without an outcome.
            // Only a bug gets here (storage faults are handled per group in CommitGroupAsync).
            Log.WriterFaulted(_logger, exception);
            _mailbox.FailAll(group, exception);
        }
    }

    private async Task CommitGroupAsync(List<PendingAppend> group)
    {
        if (await TryCommitGroupAsync(group, mayRetry: true) == GroupOutcome.RetryOnFreshConnection)
        {
            // Requests rolled back alone in the first attempt keep that outcome; the rest go again.
            var again = group.Where(r => !r.Completion.IsCompleted).ToList();
            if (again.Count > 0)
            {
                await TryCommitGroupAsync(again, mayRetry: false);
            }
        }
    }

    /// <summary>
    /// One attempt at committing a group. A connection that breaks before COMMIT was sent leaves nothing
    /// behind (PostgreSQL rolls back the session's transaction), so that attempt may be made again, once, on a
    /// fresh connection: the usual cause is a pooled connection that died idle (a restarted server, killed
    /// backends), and publishers should not see that.
    /// </summary>
    private async Task<GroupOutcome> TryCommitGroupAsync(List<PendingAppend> group, bool mayRetry)
    {
        // Head rows are locked in byte order of tenant (LockHeads.sql); requests run in that order too, and the
        // sort is stable, so one tenant's requests keep their mailbox order.
        var requests = group.OrderBy(r => r.Tenant.Value, StringComparer.Ordinal).ToArray();
        var committed = new List<(PendingAppend Request, IReadOnlyList<BatchResult> Results)>(requests.Length);
        var stored = new List<(string Tenant, JournalEvent Event)>();
        NpgsqlConnection? connection = null;
        var commitSent = false;
        try
        {
            connection = await _dataSource.OpenConnectionAsync();
            var (heads, known) = await BeginAsync(connection, requests);
            var startHeads = new Dictionary<string, long>(heads, StringComparer.Ordinal);
            if (!await TryInsertAllAsync(connection, requests, heads, known, committed, stored))
            {
                // Some request holds an event PostgreSQL refuses; the insert was undone. Go request by request
                // from the same heads, each in its own savepoint, so that only the faulty ones fail.
                heads = new Dictionary<string, long>(startHeads, StringComparer.Ordinal);
                await InsertOneByOneAsync(connection, requests, heads, known, committed, stored);
            }

            if (committed.Count == 0)
            {
                await ExecuteAsync(connection, SqlStatements.Rollback);
                return GroupOutcome.Done;
            }
            commitSent = true;
            await CommitAsync(connection, heads.Where(h => h.Value != startHeads[h.Key]).ToArray());
        }
        catch (NpgsqlException exception)
        {
            // A storage fault: connection lost or refused, timeout, PostgreSQL shutting down, deadlock, ...
            // Unless COMMIT was sent, the transaction is gone with its connection or rolled back below.
            // Broken: I/O failed, or the server ended the session (a FATAL error such as 57P01 on shutdown or
            // pg_terminate_backend), or no connection could be had.
            if (connection is null || connection.FullState.HasFlag(ConnectionState.Broken) || exception is not PostgresException)
            {
                // Pooled connections opened before the failure are likely dead too (a restarted server, killed
                // backends): drop them, so the next group opens a fresh connection instead of failing again.
                _dataSource.Clear();
                if (!commitSent && mayRetry)
                {
                    Log.GroupRetrying(_logger, group.Count, exception);
                    return GroupOutcome.RetryOnFreshConnection;
                }
            }
            if (commitSent && stored.Count > 0 && await WasCommittedAsync(stored[0]))
            {
                // The COMMIT went through and only its answer was lost.
                Log.CommitConfirmed(_logger, committed.Count, exception);
            }
            else
            {
                FailGroup(group, exception, commitSent);
                return GroupOutcome.Done;
            }
        }
        finally
        {
            if (connection is not null)
            {
                // Back to the pool; Npgsql rolls back a transaction left open by a failure before reuse.
                await connection.DisposeAsync();
            }
        }

        Interlocked.Increment(ref _commitCount);
        Log.GroupCommitted(_logger, committed.Count, group.Count - committed.Count);
        foreach (var (request, results) in committed)
        {
            request.Complete(results);
        }
        return GroupOutcome.Done;
    }

    private void FailGroup(List<PendingAppend> group, NpgsqlException exception, bool commitSent)
    {
        Log.GroupCommitFailed(_logger, group.Count, exception);
        var unavailable = new JournalUnavailableException(
            commitSent
                ? "The PostgreSQL journal lost its connection while committing, and the commit could not be confirmed: retry the append with the same event ids."
                : "The PostgreSQL journal could not commit the append.",
            exception);
        foreach (var request in group)
        {
            Log.AppendFailed(_logger, request.Tenant.Value);
            request.Fail(unavailable);
        }
    }

    /// <summary>
    /// BEGIN, lock the head row of every tenant of the group (the invariant is written in LockHeads.sql) and
    /// look up every event id of the group that is already stored, in one round trip.
    /// </summary>
    private static async Task<(Dictionary<string, long> Heads, Dictionary<(string, string), JournalEvent> Known)> BeginAsync(
        NpgsqlConnection connection,
        PendingAppend[] requests)
    {
        var tenants = requests.Select(r => r.Tenant.Value).Distinct(StringComparer.Ordinal).ToArray();
        var keyTenants = new List<string>();
        var keyIds = new List<string>();
        foreach (var request in requests)
        {
            foreach (var batch in request.Batches)
            {
                foreach (var toAppend in batch)
                {
                    keyTenants.Add(request.Tenant.Value);
                    keyIds.Add(toAppend.EventId);
                }
            }
        }

        await using var batchCommand = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(SqlStatements.Begin),
                Command(SqlStatements.LockHeads, TextArray("tenants", tenants)),
                Command(SqlStatements.SelectDuplicates, TextArray("tenants", keyTenants.ToArray()), TextArray("event_ids", keyIds.ToArray())),
            },
        };
        var heads = new Dictionary<string, long>(StringComparer.Ordinal);
        var known = new Dictionary<(string, string), JournalEvent>();
        await using var reader = await batchCommand.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            heads[reader.GetString(0)] = reader.GetInt64(1);
        }
        await reader.NextResultAsync();
        while (await reader.ReadAsync())
        {
            var journalEvent = EventRow.Read(reader, first: 1);
            known[(reader.GetString(0), journalEvent.EventId)] = journalEvent;
        }
        return (heads, known);
    }

    /// <summary>
    /// Decides a request's outcome before anything is written: positions continue from the tenant's head in
    /// batch order, then event order; a stored id, or one repeated earlier in the call, takes no position.
    /// </summary>
    private static RequestPlan Plan(PendingAppend request, long head, Dictionary<(string, string), JournalEvent> known)
    {
        var tenant = request.Tenant.Value;
        var inCall = new Dictionary<string, JournalEvent>(StringComparer.Ordinal);
        var rows = new List<JournalEvent>();
        var results = new BatchResult[request.Batches.Count];
        for (var b = 0; b < results.Length; b++)
        {
            var batch = request.Batches[b];
            var appended = new AppendedEvent[batch.Count];
            for (var i = 0; i < appended.Length; i++)
            {
                var toAppend = batch[i];
                if (inCall.TryGetValue(toAppend.EventId, out var original) || known.TryGetValue((tenant, toAppend.EventId), out original))
                {
                    inCall[toAppend.EventId] = original;
                    appended[i] = new AppendedEvent(original, Duplicate: true);
                    continue;
                }
                head++;
                // As a read would return it: UTC, to the microsecond, the very bytes that are bound.
                var journalEvent = new JournalEvent(
                    new Position(head),
                    toAppend.EventId,
                    toAppend.Type,
                    toAppend.Queue,
                    EventRow.FromStored(EventRow.ToStored(toAppend.Time)),
                    EventRow.ToBytea(toAppend.Data),
                    // Cast first: a null byte[] converted to ReadOnlyMemory<byte>? would become an empty, non-null audience.
                    toAppend.Audience is { } audience ? (ReadOnlyMemory<byte>?)EventRow.ToBytea(audience) : null,
                    toAppend.OriginClientId);
                inCall[toAppend.EventId] = journalEvent;
                rows.Add(journalEvent);
                appended[i] = new AppendedEvent(journalEvent, Duplicate: false);
            }
            results[b] = new BatchResult(appended);
        }
        return new RequestPlan(results, rows, head);
    }

    /// <summary>
    /// The usual case: every request of the group planned in order and inserted by one statement (one round trip
    /// whatever the group's size), inside a savepoint. False, with the savepoint rolled back and nothing recorded,
    /// when PostgreSQL refused an event (<see cref="IsConfinedToRequest"/>).
    /// </summary>
    private async Task<bool> TryInsertAllAsync(
        NpgsqlConnection connection,
        PendingAppend[] requests,
        Dictionary<string, long> heads,
        Dictionary<(string, string), JournalEvent> known,
        List<(PendingAppend Request, IReadOnlyList<BatchResult> Results)> committed,
        List<(string Tenant, JournalEvent Event)> stored)
    {
        // Planned against a copy of the known ids, so a refused insert leaves the caller's untouched.
        var planKnown = new Dictionary<(string, string), JournalEvent>(known);
        var planned = new List<(PendingAppend Request, RequestPlan Plan)>(requests.Length);
        var rows = new List<(string Tenant, JournalEvent Event)>();
        var planHeads = new Dictionary<string, long>(heads, StringComparer.Ordinal);
        foreach (var request in requests)
        {
            var tenant = request.Tenant.Value;
            var plan = Plan(request, planHeads[tenant], planKnown);
            planHeads[tenant] = plan.Head;
            foreach (var row in plan.Rows)
            {
                planKnown[(tenant, row.EventId)] = row;
                rows.Add((tenant, row));
            }
            planned.Add((request, plan));
        }
        if (rows.Count > 0)
        {
            try
            {
                await InsertAsync(connection, rows);
            }
            catch (PostgresException exception) when (IsConfinedToRequest(exception))
            {
                await ExecuteAsync(connection, SqlStatements.RollbackToSavepoint);
                return false;
            }
        }
        foreach (var (tenant, head) in planHeads)
        {
            heads[tenant] = head;
        }
        foreach (var (request, plan) in planned)
        {
            committed.Add((request, plan.Results));
        }
        stored.AddRange(rows);
        return true;
    }

    /// <summary>The fallback: one savepoint and insert per request; a request PostgreSQL refuses fails alone.</summary>
    private async Task InsertOneByOneAsync(
        NpgsqlConnection connection,
        PendingAppend[] requests,
        Dictionary<string, long> heads,
        Dictionary<(string, string), JournalEvent> known,
        List<(PendingAppend Request, IReadOnlyList<BatchResult> Results)> committed,
        List<(string Tenant, JournalEvent Event)> stored)
    {
        foreach (var request in requests)
        {
            var tenant = request.Tenant.Value;
            var plan = Plan(request, heads[tenant], known);
            var rows = plan.Rows.Select(row => (tenant, row)).ToList();
            if (rows.Count > 0)
            {
                try
                {
                    await InsertAsync(connection, rows);
                }
                catch (PostgresException exception) when (IsConfinedToRequest(exception))
                {
                    // The transaction itself is intact: undo this request alone and let the rest of the group commit.
                    await ExecuteAsync(connection, SqlStatements.RollbackToSavepoint);
                    Log.AppendRolledBack(_logger, tenant, exception);
                    request.Fail(ToRequestFailure(exception));
                    continue;
                }
            }
            heads[tenant] = plan.Head;
            foreach (var row in plan.Rows)
            {
                known[(tenant, row.EventId)] = row;
            }
            stored.AddRange(rows);
            committed.Add((request, plan.Results));
        }
    }

    /// <summary>Inserts events (of one or several tenants) inside a savepoint, in one round trip.</summary>
    private static async Task InsertAsync(NpgsqlConnection connection, List<(string Tenant, JournalEvent Event)> rows)
    {
        var tenants = new string[rows.Count];
        var positions = new long[rows.Count];
        var eventIds = new string[rows.Count];
        var types = new string[rows.Count];
        var queues = new string?[rows.Count];
        var times = new DateTime[rows.Count];
        var data = new byte[rows.Count][];
        var audiences = new byte[]?[rows.Count];
        var origins = new string?[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var (tenant, row) = rows[i];
            tenants[i] = tenant;
            positions[i] = row.Position.Value;
            eventIds[i] = row.EventId;
            types[i] = row.Type;
            queues[i] = row.Queue;
            times[i] = EventRow.ToStored(row.Time);
            data[i] = EventRow.ToBytea(row.Data);
            audiences[i] = row.Audience is { } audience ? EventRow.ToBytea(audience) : null;
            origins[i] = row.OriginClientId;
        }

        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(SqlStatements.Savepoint),
                Command(
                    SqlStatements.InsertEvents,
                    TextArray("tenants", tenants),
                    new NpgsqlParameter("positions", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = positions },
                    TextArray("event_ids", eventIds),
                    TextArray("types", types),
                    TextArray("queues", queues),
                    new NpgsqlParameter("times", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = times },
                    new NpgsqlParameter("data", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = data },
                    new NpgsqlParameter("audiences", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = audiences },
                    TextArray("origin_client_ids", origins)),
                new NpgsqlBatchCommand(SqlStatements.ReleaseSavepoint),
            },
        };
        await batch.ExecuteNonQueryAsync();
    }

    /// <summary>Sets the heads that moved, wakes other nodes for those tenants, and commits, in one round trip.</summary>
    private async Task CommitAsync(NpgsqlConnection connection, KeyValuePair<string, long>[] movedHeads)
    {
        await using var batch = new NpgsqlBatch(connection);
        if (movedHeads.Length > 0)
        {
            var tenants = movedHeads.Select(h => h.Key).ToArray();
            batch.BatchCommands.Add(Command(
                SqlStatements.UpdateHeads,
                TextArray("tenants", tenants),
                new NpgsqlParameter("heads", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = movedHeads.Select(h => h.Value).ToArray() }));
            batch.BatchCommands.Add(Command(
                SqlStatements.Notify,
                new NpgsqlParameter("channel", NpgsqlDbType.Text) { Value = _channel },
                TextArray("tenants", tenants)));
        }
        batch.BatchCommands.Add(new NpgsqlBatchCommand(SqlStatements.Commit));
        await batch.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// After the connection broke with COMMIT in flight: a transaction is atomic, so one of its events being
    /// stored (with its position) says the whole group committed. False when it is not, or when nobody can tell.
    /// </summary>
    private async Task<bool> WasCommittedAsync((string Tenant, JournalEvent Event) probe)
    {
        try
        {
            await using var command = _dataSource.CreateCommand(SqlStatements.SelectEventPosition);
            command.Parameters.Add(new NpgsqlParameter("tenant", NpgsqlDbType.Text) { Value = probe.Tenant });
            command.Parameters.Add(new NpgsqlParameter("event_id", NpgsqlDbType.Text) { Value = probe.Event.EventId });
            return await command.ExecuteScalarAsync() is long position && position == probe.Event.Position.Value;
        }
        catch (NpgsqlException exception)
        {
            Log.CommitUnconfirmed(_logger, exception);
            return false;
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter TextArray(string name, string?[] values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values };

    /// <summary>
    /// Errors after which the transaction is intact once rolled back to the request's savepoint: a value
    /// PostgreSQL refuses (class 22, e.g. a string too long) or a violated constraint (class 23). Everything
    /// else (connection, timeout, shutdown, deadlock, resources) fails the group.
    /// </summary>
    private static bool IsConfinedToRequest(PostgresException exception) =>
        exception.SqlState.StartsWith("22", StringComparison.Ordinal) || exception.SqlState.StartsWith("23", StringComparison.Ordinal);

    /// <summary>
    /// A clash on the position key or the event-id index means rows appeared that bypassed the head lock (another
    /// program wrote to the table): a storage condition, worth a retry. Any other request-level error is the
    /// caller's bug (e.g. an over-long event id) and is reported as it is.
    /// </summary>
    private static Exception ToRequestFailure(PostgresException exception) =>
        exception.SqlState == PostgresErrorCodes.UniqueViolation
            ? new JournalUnavailableException("The PostgreSQL journal changed under its writer; retry the append.", exception)
            : exception;

    private enum GroupOutcome
    {
        /// <summary>Every request of the group has its outcome.</summary>
        Done,

        /// <summary>The connection broke before COMMIT: nothing was stored, and the requests without an outcome may go again.</summary>
        RetryOnFreshConnection,
    }

    private sealed record RequestPlan(BatchResult[] Results, List<JournalEvent> Rows, long Head);
}

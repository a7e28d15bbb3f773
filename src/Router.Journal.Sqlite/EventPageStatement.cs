using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using static SQLitePCL.raw;

namespace Router.Journal.Sqlite;

/// <summary>
/// One page of <c>Sql/SelectEvents.sql</c> or <c>Sql/SelectQueueEvents.sql</c>, stepped on SQLite's own API over
/// a <see cref="PageConnection"/> (no connection mutex, statements kept prepared). Replay reads millions of rows,
/// and Microsoft.Data.Sqlite's data reader made ~17 native calls per row (type checks, a blob length and copy per
/// column) and allocated ~480 B on top of the event; here a row is read with one call per number, two per
/// non-empty blob or text (pointer and length, copied once into the event's array or string), and a type check
/// only for an empty value, which could be NULL. The row calls go through <see cref="SqliteNative"/> on the raw
/// statement pointer. Text columns are read as their stored bytes: the journal's file is UTF-8 (SQLite's default
/// encoding; the journal never sets another), and the table is STRICT, so a TEXT column holds text or NULL only.
/// </summary>
internal static class EventPageStatement
{
    /// <summary>Microsoft.Data.Sqlite's wait between two tries of a statement SQLite reports busy.</summary>
    private static readonly TimeSpan BusyRetryDelay = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// A queue page is read as a range of the tenant's primary key when the queue holds at least one in this many
    /// of the tenant's events in that range: stepping over a few other queues' rows costs less than a table lookup
    /// (a b-tree descent comparing the tenant's text) for every row of the page.
    /// </summary>
    internal const int DenseRangeFactor = 4;

    /// <summary>
    /// Reads one page on <paramref name="connection"/> (rented by this thread). SQLite's errors throw
    /// <see cref="SqliteException"/>, as Microsoft.Data.Sqlite's would; a busy database is retried until
    /// <paramref name="busyTimeout"/>, as Microsoft.Data.Sqlite retries until the command timeout. After an
    /// exception the connection may still be in a transaction: the caller closes it instead of pooling it.
    /// </summary>
    public static List<JournalEvent> Read(PageConnection connection, string tenant, JournalQuery query, TimeSpan busyTimeout)
    {
        var started = Stopwatch.GetTimestamp();
        if (query.Queue?.Value is { } queue)
        {
            return ReadQueuePage(connection, tenant, queue, query, started, busyTimeout);
        }
        var db = connection.Handle;
        var statement = Prepare(connection, PageSql.TenantPage, started, busyTimeout);
        try
        {
            BindText(db, statement, "@tenant\0"u8, tenant);
            BindInt64(db, statement, "@after\0"u8, query.After.Value);
            BindInt64(db, statement, "@limit\0"u8, query.Limit);
            return ReadRows(db, statement, queryQueue: null, query.Limit, started, busyTimeout);
        }
        finally
        {
            // Ends the read transaction: an idle pooled connection must not hold a snapshot (it would stop WAL checkpoints).
            sqlite3_reset(statement);
        }
    }

    /// <summary>
    /// The queue index finds how far the page reaches; a dense page is then read as one primary-key range, a
    /// sparse one by the index with a table lookup per row. One transaction, so both statements see one snapshot.
    /// </summary>
    private static List<JournalEvent> ReadQueuePage(PageConnection connection, string tenant, string queue, JournalQuery query, long started, TimeSpan busyTimeout)
    {
        var db = connection.Handle;
        Execute(connection, PageSql.BeginRead, started, busyTimeout);
        long count;
        long last;
        var bounds = Prepare(connection, PageSql.QueuePageBounds, started, busyTimeout);
        try
        {
            BindText(db, bounds, "@tenant\0"u8, tenant);
            BindText(db, bounds, "@queue\0"u8, queue);
            BindInt64(db, bounds, "@after\0"u8, query.After.Value);
            BindInt64(db, bounds, "@limit\0"u8, query.Limit);
            var rc = Step(bounds, started, busyTimeout);
            if (rc != SQLITE_ROW)
            {
                SqliteException.ThrowExceptionForRC(rc, db);
            }
            count = sqlite3_column_int64(bounds, 0);
            last = sqlite3_column_int64(bounds, 1);
        }
        finally
        {
            sqlite3_reset(bounds);
        }

        List<JournalEvent> page;
        if (count == 0)
        {
            page = [];
        }
        else if (last - query.After.Value <= DenseRangeFactor * count)
        {
            var range = Prepare(connection, PageSql.QueuePageRange, started, busyTimeout);
            try
            {
                BindText(db, range, "@tenant\0"u8, tenant);
                BindInt64(db, range, "@after\0"u8, query.After.Value);
                BindInt64(db, range, "@last\0"u8, last);
                BindText(db, range, "@queue\0"u8, queue);
                page = ReadRows(db, range, queue, (int)count, started, busyTimeout);
            }
            finally
            {
                sqlite3_reset(range);
            }
            connection.RangePages++;
        }
        else
        {
            var lookups = Prepare(connection, PageSql.QueuePage, started, busyTimeout);
            try
            {
                BindText(db, lookups, "@tenant\0"u8, tenant);
                BindText(db, lookups, "@queue\0"u8, queue);
                BindInt64(db, lookups, "@after\0"u8, query.After.Value);
                BindInt64(db, lookups, "@limit\0"u8, query.Limit);
                page = ReadRows(db, lookups, queue, query.Limit, started, busyTimeout);
            }
            finally
            {
                sqlite3_reset(lookups);
            }
        }
        Execute(connection, PageSql.Commit, started, busyTimeout);
        return page;
    }

    private static List<JournalEvent> ReadRows(sqlite3 db, sqlite3_stmt statement, string? queryQueue, int limit, long started, TimeSpan busyTimeout)
    {
        var success = false;
        statement.DangerousAddRef(ref success);
        try
        {
            var stmt = statement.DangerousGetHandle();
            var rc = Step(statement, started, busyTimeout);
            var page = new List<JournalEvent>(Math.Min(limit, 256));
            var types = default(TextCache);
            var origins = default(TextCache);
            while (rc == SQLITE_ROW)
            {
                page.Add(new JournalEvent(
                    new Position(SqliteNative.ColumnInt64(stmt, 0)),
                    ReadText(stmt, 1) ?? "",
                    // A page usually holds a few types and tabs over and over: share the string of the row before.
                    types.Get(stmt, 2) ?? "",
                    queryQueue ?? ReadText(stmt, 3),
                    EventRow.FromTicks(SqliteNative.ColumnInt64(stmt, 4)),
                    SqliteNative.ColumnBytesOf(stmt, 5).ToArray(),
                    ReadAudience(stmt),
                    origins.Get(stmt, 7)));
                rc = SqliteNative.Step(stmt);
            }
            if (rc != SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, db);
            }
            return page;
        }
        finally
        {
            if (success)
            {
                statement.DangerousRelease();
            }
        }
    }

    /// <summary>The first step of a statement, retried while the database is busy. Only it can wait for a lock: once it returns, the read transaction holds its snapshot.</summary>
    private static int Step(sqlite3_stmt statement, long started, TimeSpan busyTimeout)
    {
        int rc;
        while (IsBusy(rc = sqlite3_step(statement)) && Wait(started, busyTimeout))
        {
            sqlite3_reset(statement);
        }
        return rc;
    }

    private static sqlite3_stmt Prepare(PageConnection connection, PageSql which, long started, TimeSpan busyTimeout)
    {
        sqlite3_stmt statement;
        int rc;
        while (IsBusy(rc = connection.TryGetStatement(which, out statement)) && Wait(started, busyTimeout))
        {
        }
        Check(connection.Handle, rc);
        return statement;
    }

    private static void Execute(PageConnection connection, PageSql which, long started, TimeSpan busyTimeout)
    {
        var statement = Prepare(connection, which, started, busyTimeout);
        try
        {
            var rc = Step(statement, started, busyTimeout);
            if (rc != SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, connection.Handle);
            }
        }
        finally
        {
            sqlite3_reset(statement);
        }
    }

    private static void BindInt64(sqlite3 db, sqlite3_stmt statement, ReadOnlySpan<byte> name, long value) =>
        Check(db, sqlite3_bind_int64(statement, IndexOf(statement, name), value));

    private static ReadOnlyMemory<byte>? ReadAudience(nint statement)
    {
        var bytes = SqliteNative.ColumnBytesOf(statement, 6);
        // An empty span is NULL (a public event) or a zero-length blob: only then is the type worth a call.
        if (!bytes.IsEmpty)
        {
            return bytes.ToArray();
        }
        // Typed first: a null byte[] converted to ReadOnlyMemory<byte>? would become an empty, non-null memory.
        return SqliteNative.ColumnType(statement, 6) == SQLITE_NULL ? (ReadOnlyMemory<byte>?)null : Array.Empty<byte>();
    }

    private static string? ReadText(nint statement, int column)
    {
        var bytes = SqliteNative.ColumnBytesOf(statement, column);
        if (!bytes.IsEmpty)
        {
            return Encoding.UTF8.GetString(bytes);
        }
        return SqliteNative.ColumnType(statement, column) == SQLITE_NULL ? null : "";
    }

    private static void BindText(sqlite3 db, sqlite3_stmt statement, ReadOnlySpan<byte> name, string text) =>
        // An empty span would bind NULL (see EventInsertStatement.BindText); '' goes through the zero-terminated overload.
        Check(db, text.Length == 0
            ? sqlite3_bind_text(statement, IndexOf(statement, name), string.Empty)
            : sqlite3_bind_text16(statement, IndexOf(statement, name), text.AsSpan()));

    /// <summary><paramref name="name"/> is zero-terminated UTF-8: looked up without converting a string on every page.</summary>
    private static int IndexOf(sqlite3_stmt statement, ReadOnlySpan<byte> name)
    {
        var index = sqlite3_bind_parameter_index(statement, utf8z.FromSpan(name));
        return index > 0 ? index : throw new InvalidOperationException($"The page query has no parameter {Encoding.UTF8.GetString(name[..^1])}.");
    }

    private static bool IsBusy(int rc) => (rc & 0xFF) is SQLITE_BUSY or SQLITE_LOCKED;

    /// <summary>Sleeps before another try, or returns false once the busy timeout has passed.</summary>
    private static bool Wait(long started, TimeSpan busyTimeout)
    {
        if (Stopwatch.GetElapsedTime(started) >= busyTimeout)
        {
            return false;
        }
        Thread.Sleep(BusyRetryDelay);
        return true;
    }

    private static void Check(sqlite3 db, int rc)
    {
        if (rc != SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }

    /// <summary>The last text read from one column, by its UTF-8 bytes, so that a repeated value is not decoded again.</summary>
    private struct TextCache
    {
        private byte[]? _bytes;
        private int _length;
        private string? _text;

        public string? Get(nint statement, int column)
        {
            var bytes = SqliteNative.ColumnBytesOf(statement, column);
            if (bytes.IsEmpty)
            {
                return SqliteNative.ColumnType(statement, column) == SQLITE_NULL ? null : "";
            }
            if (_text is not null && bytes.SequenceEqual(_bytes.AsSpan(0, _length)))
            {
                return _text;
            }
            if (_bytes is null || _bytes.Length < bytes.Length)
            {
                _bytes = new byte[Math.Max(bytes.Length, 64)];
            }
            bytes.CopyTo(_bytes);
            _length = bytes.Length;
            return _text = Encoding.UTF8.GetString(bytes);
        }
    }
}

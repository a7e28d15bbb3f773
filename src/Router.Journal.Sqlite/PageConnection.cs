using Microsoft.Data.Sqlite;
using SQLitePCL;
using static SQLitePCL.raw;

namespace Router.Journal.Sqlite;

/// <summary>
/// A read-only connection for journal pages, opened with <c>SQLITE_OPEN_NOMUTEX</c>: SQLite's build is
/// serialized by default, so every call on a connection took and released its mutex (~7% of server CPU in the
/// replay profile, a dozen calls per row). That is safe to drop because a page connection is used by one thread
/// at a time: <see cref="PageConnectionPool"/> hands it out to a single reader and takes it back before anyone
/// else may have it. It keeps the two page statements prepared across pages; a statement is always reset when a
/// page ends (<see cref="EventPageStatement"/>), so an idle connection holds no read snapshot and never keeps a
/// WAL checkpoint from finishing.
/// </summary>
internal sealed class PageConnection : IDisposable
{
    private static readonly string[] s_sql =
    [
        SqlStatements.SelectEvents,
        SqlStatements.SelectQueueEvents,
        SqlStatements.SelectQueuePageBounds,
        SqlStatements.SelectQueueEventsInRange,
        SqlStatements.BeginRead,
        SqlStatements.Commit,
    ];

    /// <summary>Prepared on first use, indexed by <see cref="PageSql"/>.</summary>
    private readonly sqlite3_stmt?[] _statements = new sqlite3_stmt?[s_sql.Length];

    private PageConnection(sqlite3 handle) => Handle = handle;

    public sqlite3 Handle { get; }

    /// <summary>Queue pages read as a primary-key range (a dense queue), for tests.</summary>
    public long RangePages { get; set; }

    /// <summary>Opens <paramref name="path"/> read-only; SQLite's errors throw <see cref="SqliteException"/>.</summary>
    public static PageConnection Open(string path)
    {
        var rc = sqlite3_open_v2(path, out var handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, null);
        if (rc != SQLITE_OK)
        {
            try
            {
                SqliteException.ThrowExceptionForRC(rc, handle);
            }
            finally
            {
                handle.Dispose();
            }
        }
        return new PageConnection(handle);
    }

    /// <summary>
    /// One of the page statements, prepared on first use. Returns SQLite's code: preparing reads the schema, which
    /// a busy database can refuse for a moment; the caller retries.
    /// </summary>
    public int TryGetStatement(PageSql which, out sqlite3_stmt statement)
    {
        if (_statements[(int)which] is { } cached)
        {
            statement = cached;
            return SQLITE_OK;
        }
        var rc = sqlite3_prepare_v2(Handle, s_sql[(int)which], out statement);
        if (rc == SQLITE_OK)
        {
            _statements[(int)which] = statement;
        }
        else
        {
            statement.Dispose();
        }
        return rc;
    }

    /// <summary>Finalizes the statements, then closes the connection (which rolls back a transaction left open).</summary>
    public void Dispose()
    {
        foreach (var statement in _statements)
        {
            statement?.Dispose();
        }
        Handle.Dispose();
    }
}

/// <summary>The statements a <see cref="PageConnection"/> keeps prepared.</summary>
internal enum PageSql
{
    TenantPage,
    QueuePage,
    QueuePageBounds,
    QueuePageRange,
    BeginRead,
    Commit,
}

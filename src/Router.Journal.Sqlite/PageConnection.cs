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
    private sqlite3_stmt? _tenantPage;
    private sqlite3_stmt? _queuePage;

    private PageConnection(sqlite3 handle) => Handle = handle;

    public sqlite3 Handle { get; }

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
    /// The prepared page statement (one-queue or whole-tenant), prepared on first use. Returns SQLite's code:
    /// preparing reads the schema, which a busy database can refuse for a moment; the caller retries.
    /// </summary>
    public int TryGetStatement(bool oneQueue, out sqlite3_stmt statement)
    {
        ref var cached = ref oneQueue ? ref _queuePage : ref _tenantPage;
        if (cached is not null)
        {
            statement = cached;
            return SQLITE_OK;
        }
        var rc = sqlite3_prepare_v2(Handle, oneQueue ? SqlStatements.SelectQueueEvents : SqlStatements.SelectEvents, out statement);
        if (rc == SQLITE_OK)
        {
            cached = statement;
        }
        else
        {
            statement.Dispose();
        }
        return rc;
    }

    /// <summary>Finalizes the statements, then closes the connection.</summary>
    public void Dispose()
    {
        _tenantPage?.Dispose();
        _queuePage?.Dispose();
        Handle.Dispose();
    }
}

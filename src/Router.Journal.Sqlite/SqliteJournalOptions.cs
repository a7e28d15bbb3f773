namespace Router.Journal.Sqlite;

/// <summary>
/// Settings of the SQLite journal. Defaults live in <c>hocon/router.conf</c>, not here, so that there is
/// one source of truth; the journal's constructor rejects values that cannot work.
/// </summary>
public sealed class SqliteJournalOptions
{
    /// <summary>The database file. A relative path is relative to the working directory; a missing directory is created.</summary>
    public string Path { get; set; } = null!;

    /// <summary>How far a commit is synced to disk before an append is acknowledged (see <see cref="SqliteSynchronous"/>).</summary>
    public SqliteSynchronous Synchronous { get; set; }

    /// <summary>
    /// How long a statement waits for a lock held by another connection (another process on the same file,
    /// or a checkpoint) before the operation fails with <see cref="JournalUnavailableException"/>.
    /// Microsoft.Data.Sqlite counts its retry budget in whole seconds, so this is rounded up to a second.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; }

    /// <summary>
    /// Group-commit cap: the most events the writer puts in one transaction when several appends are
    /// waiting. One append call is never split, so a call larger than this still commits alone and whole.
    /// It also bounds the queue of waiting appends (that many calls), beyond which callers wait.
    /// </summary>
    public int MaxEventsPerCommit { get; set; }
}

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Router.Journal.Sqlite;

/// <summary>A temporary directory holding one test's database file; deleted on dispose.</summary>
internal sealed class SqliteTestStore : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("router-sqlite-journal-");

    /// <summary>Inside a folder that does not exist yet: opening the journal must create it.</summary>
    public string DatabasePath => Path.Combine(_directory.FullName, "data", "router.db");

    public static SqliteJournalOptions Options(string path, SqliteSynchronous synchronous = SqliteSynchronous.Normal, int maxEventsPerCommit = 256, TimeSpan? busyTimeout = null) => new()
    {
        Path = path,
        Synchronous = synchronous,
        BusyTimeout = busyTimeout ?? TimeSpan.FromSeconds(10),
        MaxEventsPerCommit = maxEventsPerCommit,
    };

    public SqliteEventJournal CreateJournal(SqliteSynchronous synchronous = SqliteSynchronous.Normal, int maxEventsPerCommit = 256, TimeSpan? busyTimeout = null) =>
        new(Options(DatabasePath, synchronous, maxEventsPerCommit, busyTimeout), NullLogger<SqliteEventJournal>.Instance);

    public async Task<SqliteEventJournal> OpenJournalAsync(SqliteSynchronous synchronous = SqliteSynchronous.Normal, int maxEventsPerCommit = 256, TimeSpan? busyTimeout = null)
    {
        var journal = CreateJournal(synchronous, maxEventsPerCommit, busyTimeout);
        await journal.InitializeAsync(CancellationToken.None);
        return journal;
    }

    /// <summary>A plain connection to the same file, as another process or a DBA would open it.</summary>
    public SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>
    /// Takes SQLite's write lock from another connection, as a second process on the file would, until the result
    /// is disposed. Meanwhile the journal's writer waits in BEGIN IMMEDIATE, and appends queue up behind it.
    /// </summary>
    public IDisposable HoldWriteLock() => new WriteLock(OpenConnection());

    public void Dispose() => _directory.Delete(recursive: true);

    private sealed class WriteLock : IDisposable
    {
        private readonly SqliteConnection _connection;

        public WriteLock(SqliteConnection connection)
        {
            _connection = connection;
            Execute("BEGIN IMMEDIATE");
        }

        public void Dispose()
        {
            Execute("ROLLBACK");
            _connection.Dispose();
        }

        private void Execute(string sql)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }
    }
}

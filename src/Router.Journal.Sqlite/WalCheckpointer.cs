using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Log = Router.Journal.Sqlite.SqliteEventJournal.Log;

namespace Router.Journal.Sqlite;

/// <summary>
/// Copies committed WAL frames into the database file on a thread of its own, so the writer does not. Left to
/// SQLite, the connection that commits runs every checkpoint: under a steady ingest the writer spent a large share
/// of its time copying pages (batches of 100 from 16 publishers: 150-165k events/s with it, 175-205k without;
/// bench/RESULTS.md), and the writer is the one thread every append waits for.
/// <para>
/// The writer keeps a checkpoint of its own, at <see cref="WriterCheckpointPages"/>: a WAL starts over from its
/// beginning only when a write transaction begins with every frame already copied, which under a steady load only
/// the writer can arrange (it checkpoints between two of its own transactions). By then this thread has copied
/// nearly everything, so the writer's pass is short, and the WAL stays bounded.
/// </para>
/// </summary>
internal sealed class WalCheckpointer : IDisposable
{
    /// <summary>The writer's own checkpoint threshold (SQLite's <c>wal_autocheckpoint</c>, in pages: 16 MiB of 4 KiB pages).</summary>
    internal const int WriterCheckpointPages = 4000;

    /// <summary>Rest between passes: lets a few commits gather, instead of a wake-up and a pass per commit.</summary>
    private static readonly TimeSpan s_rest = TimeSpan.FromMilliseconds(10);

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _checkpoint;
    private readonly ILogger _logger;
    private readonly ManualResetEventSlim _poked = new(initialState: false, spinCount: 0);
    private readonly ManualResetEventSlim _stopping = new(initialState: false, spinCount: 0);
    private readonly Thread _thread;
    private long _passes;
    private bool _failedBefore;

    /// <param name="connectionString">A read-write connection to the journal's file.</param>
    /// <param name="synchronousPragma">The writer's <c>PRAGMA synchronous</c>: a checkpoint syncs by its connection's setting.</param>
    public WalCheckpointer(string connectionString, string synchronousPragma, ILogger logger)
    {
        _logger = logger;
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        using (var pragma = _connection.CreateCommand())
        {
            pragma.CommandText = synchronousPragma;
            pragma.ExecuteNonQuery();
        }
        _checkpoint = _connection.CreateCommand();
        // PASSIVE: copies what no reader still needs, never waits for readers or the writer, and never blocks them.
        _checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        _thread = new Thread(Run) { IsBackground = true, Name = "SQLite checkpoint" };
        _thread.Start();
    }

    /// <summary>Passes run so far (tests read it).</summary>
    internal long Passes => Interlocked.Read(ref _passes);

    /// <summary>The thread the passes run on (tests check it is not the writer's).</summary>
    internal Thread Thread => _thread;

    /// <summary>Called by the writer after a commit: there are frames to copy. Cheap when a pass is already due.</summary>
    public void Poke()
    {
        if (!_poked.IsSet)
        {
            _poked.Set();
        }
    }

    /// <summary>Stops the thread (a pass in progress finishes first) and closes its connection.</summary>
    public void Dispose()
    {
        _stopping.Set();
        _poked.Set();
        _thread.Join();
        _checkpoint.Dispose();
        _connection.Dispose();
        _poked.Dispose();
        _stopping.Dispose();
    }

    private void Run()
    {
        while (true)
        {
            _poked.Wait();
            if (_stopping.IsSet)
            {
                return;
            }
            _poked.Reset();
            Checkpoint();
            if (_stopping.Wait(s_rest))
            {
                return;
            }
        }
    }

    private void Checkpoint()
    {
        try
        {
            _checkpoint.ExecuteNonQuery();
            Interlocked.Increment(ref _passes);
            _failedBefore = false;
        }
        catch (SqliteException exception)
        {
            // Nothing is lost: the frames stay in the WAL, and the writer's own checkpoint still copies them.
            if (!_failedBefore)
            {
                Log.CheckpointFailed(_logger, exception);
            }
            _failedBefore = true;
        }
    }
}

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
/// The writer still starts the WAL over: a WAL starts again from its beginning only when a write transaction
/// begins with every frame already copied, which under a steady load only the writer can arrange, between two of
/// its transactions. Once its commits leave <see cref="WriterCheckpointPages"/> frames in the WAL
/// (<see cref="WalFrameCount"/>), the writer holds this thread's passes off (<see cref="HoldPasses"/>, which waits
/// for a pass in progress), copies the little this thread has not yet, and begins its next transaction, which
/// starts the WAL over. SQLite's automatic checkpoint did the same after a commit, but gave up (busy) whenever it
/// met a pass of this thread in progress, and under load the WAL then grew to twice the threshold and more.
/// </para>
/// </summary>
internal sealed class WalCheckpointer : IDisposable
{
    /// <summary>WAL frames (pages) past which the writer starts the WAL over: 16 MiB of 4 KiB pages.</summary>
    internal const int WriterCheckpointPages = 4000;

    /// <summary>
    /// Rest between passes while the WAL is short. Small commits rewrite the same pages (the right-most leaves of the
    /// three b-trees, page 1), so a pass copies each once however many commits changed it, and its fixed cost (two
    /// syncs, the locks) is paid ten times a second rather than a hundred: with single publishes from 64 publishers
    /// this thread spends ~2 µs per event instead of ~3 (bench/RESULTS.md, sessions 12 and 15).
    /// </summary>
    internal static readonly TimeSpan LongRest = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Rest once the WAL holds <see cref="ShortRestFrames"/>: the writer's own checkpoint is near, and what this thread
    /// has not copied by then the writer copies itself, holding every append (with the long rest alone, batches of
    /// 100 ran 6-12% slower, the writer reading four times as many WAL pages).
    /// </summary>
    internal static readonly TimeSpan ShortRest = TimeSpan.FromMilliseconds(10);

    /// <summary>A quarter of the writer's threshold.</summary>
    internal const int ShortRestFrames = WriterCheckpointPages / 4;

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _checkpoint;
    private readonly ILogger _logger;
    private readonly ManualResetEventSlim _poked = new(initialState: false, spinCount: 0);
    private readonly ManualResetEventSlim _stopping = new(initialState: false, spinCount: 0);
    private readonly Thread _thread;

    /// <summary>Held by a pass, or by the writer while it starts the WAL over.</summary>
    private readonly Lock _passLock = new();
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
        _checkpoint.CommandText = SqlStatements.CheckpointPassive;
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

    /// <summary>
    /// Waits for a pass in progress to end and holds further passes off until the scope is disposed. Only the
    /// writer calls it, around its own checkpoint and the transaction that starts the WAL over, so that no pass
    /// of this thread makes the checkpoint give up or the restart find the WAL in use.
    /// </summary>
    public Lock.Scope HoldPasses() => _passLock.EnterScope();

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
            long walFrames;
            using (_passLock.EnterScope())
            {
                walFrames = Checkpoint();
            }
            if (_stopping.Wait(RestAfter(walFrames)))
            {
                return;
            }
        }
    }

    /// <summary>How long to rest after a pass that left <paramref name="walFrames"/> frames in the WAL.</summary>
    private static TimeSpan RestAfter(long walFrames) => walFrames >= ShortRestFrames ? ShortRest : LongRest;

    /// <summary>One pass; returns the frames the WAL holds (0 when the pass failed).</summary>
    private long Checkpoint()
    {
        try
        {
            long walFrames = 0;
            using (var result = _checkpoint.ExecuteReader())
            {
                // One row: busy (0 or 1), frames in the WAL, frames copied into the database file.
                if (result.Read())
                {
                    walFrames = result.GetInt64(1);
                }
            }
            Interlocked.Increment(ref _passes);
            _failedBefore = false;
            return walFrames;
        }
        catch (SqliteException exception)
        {
            // Nothing is lost: the frames stay in the WAL, and the writer's own checkpoint still copies them.
            if (!_failedBefore)
            {
                Log.CheckpointFailed(_logger, exception);
            }
            _failedBefore = true;
            return 0;
        }
    }
}

using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Router.Journal.Sqlite;

/// <summary>
/// The number of frames in the WAL after the writer's last commit, reported by SQLite's <c>sqlite3_wal_hook</c>
/// on the writer's connection. The hook replaces SQLite's automatic checkpoint on that connection (which is the
/// same hook), so the writer decides itself when to checkpoint: see <see cref="WalCheckpointer"/>.
/// </summary>
internal sealed unsafe partial class WalFrameCount : IDisposable
{
    private readonly SqliteConnection _connection;

    /// <summary>Native memory the hook writes to: the hook runs inside the writer's COMMIT, on its thread.</summary>
    private int* _frames;

    public WalFrameCount(SqliteConnection connection)
    {
        _connection = connection;
        _frames = (int*)NativeMemory.AllocZeroed(sizeof(int));
        // Returns the previous hook's state: SQLite's automatic checkpoint, which this hook replaces.
        _ = WalHook(Database(connection), &OnCommitted, (nint)_frames);
    }

    /// <summary>Frames in the WAL after the last commit on the connection (0 before the first).</summary>
    public int Frames => *_frames;

    /// <summary>Removes the hook; called before the connection closes, so SQLite never writes to freed memory.</summary>
    public void Dispose()
    {
        if (_frames is null)
        {
            return;
        }
        _ = WalHook(Database(_connection), null, 0);
        NativeMemory.Free(_frames);
        _frames = null;
    }

    private static nint Database(SqliteConnection connection) => connection.Handle!.DangerousGetHandle();

    [UnmanagedCallersOnly(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    private static int OnCommitted(nint state, nint database, byte* databaseName, int frames)
    {
        *(int*)state = frames;
        return 0;
    }

    [LibraryImport("e_sqlite3", EntryPoint = "sqlite3_wal_hook")]
    private static partial nint WalHook(nint database, delegate* unmanaged[Cdecl]<nint, nint, byte*, int, int> hook, nint state);
}

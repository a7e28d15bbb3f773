using System.Runtime.InteropServices;

namespace Router.Journal.Sqlite;

/// <summary>
/// SQLite's row calls imported by raw pointer, for the replay page loop only. SQLitePCLRaw's own imports take the
/// statement as a SafeHandle, so every <c>column_*</c> call added and released a reference (~8% of server CPU in
/// the replay profile) on top of the P/Invoke transition. Here the statement is a plain pointer that
/// <see cref="PageConnection"/> keeps alive, and the column calls skip the GC transition: on a row that
/// <c>sqlite3_step</c> has produced they only read memory the step already filled (the result registers),
/// never block and never call back. <c>sqlite3_step</c> does the I/O, so it keeps the normal transition.
/// The library is the one SQLitePCLRaw's provider imports: the same <c>e_sqlite3</c> native asset.
/// </summary>
internal static unsafe partial class SqliteNative
{
    private const string Library = "e_sqlite3";

    [LibraryImport(Library, EntryPoint = "sqlite3_step")]
    internal static partial int Step(nint statement);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_int64")]
    [SuppressGCTransition]
    internal static partial long ColumnInt64(nint statement, int column);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_blob")]
    [SuppressGCTransition]
    private static partial byte* ColumnBlob(nint statement, int column);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_bytes")]
    [SuppressGCTransition]
    private static partial int ColumnBytes(nint statement, int column);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_type")]
    [SuppressGCTransition]
    internal static partial int ColumnType(nint statement, int column);

    /// <summary>
    /// A BLOB or TEXT column's stored bytes (TEXT as UTF-8, the file's encoding), valid until the next step or
    /// reset. Pointer first, then length, as SQLite requires; empty for NULL and for a zero-length value.
    /// </summary>
    internal static ReadOnlySpan<byte> ColumnBytesOf(nint statement, int column)
    {
        var pointer = ColumnBlob(statement, column);
        return pointer is null ? default : new ReadOnlySpan<byte>(pointer, ColumnBytes(statement, column));
    }
}

using System.Runtime.InteropServices;

namespace Router.Journal.Sqlite;

/// <summary>
/// SQLite's row calls imported by raw pointer, for the replay page loop and the writer's insert. SQLitePCLRaw's own imports take the
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

    [LibraryImport(Library, EntryPoint = "sqlite3_reset")]
    internal static partial int Reset(nint statement);

    /// <summary>SQLite's <c>SQLITE_TRANSIENT</c> destructor: SQLite copies the value before the bind returns.</summary>
    private static readonly nint Transient = -1;

    // The binds copy (SQLITE_TRANSIENT) and may allocate, so they keep the normal GC transition.
    [LibraryImport(Library, EntryPoint = "sqlite3_bind_int64")]
    internal static partial int BindInt64(nint statement, int index, long value);

    [LibraryImport(Library, EntryPoint = "sqlite3_bind_null")]
    internal static partial int BindNull(nint statement, int index);

    [LibraryImport(Library, EntryPoint = "sqlite3_bind_text")]
    private static partial int BindText(nint statement, int index, byte* utf8, int length, nint destructor);

    [LibraryImport(Library, EntryPoint = "sqlite3_bind_blob")]
    private static partial int BindBlob(nint statement, int index, byte* bytes, int length, nint destructor);

    /// <summary>
    /// Binds UTF-8 text, copied. An empty span still binds '' (not NULL): SQLite reads a null pointer as NULL,
    /// so a zero-length value is passed as a pointer to a zero byte.
    /// </summary>
    internal static int BindTextUtf8(nint statement, int index, ReadOnlySpan<byte> utf8)
    {
        byte empty = 0;
        fixed (byte* pointer = utf8)
        {
            return BindText(statement, index, utf8.IsEmpty ? &empty : pointer, utf8.Length, Transient);
        }
    }

    /// <summary>Binds a blob, copied; a zero-length value binds an empty blob, not NULL (as for text).</summary>
    internal static int BindBlobCopy(nint statement, int index, ReadOnlySpan<byte> bytes)
    {
        byte empty = 0;
        fixed (byte* pointer = bytes)
        {
            return BindBlob(statement, index, bytes.IsEmpty ? &empty : pointer, bytes.Length, Transient);
        }
    }

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

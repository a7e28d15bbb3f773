using Microsoft.Data.Sqlite;

namespace Router.Journal.Sqlite;

/// <summary>Maps between <see cref="JournalEvent"/> and a row of the <c>events</c> table.</summary>
internal static class EventRow
{
    /// <summary>
    /// Reads the current row of a SELECT whose columns are, in this order: position, event_id, type, queue,
    /// time, data, audience, origin_client_id (every <c>Sql/Select*Event*.sql</c>).
    /// </summary>
    /// <param name="queryQueue">
    /// The queue a one-queue page was selected by: every row has it, so it is shared instead of read and
    /// allocated per row (each column read is a native call; replay reads millions of rows).
    /// </param>
    public static JournalEvent Read(SqliteDataReader reader, string? queryQueue = null) => new(
        new Position(reader.GetInt64(0)),
        reader.GetString(1),
        reader.GetString(2),
        queryQueue ?? (reader.IsDBNull(3) ? null : reader.GetString(3)),
        FromTicks(reader.GetInt64(4)),
        reader.GetFieldValue<byte[]>(5),
        // Cast first: a null byte[] converted to ReadOnlyMemory<byte>? would become an empty, non-null memory.
        reader.IsDBNull(6) ? (ReadOnlyMemory<byte>?)null : reader.GetFieldValue<byte[]>(6),
        reader.IsDBNull(7) ? null : reader.GetString(7));

    /// <summary>The stored form of an event's time: UTC ticks, exact for any <see cref="DateTimeOffset"/> instant.</summary>
    public static long ToTicks(DateTimeOffset time) => time.UtcTicks;

    public static DateTimeOffset FromTicks(long ticks) => new(ticks, TimeSpan.Zero);

    /// <summary>
    /// Microsoft.Data.Sqlite binds blobs from <c>byte[]</c> only. When the memory is a whole array (the usual
    /// case) it is bound as is; a slice is copied, since binding binds the whole array.
    /// </summary>
    public static byte[] ToBlob(ReadOnlyMemory<byte> bytes) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(bytes, out var segment)
        && segment.Array is { } array && segment.Offset == 0 && segment.Count == array.Length
            ? array
            : bytes.ToArray();
}

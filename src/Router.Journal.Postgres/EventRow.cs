using System.Runtime.InteropServices;
using Npgsql;

namespace Router.Journal.Postgres;

/// <summary>Maps between <see cref="JournalEvent"/> and a row of the <c>events</c> table.</summary>
internal static class EventRow
{
    /// <summary>
    /// Reads the current row from column <paramref name="first"/> on, whose columns are, in this order: position,
    /// event_id, type, queue, time, data, audience, origin_client_id (every <c>Sql/Select*.sql</c> of events).
    /// </summary>
    public static JournalEvent Read(NpgsqlDataReader reader, int first = 0) => new(
        new Position(reader.GetInt64(first)),
        reader.GetString(first + 1),
        reader.GetString(first + 2),
        reader.IsDBNull(first + 3) ? null : reader.GetString(first + 3),
        FromStored(reader.GetFieldValue<DateTime>(first + 4)),
        reader.GetFieldValue<byte[]>(first + 5),
        // Cast first: a null byte[] converted to ReadOnlyMemory<byte>? would become an empty, non-null memory.
        reader.IsDBNull(first + 6) ? (ReadOnlyMemory<byte>?)null : reader.GetFieldValue<byte[]>(first + 6),
        reader.IsDBNull(first + 7) ? null : reader.GetString(first + 7));

    /// <summary>
    /// The stored form of an event's time: a UTC <see cref="DateTime"/> truncated to the microsecond, what
    /// timestamptz keeps (Npgsql writes only UTC to timestamptz, and would otherwise round the last digit away).
    /// </summary>
    public static DateTime ToStored(DateTimeOffset time) => new(time.UtcTicks - time.UtcTicks % 10, DateTimeKind.Utc);

    public static DateTimeOffset FromStored(DateTime utc) => new(DateTime.SpecifyKind(utc, DateTimeKind.Utc));

    /// <summary>Npgsql binds bytea arrays from <c>byte[]</c>: the whole array when the memory is one, else a copy.</summary>
    public static byte[] ToBytea(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out var segment)
        && segment.Array is { } array && segment.Offset == 0 && segment.Count == array.Length
            ? array
            : bytes.ToArray();
}

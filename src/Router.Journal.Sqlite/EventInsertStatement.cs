using Microsoft.Data.Sqlite;
using SQLitePCL;
using static SQLitePCL.raw;

namespace Router.Journal.Sqlite;

/// <summary>
/// The writer's <c>Sql/InsertEvent.sql</c>, prepared once on SQLite's own API and bound straight from the event:
/// text from the strings' UTF-16 and blobs from the caller's memory, with no per-event parameter objects, boxes,
/// copies or data reader (Microsoft.Data.Sqlite's <c>ExecuteNonQuery</c> cost ~2 KB and several µs per row).
/// Used only by the writer loop, inside its open transaction, which already holds the write lock, so a row never
/// waits on a busy database here.
/// </summary>
internal sealed class EventInsertStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly int _tenant;
    private readonly int _position;
    private readonly int _eventId;
    private readonly int _type;
    private readonly int _queue;
    private readonly int _time;
    private readonly int _data;
    private readonly int _audience;
    private readonly int _originClientId;

    public EventInsertStatement(SqliteConnection connection)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The writer's connection is not open.");
        Check(sqlite3_prepare_v3(_db, SqlStatements.InsertEvent, SQLITE_PREPARE_PERSISTENT, out _statement));
        _tenant = IndexOf("@tenant");
        _position = IndexOf("@position");
        _eventId = IndexOf("@event_id");
        _type = IndexOf("@type");
        _queue = IndexOf("@queue");
        _time = IndexOf("@time");
        _data = IndexOf("@data");
        _audience = IndexOf("@audience");
        _originClientId = IndexOf("@origin_client_id");
    }

    /// <summary>Inserts one row; a refused row throws <see cref="SqliteException"/> with SQLite's (extended) code, as Microsoft.Data.Sqlite would.</summary>
    public void Execute(string tenant, long position, EventToAppend toAppend, long ticks)
    {
        try
        {
            BindText(_tenant, tenant);
            Check(sqlite3_bind_int64(_statement, _position, position));
            BindText(_eventId, toAppend.EventId);
            BindText(_type, toAppend.Type);
            BindText(_queue, toAppend.Queue);
            Check(sqlite3_bind_int64(_statement, _time, ticks));
            BindBlob(_data, toAppend.Data.Span);
            if (toAppend.Audience is { } audience)
            {
                BindBlob(_audience, audience.Span);
            }
            else
            {
                Check(sqlite3_bind_null(_statement, _audience));
            }
            BindText(_originClientId, toAppend.OriginClientId);
            var rc = sqlite3_step(_statement);
            if (rc != SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }
        }
        finally
        {
            // Ready for the next row; its return code repeats the step's error, already reported above.
            sqlite3_reset(_statement);
        }
    }

    public void Dispose() => _statement.Dispose();

    private void BindText(int index, string? text)
    {
        // An empty span would reach SQLite as a null pointer, which binds NULL, not '': bind that through the
        // zero-terminated overload. Router text is never empty, but a journal keeps what it is given.
        Check(text is null ? sqlite3_bind_null(_statement, index)
            : text.Length == 0 ? sqlite3_bind_text(_statement, index, string.Empty)
            : sqlite3_bind_text16(_statement, index, text.AsSpan()));
    }

    private void BindBlob(int index, ReadOnlySpan<byte> bytes) =>
        // As for text: an empty span would bind NULL; a zero-length blob is what was given.
        Check(bytes.IsEmpty ? sqlite3_bind_zeroblob(_statement, index, 0) : sqlite3_bind_blob(_statement, index, bytes));

    private int IndexOf(string name)
    {
        var index = sqlite3_bind_parameter_index(_statement, name);
        return index > 0 ? index : throw new InvalidOperationException($"InsertEvent.sql has no parameter {name}.");
    }

    private void Check(int rc)
    {
        if (rc != SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}

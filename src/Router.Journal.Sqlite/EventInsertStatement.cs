using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using static SQLitePCL.raw;

namespace Router.Journal.Sqlite;

/// <summary>
/// The writer's <c>Sql/InsertEvent.sql</c>, prepared once and bound straight from the event through
/// <see cref="SqliteNative"/>'s raw-pointer imports (SQLitePCLRaw's take the statement as a SafeHandle: an
/// add-ref and a release per bind, ~2% of server CPU in a batch-ingest profile): text as UTF-8 (the file's
/// encoding, so SQLite need not translate it), blobs from the caller's memory, with no per-event parameter
/// objects, boxes or data reader. Bindings outlive <c>sqlite3_reset</c>, so a string bound for the previous row
/// (most often the type and queue: the parser shares equal names within a request) is not bound
/// again. Used only by the writer loop, inside its open transaction, which already holds the write lock, so a row
/// never waits on a busy database here.
/// </summary>
internal sealed class EventInsertStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly nint _handle;
    private readonly int _tenantId;
    private readonly int _position;
    private readonly TextParameter _eventId;
    private readonly TextParameter _type;
    private readonly TextParameter _queue;
    private readonly int _time;
    private readonly int _data;
    private readonly int _audience;
    private readonly TextParameter _originClientId;

    /// <summary>UTF-8 of the text being bound; the writer's thread only.</summary>
    private byte[] _utf8 = new byte[256];

    public EventInsertStatement(SqliteConnection connection)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The writer's connection is not open.");
        Check(sqlite3_prepare_v3(_db, SqlStatements.InsertEvent, SQLITE_PREPARE_PERSISTENT, out _statement));
        _handle = _statement.DangerousGetHandle();
        _tenantId = IndexOf("@tenant_id");
        _position = IndexOf("@position");
        _eventId = new TextParameter(IndexOf("@event_id"));
        _type = new TextParameter(IndexOf("@type"));
        _queue = new TextParameter(IndexOf("@queue"));
        _time = IndexOf("@time");
        _data = IndexOf("@data");
        _audience = IndexOf("@audience");
        _originClientId = new TextParameter(IndexOf("@origin_client_id"));
    }

    /// <summary>Inserts one row; a refused row throws <see cref="SqliteException"/> with SQLite's (extended) code, as Microsoft.Data.Sqlite would.</summary>
    public void Execute(long tenantId, long position, EventToAppend toAppend, long ticks)
    {
        try
        {
            Check(SqliteNative.BindInt64(_handle, _tenantId, tenantId));
            Check(SqliteNative.BindInt64(_handle, _position, position));
            BindText(_eventId, toAppend.EventId);
            BindText(_type, toAppend.Type);
            BindText(_queue, toAppend.Queue);
            Check(SqliteNative.BindInt64(_handle, _time, ticks));
            Check(SqliteNative.BindBlobCopy(_handle, _data, toAppend.Data.Span));
            Check(toAppend.Audience is { } audience
                ? SqliteNative.BindBlobCopy(_handle, _audience, audience.Span)
                : SqliteNative.BindNull(_handle, _audience));
            BindText(_originClientId, toAppend.OriginClientId);
            var rc = SqliteNative.Step(_handle);
            if (rc != SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }
        }
        catch
        {
            // A bind that failed may have left its parameter unbound: bind everything afresh next time.
            _eventId.Forget();
            _type.Forget();
            _queue.Forget();
            _originClientId.Forget();
            throw;
        }
        finally
        {
            // Ready for the next row (bindings stay); its return code repeats the step's error, already reported above.
            SqliteNative.Reset(_handle);
        }
    }

    public void Dispose() => _statement.Dispose();

    private void BindText(TextParameter parameter, string? text)
    {
        if (parameter.Holds(text))
        {
            return;
        }
        if (text is null)
        {
            Check(SqliteNative.BindNull(_handle, parameter.Index));
        }
        else
        {
            var max = Encoding.UTF8.GetMaxByteCount(text.Length);
            if (_utf8.Length < max)
            {
                _utf8 = new byte[max];
            }
            var length = Encoding.UTF8.GetBytes(text, _utf8);
            Check(SqliteNative.BindTextUtf8(_handle, parameter.Index, _utf8.AsSpan(0, length)));
        }
        parameter.Bound(text);
    }

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

    /// <summary>A text parameter and the string it holds now (compared by reference: strings are immutable).</summary>
    private sealed class TextParameter(int index)
    {
        /// <summary>Stands for "nothing known to be bound"; no caller's string is this instance.</summary>
        private static readonly object Unknown = new();

        private object? _bound = Unknown;

        public int Index { get; } = index;

        public bool Holds(string? text) => ReferenceEquals(_bound, text);

        public void Bound(string? text) => _bound = text;

        public void Forget() => _bound = Unknown;
    }
}

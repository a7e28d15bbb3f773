namespace Router.Journal.Sqlite;

/// <summary>
/// The journal's own pool of <see cref="PageConnection"/>s for replay pages (Microsoft.Data.Sqlite's pool cannot
/// open a connection without SQLite's per-connection mutex). A connection belongs to one reader between
/// <see cref="Rent"/> and <see cref="Return"/>; at most <see cref="MaxIdle"/> wait idle, more are closed on return,
/// so the pool is bounded by the readers running at once. After <see cref="Dispose"/> every connection is closed,
/// a rented one when it comes back, so that the writer's connection can be the file's last (SQLite then
/// checkpoints the WAL and removes it).
/// </summary>
internal sealed class PageConnectionPool : IDisposable
{
    private readonly string _path;
    private readonly Stack<PageConnection> _idle = new();
    private readonly Lock _lock = new();
    private bool _disposed;
    private int _opened;

    public PageConnectionPool(string path, int maxIdle)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxIdle, 1);
        _path = path;
        MaxIdle = maxIdle;
    }

    public int MaxIdle { get; }

    /// <summary>Connections waiting to be rented.</summary>
    public int IdleCount
    {
        get
        {
            lock (_lock)
            {
                return _idle.Count;
            }
        }
    }

    /// <summary>Connections opened so far (a reused one is not counted again).</summary>
    public int OpenedCount => Volatile.Read(ref _opened);

    public PageConnection Rent()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_idle.TryPop(out var idle))
            {
                return idle;
            }
        }
        var opened = PageConnection.Open(_path);
        Interlocked.Increment(ref _opened);
        return opened;
    }

    /// <summary>Takes a connection back; <paramref name="healthy"/> false (a read failed on it) closes it instead.</summary>
    public void Return(PageConnection connection, bool healthy = true)
    {
        if (healthy)
        {
            lock (_lock)
            {
                if (!_disposed && _idle.Count < MaxIdle)
                {
                    _idle.Push(connection);
                    return;
                }
            }
        }
        connection.Dispose();
    }

    public void Dispose()
    {
        PageConnection[] idle;
        lock (_lock)
        {
            _disposed = true;
            idle = _idle.ToArray();
            _idle.Clear();
        }
        foreach (var connection in idle)
        {
            connection.Dispose();
        }
    }
}

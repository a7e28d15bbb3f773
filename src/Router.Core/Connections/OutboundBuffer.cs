using System.Threading.Tasks.Sources;

namespace Router.Connections;

/// <summary>
/// A connection's outbound buffer: many writers (the stream's queue actor, the heartbeat wheel, a write-through
/// hand-over), one reader (the connection's loop). What <c>Channel.CreateBounded</c> gave it (a cap in items, wait or
/// drop-oldest when full, completion, a wait for data) in one small object: a bounded channel preallocates four
/// wait objects, a completion task and a reader and a writer, about 0.7 KiB that every idle stream held for hours.
/// The ring is allocated on the first write and grows by doubling up to the cap.
/// </summary>
internal sealed class OutboundBuffer : IValueTaskSource<bool>
{
    private const int InitialSize = 4;

    private readonly Lock _lock = new();
    private readonly int _capacity;
    private readonly bool _dropOldest;
    private readonly Action<ConnectionItem>? _dropped;

    /// <summary>The reader's one wait; continuations run asynchronously, never on a writer's (e.g. a queue actor's) thread.</summary>
    private ManualResetValueTaskSourceCore<bool> _wait = new() { RunContinuationsAsynchronously = true };

    private ConnectionItem[] _items = [];
    private int _head;
    private int _count;
    private bool _completed;

    /// <summary>True while the reader waits; whoever clears it (under the lock) completes the wait, exactly once.</summary>
    private bool _waiting;

    /// <param name="capacity">Items held at most.</param>
    /// <param name="dropOldest">When full: false refuses the new item; true drops the oldest and reports it to <paramref name="dropped"/> (outside the lock).</param>
    public OutboundBuffer(int capacity, bool dropOldest, Action<ConnectionItem>? dropped = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _dropOldest = dropOldest;
        _dropped = dropped;
    }

    /// <summary>Items waiting; a snapshot (read without the lock).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Adds an item; false once completed, or when full and not dropping the oldest.</summary>
    public bool TryWrite(ConnectionItem item)
    {
        ConnectionItem dropped = default;
        var didDrop = false;
        bool wake;
        lock (_lock)
        {
            if (_completed)
            {
                return false;
            }
            if (_count == _capacity)
            {
                if (!_dropOldest)
                {
                    return false;
                }
                dropped = TakeFirst();
                didDrop = true;
            }
            if (_count == _items.Length)
            {
                Grow();
            }
            _items[(_head + _count) % _items.Length] = item;
            Volatile.Write(ref _count, _count + 1);
            wake = TakeWaiter();
        }
        if (didDrop)
        {
            _dropped?.Invoke(dropped);
        }
        if (wake)
        {
            _wait.SetResult(true);
        }
        return true;
    }

    /// <summary>Takes the oldest item, if any (the reader's side).</summary>
    public bool TryRead(out ConnectionItem item)
    {
        lock (_lock)
        {
            if (_count == 0)
            {
                item = default;
                return false;
            }
            item = TakeFirst();
            return true;
        }
    }

    /// <summary>Refuses further writes and wakes a waiting reader; what is queued can still be read. False if already completed.</summary>
    public bool TryComplete()
    {
        bool wake;
        bool hasItems;
        lock (_lock)
        {
            if (_completed)
            {
                return false;
            }
            _completed = true;
            wake = TakeWaiter();
            hasItems = _count > 0;
        }
        if (wake)
        {
            _wait.SetResult(hasItems);
        }
        return true;
    }

    /// <summary>
    /// Wakes a waiting reader, with or without items (a timer's way to end a wait early: the reader looks again).
    /// Nothing happens when the reader is not waiting.
    /// </summary>
    public void Wake()
    {
        bool wake;
        lock (_lock)
        {
            wake = TakeWaiter();
        }
        if (wake)
        {
            _wait.SetResult(true);
        }
    }

    /// <summary>
    /// Completes with true when an item may be read (or <see cref="Wake"/> was called), false once completed and
    /// empty. One wait at a time: the single reader awaits each before asking again.
    /// </summary>
    public ValueTask<bool> WaitToReadAsync()
    {
        lock (_lock)
        {
            if (_count > 0)
            {
                return new ValueTask<bool>(true);
            }
            if (_completed)
            {
                return new ValueTask<bool>(false);
            }
            if (_waiting)
            {
                throw new InvalidOperationException("The outbound buffer has one reader, and it is already waiting.");
            }
            _wait.Reset();
            _waiting = true;
            return new ValueTask<bool>(this, _wait.Version);
        }
    }

    private ConnectionItem TakeFirst()
    {
        var item = _items[_head];
        _items[_head] = default; // the ring must not keep a written event alive
        _head = (_head + 1) % _items.Length;
        Volatile.Write(ref _count, _count - 1);
        return item;
    }

    private void Grow()
    {
        var grown = new ConnectionItem[Math.Min(_capacity, Math.Max(InitialSize, _items.Length * 2))];
        for (var i = 0; i < _count; i++)
        {
            grown[i] = _items[(_head + i) % _items.Length];
        }
        _items = grown;
        _head = 0;
    }

    private bool TakeWaiter()
    {
        if (!_waiting)
        {
            return false;
        }
        _waiting = false;
        return true;
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _wait.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _wait.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _wait.OnCompleted(continuation, state, token, flags);
}

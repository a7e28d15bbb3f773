using System.Buffers;

namespace Router.Connections;

/// <summary>What <see cref="HeartbeatScheduler"/> calls when a member's heartbeat falls due (never under its lock).</summary>
internal interface IHeartbeatTarget
{
    void OnHeartbeatDue();
}

/// <summary>
/// Heartbeats for every connection from one timer per interval, instead of a timer per connection (a timer and its
/// timer-queue entry cost ~120 bytes of every idle connection, bench/RESULTS.md). Each interval has a wheel of
/// <see cref="Slots"/> slots that turns once per interval, one slot per tick. A member joins the slot visited last, so
/// its first heartbeat falls due between <c>interval × (1 − 1/Slots)</c> and one interval after it joined (never
/// later), and then every interval. Intervals are kept apart, so connections with other stream options keep theirs.
/// </summary>
internal sealed class HeartbeatScheduler : IDisposable
{
    /// <summary>Ticks per interval: how much earlier than a full interval a new member's first heartbeat may come.</summary>
    public const int Slots = 8;

    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<TimeSpan, Wheel> _wheels = [];
    private bool _disposed;

    public HeartbeatScheduler(TimeProvider time) => _time = time;

    /// <summary>Members of every interval (for tests and diagnostics).</summary>
    public int Members
    {
        get
        {
            lock (_gate)
            {
                return _wheels.Values.Sum(w => w.Members.Sum(slot => slot.Count));
            }
        }
    }

    /// <summary>Starts heartbeats for <paramref name="target"/>; pass the ticket to <see cref="Leave"/>.</summary>
    public HeartbeatTicket Join(TimeSpan interval, IHeartbeatTarget target)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_wheels.TryGetValue(interval, out var wheel))
            {
                wheel = new Wheel(this);
                _wheels.Add(interval, wheel);
                // Started after it is in the dictionary, under the lock: a tick waits for the lock, never sees it half made.
                wheel.Timer = _time.CreateTimer(static s => ((Wheel)s!).Tick(), wheel, interval / Slots, interval / Slots);
            }
            var slot = (wheel.Cursor + Slots - 1) % Slots;
            wheel.Members[slot].Add(target);
            return new HeartbeatTicket(wheel, slot);
        }
    }

    /// <summary>Stops heartbeats for <paramref name="target"/>; a heartbeat already being delivered may still arrive.</summary>
    public void Leave(HeartbeatTicket ticket, IHeartbeatTarget target)
    {
        if (ticket.Wheel is not { } wheel)
        {
            return;
        }
        lock (_gate)
        {
            wheel.Members[ticket.Slot].Remove(target);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var wheel in _wheels.Values)
            {
                wheel.Timer?.Dispose();
            }
            _wheels.Clear();
        }
    }

    internal sealed class Wheel(HeartbeatScheduler owner)
    {
        public readonly HashSet<IHeartbeatTarget>[] Members = [.. Enumerable.Range(0, Slots).Select(_ => new HashSet<IHeartbeatTarget>())];

        /// <summary>The slot the next tick visits.</summary>
        public int Cursor;

        public ITimer? Timer;

        public void Tick()
        {
            IHeartbeatTarget[] due;
            int count;
            lock (owner._gate)
            {
                var slot = Members[Cursor];
                Cursor = (Cursor + 1) % Slots;
                count = slot.Count;
                if (count == 0)
                {
                    return;
                }
                due = ArrayPool<IHeartbeatTarget>.Shared.Rent(count);
                slot.CopyTo(due);
            }
            try
            {
                // Outside the lock: a member's callback may take its own locks or join and leave.
                for (var i = 0; i < count; i++)
                {
                    due[i].OnHeartbeatDue();
                }
            }
            finally
            {
                ArrayPool<IHeartbeatTarget>.Shared.Return(due, clearArray: true);
            }
        }
    }
}

/// <summary>A member's place in a <see cref="HeartbeatScheduler"/>; default when it never joined.</summary>
internal readonly record struct HeartbeatTicket(HeartbeatScheduler.Wheel? Wheel, int Slot);

namespace Router.Streams;

/// <summary>
/// A token bucket over an injected clock's timestamps (Akka's <c>TokenBucket</c> idea): <c>rate</c> tokens
/// per second refill a bucket of <c>capacity</c>. It never reads the clock itself, so tests drive it with a
/// manual <see cref="TimeProvider"/>. Not thread-safe: one owner (a connection loop) or an outside lock.
/// </summary>
internal sealed class TokenBucket
{
    private readonly double _ratePerTick;
    private readonly double _capacity;
    private double _tokens;
    private long _last;

    /// <param name="ratePerSecond">Tokens added per second; must be positive.</param>
    /// <param name="capacity">Most tokens held (the burst); at least 1.</param>
    /// <param name="now">The clock's current timestamp; the bucket starts full.</param>
    /// <param name="timestampFrequency">Timestamps per second of that clock.</param>
    public TokenBucket(double ratePerSecond, double capacity, long now, long timestampFrequency)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ratePerTick = ratePerSecond / timestampFrequency;
        _capacity = capacity;
        _tokens = capacity;
        _last = now;
    }

    public double Capacity => _capacity;

    /// <summary>Takes <paramref name="count"/> tokens if they are there; otherwise takes nothing.</summary>
    public bool TryTake(long now, double count = 1)
    {
        Refill(now);
        if (_tokens < count)
        {
            return false;
        }
        _tokens -= count;
        return true;
    }

    /// <summary>How long until <paramref name="count"/> tokens will be there (zero when they already are).</summary>
    public TimeSpan TimeUntil(long now, long timestampFrequency, double count = 1)
    {
        Refill(now);
        var missing = Math.Min(count, _capacity) - _tokens;
        if (missing <= 0)
        {
            return TimeSpan.Zero;
        }
        var ticks = missing / _ratePerTick;
        return TimeSpan.FromSeconds(Math.Ceiling(ticks) / timestampFrequency);
    }

    private void Refill(long now)
    {
        if (now > _last)
        {
            _tokens = Math.Min(_capacity, _tokens + (now - _last) * _ratePerTick);
            _last = now;
        }
    }
}

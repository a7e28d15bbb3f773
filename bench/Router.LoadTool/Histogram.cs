using System.Numerics;

namespace Router.LoadTool;

/// <summary>
/// Log-linear histogram of microseconds: exact below 256 µs, then 128 sub-buckets per power of two
/// (under 0.8% error), up to hours. Not thread-safe: one per thread, merged at the end.
/// </summary>
internal sealed class Histogram
{
    private const int Linear = 256;
    private const int SubBuckets = 128;
    private readonly long[] _counts = new long[Linear + (40 * SubBuckets)];

    public long Count { get; private set; }

    public long Max { get; private set; }

    public void Record(long micros)
    {
        if (micros < 0)
        {
            micros = 0;
        }
        _counts[Index(micros)]++;
        Count++;
        if (micros > Max)
        {
            Max = micros;
        }
    }

    public void Add(Histogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }
        Count += other.Count;
        Max = Math.Max(Max, other.Max);
    }

    /// <summary>The value at quantile <paramref name="q"/> (0..1), as the upper edge of its bucket, capped at the max.</summary>
    public long Percentile(double q)
    {
        if (Count == 0)
        {
            return 0;
        }
        var rank = (long)Math.Ceiling(q * Count);
        rank = Math.Clamp(rank, 1, Count);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(UpperEdge(i), Max);
            }
        }
        return Max;
    }

    private static int Index(long v)
    {
        if (v < Linear)
        {
            return (int)v;
        }
        var top = 63 - BitOperations.LeadingZeroCount((ulong)v); // >= 8
        var shift = top - 7;                                        // v >> shift is in [128, 255]
        var index = Linear + ((shift - 1) * SubBuckets) + (int)((v >> shift) - SubBuckets);
        return Math.Min(index, Linear + (40 * SubBuckets) - 1);
    }

    private static long UpperEdge(int index)
    {
        if (index < Linear)
        {
            return index;
        }
        var shift = ((index - Linear) / SubBuckets) + 1;
        var mantissa = ((index - Linear) % SubBuckets) + SubBuckets;
        return ((mantissa + 1L) << shift) - 1;
    }
}

/// <summary>One histogram per thread that records, merged on demand (after the recording threads are done).</summary>
internal sealed class LatencyRecorder
{
    private readonly ThreadLocal<Histogram> _perThread = new(() => new Histogram(), trackAllValues: true);

    public void Record(long micros) => _perThread.Value!.Record(micros);

    public Histogram Merge()
    {
        var all = new Histogram();
        foreach (var h in _perThread.Values)
        {
            all.Add(h);
        }
        return all;
    }
}

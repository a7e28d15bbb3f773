using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Router.Connections;
using Router.Streams;
using Router.Tenants;

namespace Router.Host.Ingest;

/// <summary>
/// Per-tenant publish rate (SPEC §7): a token bucket per tenant on the injected clock; a batch takes one
/// token per event, all or nothing, so a refused request appends nothing and learns when to retry.
/// </summary>
internal sealed class PublishRateLimiter
{
    private readonly ConcurrentDictionary<TenantId, TokenBucket> _buckets = new();
    private readonly ConnectionLimits _limits;
    private readonly TimeProvider _time;

    public PublishRateLimiter(IOptions<ConnectionLimits> limits, TimeProvider time)
    {
        _limits = limits.Value;
        _time = time;
    }

    public double Rate => _limits.PublishEventsPerSecond;

    /// <summary>Null when the events may be published now; otherwise how long to wait (for Retry-After).</summary>
    public TimeSpan? TryAcquire(TenantId tenant, int events)
    {
        if (_limits.PublishEventsPerSecond <= 0)
        {
            return null;
        }
        var now = _time.GetTimestamp();
        var bucket = _buckets.GetOrAdd(tenant, _ => new TokenBucket(_limits.PublishEventsPerSecond, Math.Max(1, _limits.PublishBurst), now, _time.TimestampFrequency));
        lock (bucket)
        {
            if (events > bucket.Capacity)
            {
                // A batch larger than the burst can never pass at once; say how long the bucket takes to fill.
                return bucket.TimeUntil(now, _time.TimestampFrequency, bucket.Capacity) + TimeSpan.FromSeconds(1);
            }
            return bucket.TryTake(now, events) ? null : bucket.TimeUntil(now, _time.TimestampFrequency, events);
        }
    }
}

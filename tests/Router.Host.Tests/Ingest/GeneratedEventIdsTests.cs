namespace Router.Host.Ingest;

public sealed class GeneratedEventIdsTests
{
    [Fact]
    public void Next_ManyIds_DistinctVersion7WithTheEventTime()
    {
        var time = DateTimeOffset.FromUnixTimeMilliseconds(1_767_225_600_123);
        // More ids than one refill of the random buffer holds, so refills are crossed.
        var ids = Enumerable.Range(0, 1000).Select(_ => GeneratedEventIds.Next(time)).ToList();

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        foreach (var id in ids)
        {
            Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", id);
            var bytes = Guid.Parse(id).ToByteArray(bigEndian: true);
            var milliseconds = bytes.Take(6).Aggregate(0L, (acc, b) => (acc << 8) | b);
            Assert.Equal(time.ToUnixTimeMilliseconds(), milliseconds);
        }
    }

    [Fact]
    public void Next_SameMillisecond_RandomPartsDiffer()
    {
        var time = DateTimeOffset.UnixEpoch.AddDays(20_000);

        var first = Guid.Parse(GeneratedEventIds.Next(time)).ToByteArray(bigEndian: true);
        var second = Guid.Parse(GeneratedEventIds.Next(time)).ToByteArray(bigEndian: true);

        Assert.Equal(first[..6], second[..6]);
        Assert.NotEqual(first[6..], second[6..]);
    }
}

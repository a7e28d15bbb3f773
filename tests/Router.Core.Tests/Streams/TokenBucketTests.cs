namespace Router.Streams;

public sealed class TokenBucketTests
{
    private const long Frequency = TimeSpan.TicksPerSecond;

    [Fact]
    public void TryTake_FullBucket_AllowsBurstThenRefusesUntilRefill()
    {
        var bucket = new TokenBucket(ratePerSecond: 10, capacity: 5, now: 0, Frequency);

        for (var i = 0; i < 5; i++)
        {
            Assert.True(bucket.TryTake(0));
        }
        Assert.False(bucket.TryTake(0));
        Assert.Equal(TimeSpan.FromMilliseconds(100), bucket.TimeUntil(0, Frequency));
        Assert.True(bucket.TryTake(TimeSpan.FromMilliseconds(100).Ticks));
        Assert.False(bucket.TryTake(TimeSpan.FromMilliseconds(100).Ticks));
    }

    [Fact]
    public void TryTake_LongIdle_NeverExceedsCapacity()
    {
        var bucket = new TokenBucket(10, 3, 0, Frequency);
        var later = TimeSpan.FromHours(1).Ticks;

        Assert.True(bucket.TryTake(later, 3));
        Assert.False(bucket.TryTake(later));
    }

    [Fact]
    public void TryTake_SeveralTokens_AllOrNothing()
    {
        var bucket = new TokenBucket(100, 100, 0, Frequency);

        Assert.True(bucket.TryTake(0, 60));
        Assert.False(bucket.TryTake(0, 60));
        Assert.True(bucket.TryTake(0, 40));
        Assert.Equal(TimeSpan.FromMilliseconds(500), bucket.TimeUntil(0, Frequency, 50));
    }
}

namespace Router.Journal;

public sealed class PruneBoundTests
{
    [Theory]
    [InlineData(100, 1L, 1_000_000L, 0)] // nothing expired: nothing to delete
    [InlineData(100, 41L, 1_000_000L, 40)] // by age: everything before the first unexpired event
    [InlineData(100, null, 1_000_000L, 99)] // every event below the head expired: the head stays
    [InlineData(100, 1L, 10L, 90)] // by count: the newest ten stay
    [InlineData(100, 95L, 10L, 94)] // both: the limit that deletes more wins
    [InlineData(100, 41L, 1L, 99)] // keep one: only the head stays
    [InlineData(0, null, 10L, -1)] // no events: nothing to delete
    public void UpTo_BothLimits_DeletesWhatEitherExpiresButNeverTheHead(long head, long? firstUnexpired, long keepNewest, long expected)
    {
        var upTo = PruneBound.UpTo(new Position(head), firstUnexpired, keepNewest);

        Assert.Equal(expected, upTo);
        Assert.True(upTo < Math.Max(head, 1));
    }

    [Fact]
    public void UpTo_KeepNewestBelowOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PruneBound.UpTo(new Position(10), null, 0));
    }
}

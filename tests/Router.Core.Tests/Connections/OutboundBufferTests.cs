using Router.Events;
using Router.Journal;
using Router.Routing;
using Router.Tenants;
using Router.TestKit;

namespace Router.Connections;

/// <summary>A connection's outbound buffer: cap, drop-oldest, completion, the reader's wait, order through the ring.</summary>
public sealed class OutboundBufferTests
{
    [Fact]
    public void TryWrite_FullWithoutDropOldest_RefusesTheNewItemAndKeepsTheOld()
    {
        var buffer = new OutboundBuffer(2, dropOldest: false);
        var (a, b, c) = (Item(1), Item(2), Item(3));

        Assert.True(buffer.TryWrite(a));
        Assert.True(buffer.TryWrite(b));
        Assert.False(buffer.TryWrite(c));

        Assert.Equal([1L, 2L], DrainPositions(buffer));
    }

    [Fact]
    public void TryWrite_FullWithDropOldest_DropsTheOldestAndReportsIt()
    {
        var dropped = new List<long>();
        var buffer = new OutboundBuffer(2, dropOldest: true, item => dropped.Add(item.Event!.Position.Value));

        Assert.True(buffer.TryWrite(Item(1)));
        Assert.True(buffer.TryWrite(Item(2)));
        Assert.True(buffer.TryWrite(Item(3)));

        Assert.Equal([1L], dropped);
        Assert.Equal([2L, 3L], DrainPositions(buffer));
    }

    [Fact]
    public void TryRead_WritesAndReadsInterleavedPastTheRingsSize_KeepsWriteOrder()
    {
        var buffer = new OutboundBuffer(100, dropOldest: false);
        var read = new List<long>();
        var next = 1L;
        for (var round = 0; round < 20; round++)
        {
            // Writes outpace reads, so the ring wraps and grows with items on both sides of its end.
            for (var i = 0; i < 3; i++)
            {
                Assert.True(buffer.TryWrite(Item(next++)));
            }
            for (var i = 0; i < 2 && buffer.TryRead(out var item); i++)
            {
                read.Add(item.Event!.Position.Value);
            }
        }
        read.AddRange(DrainPositions(buffer));

        Assert.Equal(Enumerable.Range(1, 60).Select(i => (long)i), read);
    }

    [Fact]
    public async Task WaitToReadAsync_ItemWritten_CompletesTrueWithoutRunningTheReaderOnTheWritersThread()
    {
        var buffer = new OutboundBuffer(4, dropOldest: false);
        using var readerMayGoOn = new ManualResetEventSlim();
        // The reader's continuation blocks until released: run inline, it would block the writer's TryWrite too.
        var reader = buffer.WaitToReadAsync().AsTask().ContinueWith(
            wait =>
            {
                readerMayGoOn.Wait();
                return wait.Result;
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        try
        {
            Assert.True(await Task.Run(() => buffer.TryWrite(ConnectionItem.Heartbeat)).DefaultTimeout());
        }
        finally
        {
            readerMayGoOn.Set();
        }

        Assert.True(await reader.DefaultTimeout());
    }

    [Fact]
    public async Task WaitToReadAsync_CompletedWhileWaiting_CompletesFalseWhenEmpty()
    {
        var buffer = new OutboundBuffer(4, dropOldest: false);
        var wait = buffer.WaitToReadAsync();

        Assert.True(buffer.TryComplete());

        Assert.False(await wait.DefaultTimeout());
        Assert.False(buffer.TryWrite(ConnectionItem.Heartbeat));
        Assert.False(buffer.TryComplete());
    }

    [Fact]
    public async Task WaitToReadAsync_CompletedWithItemsQueued_ItemsStillReadThenFalse()
    {
        var buffer = new OutboundBuffer(4, dropOldest: false);
        buffer.TryWrite(Item(7));
        buffer.TryComplete();

        Assert.True(await buffer.WaitToReadAsync().DefaultTimeout());
        Assert.Equal([7L], DrainPositions(buffer));
        Assert.False(await buffer.WaitToReadAsync().DefaultTimeout());
    }

    [Fact]
    public async Task Wake_WhileWaiting_CompletesTheWaitWithNothingQueued()
    {
        var buffer = new OutboundBuffer(4, dropOldest: false);
        var wait = buffer.WaitToReadAsync();

        buffer.Wake();

        Assert.True(await wait.DefaultTimeout());
        Assert.Equal(0, buffer.Count);
        // The wait object is reused: the next wait is a fresh one, completed by the next write.
        var next = buffer.WaitToReadAsync();
        Assert.False(next.IsCompleted);
        buffer.TryWrite(ConnectionItem.Heartbeat);
        Assert.True(await next.DefaultTimeout());
    }

    [Fact]
    public void WaitToReadAsync_AlreadyWaiting_Throws()
    {
        var buffer = new OutboundBuffer(4, dropOldest: false);
        _ = buffer.WaitToReadAsync();

        Assert.Throws<InvalidOperationException>(() => buffer.WaitToReadAsync());
    }

    private static ConnectionItem Item(long position) => new(new RoutedEvent(
        TenantId.Parse("acme"),
        new JournalEvent(new Position(position), $"e{position}", "question.created.v1", "q", DateTimeOffset.UnixEpoch, "{}"u8.ToArray(), null, null),
        EventType.Parse("question.created.v1"),
        RouteTiers.Queue));

    private static List<long> DrainPositions(OutboundBuffer buffer)
    {
        var positions = new List<long>();
        while (buffer.TryRead(out var item))
        {
            positions.Add(item.Event!.Position.Value);
        }
        return positions;
    }
}

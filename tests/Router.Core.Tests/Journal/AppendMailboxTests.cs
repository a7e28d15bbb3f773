using Router.Tenants;
using Router.TestKit;

namespace Router.Journal;

public sealed class AppendMailboxTests
{
    private static readonly TenantId Acme = TenantId.Parse("acme");

    private static IReadOnlyList<IReadOnlyList<EventToAppend>> Events(int count) =>
        [Enumerable.Range(0, count)
            .Select(i => new EventToAppend($"e{i}", "x.happened.v1", null, DateTimeOffset.UnixEpoch, "{}"u8.ToArray(), null, null))
            .ToArray()];

    private static ValueTask<IReadOnlyList<BatchResult>> Append(AppendMailbox mailbox, int events, CancellationToken cancellationToken = default) =>
        AppendMailbox.AppendAsync(() => mailbox, Acme, Events(events), cancellationToken);

    [Fact]
    public void TakeGroup_RequestsUnderTheCap_TakesThemAllInOrderAndNeverSplitsOne()
    {
        var mailbox = new AppendMailbox(maxEventsPerCommit: 5, "Test");
        _ = Append(mailbox, 2);
        _ = Append(mailbox, 2);
        _ = Append(mailbox, 3);
        var group = new List<PendingAppend>();

        mailbox.TakeGroup(group);

        Assert.Equal([2, 2], group.Select(r => r.EventCount));
        group.Clear();
        mailbox.TakeGroup(group);
        Assert.Equal([3], group.Select(r => r.EventCount));
    }

    [Fact]
    public void TakeGroup_OneRequestOverTheCap_TakesItAlone()
    {
        var mailbox = new AppendMailbox(maxEventsPerCommit: 2, "Test");
        _ = Append(mailbox, 7);
        _ = Append(mailbox, 1);
        var group = new List<PendingAppend>();

        mailbox.TakeGroup(group);

        Assert.Equal([7], group.Select(r => r.EventCount));
    }

    [Fact]
    public async Task AppendAsync_CancelledBeforeTheWriterTookIt_IsCancelledAndNeverTaken()
    {
        var mailbox = new AppendMailbox(maxEventsPerCommit: 10, "Test");
        using var cancellation = new CancellationTokenSource();
        var cancelled = Append(mailbox, 1, cancellation.Token).AsTask();
        var kept = Append(mailbox, 2).AsTask();

        await cancellation.CancelAsync();
        var group = new List<PendingAppend>();
        mailbox.TakeGroup(group);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled).DefaultTimeout();
        Assert.Equal([2], group.Select(r => r.EventCount));
        group[0].Complete([new BatchResult([])]);
        Assert.Single(await kept.DefaultTimeout());
    }

    [Fact]
    public async Task AppendAsync_CancelledAfterTheWriterTookIt_KeepsTheWritersOutcome()
    {
        var mailbox = new AppendMailbox(maxEventsPerCommit: 10, "Test");
        using var cancellation = new CancellationTokenSource();
        var append = Append(mailbox, 1, cancellation.Token).AsTask();
        var group = new List<PendingAppend>();
        mailbox.TakeGroup(group);

        await cancellation.CancelAsync();
        group[0].Complete([new BatchResult([])]);

        Assert.Single(await append.DefaultTimeout());
    }

    [Fact]
    public async Task AppendAsync_MailboxFull_WaitsUntilTheWriterTakesAGroup()
    {
        var mailbox = new AppendMailbox(maxEventsPerCommit: 1, "Test");
        var first = Append(mailbox, 1).AsTask();
        var second = Append(mailbox, 1).AsTask();
        Assert.Equal(1, mailbox.Count);
        var group = new List<PendingAppend>();

        mailbox.TakeGroup(group);

        await Eventually.UntilAsync(() => mailbox.Count == 1);
        mailbox.TakeGroup(group);
        Assert.Equal(2, group.Count);
        foreach (var request in group)
        {
            request.Complete([new BatchResult([])]);
        }
        await Task.WhenAll(first, second).DefaultTimeout();
    }

    [Fact]
    public async Task AppendAsync_AfterComplete_FailsAsShuttingDown()
    {
        var mailbox = new AppendMailbox(maxEventsPerCommit: 10, "Test");
        mailbox.Complete();

        var refused = await Assert.ThrowsAsync<JournalUnavailableException>(() => Append(mailbox, 1).AsTask()).DefaultTimeout();

        Assert.Equal("The Test journal is shutting down.", refused.Message);
    }

    [Fact]
    public async Task FailAll_WriterLoopDied_FailsItsGroupTheQueuedRequestsAndLaterAppendsAsWriterStopped()
    {
        var mailbox = new AppendMailbox(maxEventsPerCommit: 1, "Test");
        var inGroup = Append(mailbox, 1).AsTask();
        var group = new List<PendingAppend>();
        mailbox.TakeGroup(group);
        var queued = Append(mailbox, 1).AsTask();
        var bug = new InvalidOperationException("a bug in the loop");

        mailbox.FailAll(group, bug);

        Assert.True(mailbox.IsFaulted);
        foreach (var failed in new[] { inGroup, queued, Append(mailbox, 1).AsTask() })
        {
            var refused = await Assert.ThrowsAsync<JournalUnavailableException>(() => failed).DefaultTimeout();
            Assert.StartsWith("The Test journal's writer stopped.", refused.Message);
        }
    }

    [Fact]
    public async Task AppendAsync_NoEvents_AnswersAtOnceWithoutQueueing()
    {
        var mailbox = new AppendMailbox(maxEventsPerCommit: 10, "Test");

        var results = await Append(mailbox, 0).DefaultTimeout();

        Assert.Empty(Assert.Single(results).Events);
        Assert.Equal(0, mailbox.Count);
    }

    [Fact]
    public async Task AppendAsync_JournalNotOpen_ThrowsWhatTheJournalThrows()
    {
        var refused = await Assert.ThrowsAsync<JournalUnavailableException>(() => AppendMailbox.AppendAsync(
            () => throw JournalUnavailableException.ShuttingDown("Test"), Acme, Events(1), CancellationToken.None).AsTask()).DefaultTimeout();

        Assert.Equal("The Test journal is shutting down.", refused.Message);
    }
}

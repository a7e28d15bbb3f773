using System.Diagnostics;
using Router.Tenants;
using Router.TestKit;

namespace Router.Journal.Sqlite;

/// <summary>Checkpoints run off the writer's thread, and the WAL still starts over (stays bounded) under a steady load.</summary>
public sealed class WalCheckpointerTests : IDisposable
{
    private static readonly TenantId Tenant = TenantId.Parse("acme");
    private static readonly byte[] Payload = System.Text.Encoding.UTF8.GetBytes("{\"text\":\"" + new string('x', 1000) + "\"}");

    private readonly SqliteTestStore _store = new();

    public void Dispose() => _store.Dispose();

    private static async Task AppendBatchesAsync(IEventJournal journal, int batches, int eventsPerBatch)
    {
        for (var b = 0; b < batches; b++)
        {
            var events = Enumerable.Range(0, eventsPerBatch)
                .Select(i => new EventToAppend(Guid.CreateVersion7().ToString(), "question.created.v1", "q", DateTimeOffset.UtcNow, Payload, null, null) { IdGenerated = true })
                .ToArray();
            await journal.AppendAsync(Tenant, [events], CancellationToken.None).AsTask().DefaultTimeout();
        }
    }

    [Fact]
    public async Task Append_Committed_CopiedIntoTheDatabaseFileByTheCheckpointThread()
    {
        await using var journal = await _store.OpenJournalAsync().DefaultTimeout();
        var fileBefore = new FileInfo(_store.DatabasePath).Length;

        // ~2 MB: far below the writer's own checkpoint threshold (16 MiB), so only the checkpoint thread copies it.
        await AppendBatchesAsync(journal, batches: 20, eventsPerBatch: 100);

        var checkpointer = journal.Checkpointer!;
        await Eventually.UntilAsync(() => new FileInfo(_store.DatabasePath).Length > fileBefore + 1_000_000, "the database file receiving the committed pages");
        Assert.True(checkpointer.Passes > 0);
        Assert.NotSame(journal.WriterThread, checkpointer.Thread);
    }

    [Fact]
    public async Task Append_SmallCommitsWhileTheWalIsShort_PassesRestTheLongRest()
    {
        await using var journal = await _store.OpenJournalAsync().DefaultTimeout();
        var checkpointer = journal.Checkpointer!;
        var passesBefore = checkpointer.Passes;
        var started = Stopwatch.GetTimestamp();

        // A trickle: 60 commits of one event, a few milliseconds apart (a few WAL frames each, far below
        // ShortRestFrames), each poking the thread. Paced, not synchronised: the delays only spread the commits out.
        for (var i = 0; i < 60; i++)
        {
            await AppendBatchesAsync(journal, batches: 1, eventsPerBatch: 1);
            await Task.Delay(3);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var passes = checkpointer.Passes - passesBefore;
        // At most one pass per long rest, plus the first (a poke finds the thread waiting) and one under way now.
        var bound = 2 + (long)(elapsed / WalCheckpointer.LongRest);
        Assert.True(passes <= bound, $"{passes} passes in {elapsed.TotalMilliseconds:0} ms of small commits (bound {bound}).");
    }

    [Fact]
    public async Task Append_SteadyLoadPastTheThreshold_WalStartsOverAndStaysBounded()
    {
        await using var journal = await _store.OpenJournalAsync().DefaultTimeout();

        // ~60 MB of events, appended back to back: without the writer's own checkpoint between two of its
        // transactions, the WAL would never start over and would hold all of it.
        await AppendBatchesAsync(journal, batches: 600, eventsPerBatch: 100);

        var wal = new FileInfo(_store.DatabasePath + "-wal").Length;
        // The threshold plus the group that crossed it, a tenth as slack: a WAL frame is a page plus its
        // 24-byte header. With SQLite's own automatic checkpoint, which gave up whenever a pass of the
        // checkpoint thread was in progress, the WAL reached 19-34 MB here.
        var bound = 32 + (WalCheckpointer.WriterCheckpointPages * 11L / 10) * (4096 + 24);
        Assert.True(wal < bound, $"The WAL holds {wal:N0} bytes after ~60 MB of appends (bound {bound:N0}).");
        Assert.Equal(60_000, (await journal.ReadHeadAsync(Tenant, CancellationToken.None).AsTask().DefaultTimeout()).Value);
    }

    [Fact]
    public async Task Append_AReaderHoldsAnOldSnapshot_WriterTriesAgainSparinglyThenStartsOverOnceItEnds()
    {
        await using var journal = await _store.OpenJournalAsync().DefaultTimeout();
        await AppendBatchesAsync(journal, batches: 1, eventsPerBatch: 100);
        var writer = journal.Writer!;

        using (var reader = _store.OpenConnection())
        using (var snapshot = reader.BeginTransaction(deferred: true))
        {
            using (var read = reader.CreateCommand())
            {
                // A read transaction that has read keeps its snapshot: SQLite may not overwrite the WAL under it.
                read.Transaction = snapshot;
                read.CommandText = "SELECT count(*) FROM events";
                Assert.Equal(100L, read.ExecuteScalar());
            }

            // ~6 MB of events, ~130 WAL frames per group of 100: ~30 groups past the threshold.
            await AppendBatchesAsync(journal, batches: 60, eventsPerBatch: 100);
            var frames = writer.WalFrames;
            Assert.True(frames > WalCheckpointer.WriterCheckpointPages + 1000, $"The WAL holds {frames} frames while the reader reads.");
            // A try per tenth of the threshold past it, not one per group.
            var tenthsPast = (frames - WalCheckpointer.WriterCheckpointPages) / (WalCheckpointer.WriterCheckpointPages / 10);
            Assert.InRange(writer.WalRestartTries, 1, tenthsPast + 1);
        }

        // The reader is gone: within the next tenth of the threshold (~3 groups), a try starts the WAL over.
        await AppendBatchesAsync(journal, batches: 5, eventsPerBatch: 100);
        Assert.True(writer.WalFrames < WalCheckpointer.WriterCheckpointPages / 2, $"The WAL holds {writer.WalFrames} frames after the reader ended.");
    }
}

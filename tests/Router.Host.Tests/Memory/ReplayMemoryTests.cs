using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Router.Actors;
using Router.Connections;
using Router.Events;
using Router.Journal;
using Router.Journal.Sqlite;
using Router.Routing;
using Router.Tenants;
using Router.TestKit;
using Router.Versioning;

namespace Router.Host.Memory;

/// <summary>
/// Replay reads the journal page by page as fast as the client takes the writes, so replaying a large
/// backlog costs about one page of memory, not the backlog (SPEC §1, issue 3).
/// </summary>
public sealed class ReplayMemoryTests : IAsyncLifetime
{
    private const int Events = 1_000_000;
    private const long ManagedBoundBytes = 48L * 1024 * 1024;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "router-tests", Guid.NewGuid().ToString("N"));
    private SqliteEventJournal _journal = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _journal = new SqliteEventJournal(
            new SqliteJournalOptions { Path = Path.Combine(_directory, "replay.db"), Synchronous = SqliteSynchronous.Normal, BusyTimeout = TimeSpan.FromSeconds(5), MaxEventsPerCommit = 50_000 },
            NullLogger<SqliteEventJournal>.Instance);
        await _journal.InitializeAsync(CancellationToken.None).DefaultTimeout();
    }

    public async Task DisposeAsync()
    {
        await _journal.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Replay_MillionEventsToOneClient_ManagedMemoryStaysBounded()
    {
        var tenant = TenantId.Parse("acme");
        var data = Encoding.UTF8.GetBytes("""{"text":"a question of typical size, asked in a town hall"}""");
        var time = DateTimeOffset.UtcNow;
        for (var start = 0; start < Events; start += 10_000)
        {
            var batches = Enumerable.Range(start, 10_000).Chunk(1000)
                .Select(chunk => (IReadOnlyList<EventToAppend>)chunk.Select(i => new EventToAppend($"e{i}", "question.created.v1", "q", time, data, null, null)).ToList())
                .ToList();
            await _journal.AppendAsync(tenant, batches, CancellationToken.None).DefaultTimeout();
        }

        await using var system = new ActorSystem(TimeProvider.System, NullLoggerFactory.Instance);
        var tuning = new ActorTuningOptions { MailboxCapacity = 64, QueueMailboxCapacity = 64, TenantIdleAfter = TimeSpan.FromMinutes(2), QueueIdleAfter = TimeSpan.FromMinutes(1), MaxRestarts = 1, RestartWindow = TimeSpan.FromMinutes(1), MinBackoff = TimeSpan.Zero, MaxBackoff = TimeSpan.Zero };
        var tenants = new TenantDirectory(system, _journal, RoutingTable.Default, tuning);
        var options = new StreamOptions
        {
            Retry = TimeSpan.FromSeconds(3), Heartbeat = TimeSpan.FromSeconds(30), BufferEvents = 1024, BufferBytes = 4 << 20,
            WriteTimeout = TimeSpan.FromMinutes(1), Overflow = "disconnect", ReplayPageSize = 500, ThrottleEventsPerSecond = 0, ThrottleBurst = 1, Conflate = [],
        };
        // A client with a small socket-like buffer: the writer waits whenever 64 KiB are unread.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024));
        var filter = new SubscriptionFilter(StreamScope.ForQueue(tenant, Router.Queues.QueueName.Parse("q")), TypePatternSet.Empty, null, TypePatternSet.Empty);
        using var heartbeats = new HeartbeatScheduler(TimeProvider.System);
        var connection = new ConnectionActor(
            Guid.NewGuid(),
            new StreamRequest(filter, Position.Start, false, VersionPins.None),
            new ConnectionServices(options, tenants, _journal, RoutingTable.Default, EventTypeRegistry.Empty, TimeProvider.System, heartbeats, NullLogger.Instance),
            pipe.Writer);
        using var cancel = new CancellationTokenSource();
        var run = connection.RunAsync(cancel.Token);

        GC.Collect();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var peak = 0L;
        var frames = 0L;
        byte previous = 0;
        var clock = Stopwatch.StartNew();
        while (frames < Events)
        {
            var read = await pipe.Reader.ReadAsync().DefaultTimeout();
            frames += CountFrames(read.Buffer, ref previous);
            pipe.Reader.AdvanceTo(read.Buffer.End);
            if ((frames & 0x3FFF) < 50)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false) - baseline);
            }
        }
        clock.Stop();
        await cancel.CancelAsync();
        await run.DefaultTimeout();

        // Frames counted include the two control frames at the start.
        Assert.True(frames >= Events, $"{frames} frames");
        Assert.True(peak < ManagedBoundBytes, $"managed memory grew by {peak / 1024 / 1024} MiB while replaying {Events} events (bound {ManagedBoundBytes / 1024 / 1024} MiB)");
        Console.WriteLine($"Replayed {Events} events in {clock.Elapsed.TotalSeconds:F1}s ({Events / clock.Elapsed.TotalSeconds:F0}/s), peak managed growth {peak / 1024 / 1024} MiB");
    }

    /// <summary>Counts SSE frame terminators (a blank line) in what the client received.</summary>
    private static long CountFrames(ReadOnlySequence<byte> buffer, ref byte previous)
    {
        long count = 0;
        foreach (var segment in buffer)
        {
            foreach (var b in segment.Span)
            {
                if (b == (byte)'\n' && previous == (byte)'\n')
                {
                    count++;
                }
                previous = b;
            }
        }
        return count;
    }
}

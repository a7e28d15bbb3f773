using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Router.Journal;
using Router.Journal.Sqlite;

namespace Router.Benchmarks;

/// <summary>
/// One journal append of a batch on SQLite (WAL), as the tenant actor hands it over: the cost per commit and per
/// event, at both synchronous settings. The file lives in the temp directory (the disk the router would use).
/// </summary>
[MemoryDiagnoser]
public class JournalAppendBenchmarks
{
    private string _directory = "";
    private SqliteEventJournal _journal = null!;
    private IReadOnlyList<IReadOnlyList<EventToAppend>> _batches = [];
    private long _next;

    [Params(1, 100)]
    public int BatchSize { get; set; }

    [Params(SqliteSynchronous.Normal, SqliteSynchronous.Full)]
    public SqliteSynchronous Synchronous { get; set; }

    /// <summary>True: ids the router generated (no idempotency lookup); false: producers' ids (looked up first).</summary>
    [Params(false, true)]
    public bool GeneratedIds { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _directory = Directory.CreateTempSubdirectory("router-bench-journal").FullName;
        _journal = new SqliteEventJournal(
            new SqliteJournalOptions { Path = Path.Combine(_directory, "router.db"), Synchronous = Synchronous, BusyTimeout = TimeSpan.FromSeconds(5), MaxEventsPerCommit = 10_000 },
            NullLogger<SqliteEventJournal>.Instance);
        await _journal.InitializeAsync(CancellationToken.None);
    }

    [IterationSetup]
    public void NewBatch()
    {
        // Fresh event ids each time: a repeated id would be an idempotent no-op, not an append.
        var batch = new EventToAppend[BatchSize];
        for (var i = 0; i < batch.Length; i++)
        {
            batch[i] = new EventToAppend($"evt-{_next++}", "question.created.v1", "town-hall", DateTimeOffset.UtcNow, Fixtures.Data, null, null)
            {
                IdGenerated = GeneratedIds,
            };
        }
        _batches = [batch];
    }

    [Benchmark]
    public async Task<int> AppendBatch()
    {
        var results = await _journal.AppendAsync(Fixtures.Tenant, _batches, CancellationToken.None);
        return results[0].Events.Count;
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _journal.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>
/// One replay page read from SQLite (500 rows of one queue, as the catch-up loop asks for them): the read side's
/// cost per page and, divided by 500, per replayed event.
/// </summary>
[MemoryDiagnoser]
public class JournalReadBenchmarks
{
    private const int Rows = 20_000;
    private string _directory = "";
    private SqliteEventJournal _journal = null!;

    [Params(500)]
    public int PageSize { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _directory = Directory.CreateTempSubdirectory("router-bench-journal").FullName;
        _journal = new SqliteEventJournal(
            new SqliteJournalOptions { Path = Path.Combine(_directory, "router.db"), Synchronous = SqliteSynchronous.Normal, BusyTimeout = TimeSpan.FromSeconds(5), MaxEventsPerCommit = 10_000 },
            NullLogger<SqliteEventJournal>.Instance);
        await _journal.InitializeAsync(CancellationToken.None);
        for (var start = 0; start < Rows; start += 1000)
        {
            var batch = Enumerable.Range(start, 1000)
                .Select(i => new EventToAppend($"0197f6b2-7c1e-7a4e-9d0c-{i:D12}", "question.created.v1", Fixtures.Queue.Value, DateTimeOffset.UtcNow, Fixtures.Data, null, i % 2 == 0 ? "tab-1" : null))
                .ToArray();
            await _journal.AppendAsync(Fixtures.Tenant, [batch], CancellationToken.None);
        }
    }

    /// <summary>A tenant-level stream's page: a range of the primary key.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> ReadTenantPage()
    {
        var page = await _journal.ReadAsync(Fixtures.Tenant, new JournalQuery(new Position(Rows / 2), PageSize), CancellationToken.None);
        return page.Count;
    }

    /// <summary>A queue stream's page (what the load tool's replay reads).</summary>
    [Benchmark]
    public async Task<int> ReadQueuePage()
    {
        var page = await _journal.ReadAsync(Fixtures.Tenant, new JournalQuery(new Position(Rows / 2), PageSize, Fixtures.Queue), CancellationToken.None);
        return page.Count;
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _journal.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}

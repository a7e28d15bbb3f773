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

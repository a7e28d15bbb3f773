using System.Text;
using System.Text.Json;
using Npgsql;
using Router.Tenants;
using Router.TestKit;

namespace Router.Journal.Postgres;

/// <summary>
/// The retention sweep runs every minute over every tenant. In the steady state it deletes nothing, and then
/// each of its statements must read a handful of rows, not the journal: EXPLAIN ANALYZE counts what they read.
/// </summary>
public sealed class PostgresRetentionQueryTests : IAsyncLifetime
{
    private const int EventsPerTenant = 2000;
    private static readonly TenantId TenantA = TenantId.Parse("tenant-a");
    private static readonly TenantId TenantB = TenantId.Parse("tenant-b");
    private static readonly DateTimeOffset Time0 = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    private readonly PostgresTestStore _store = PostgresTestStore.Create();
    private PostgresEventJournal? _journal;

    public async Task InitializeAsync()
    {
        _journal = await _store.OpenJournalAsync();
        foreach (var tenant in new[] { TenantA, TenantB })
        {
            for (var first = 0; first < EventsPerTenant; first += 200)
            {
                var batch = Enumerable.Range(first, 200).Select(i => Event($"{tenant.Value}-{i}")).ToArray();
                await _journal.AppendAsync(tenant, [batch], CancellationToken.None).DefaultTimeout();
            }
        }
        // Production tables have statistics; without them the planner's choices here would be guesses.
        await _store.AdminScalarAsync($"ANALYZE {_store.Schema}.events");
        await _store.AdminScalarAsync($"ANALYZE {_store.Schema}.tenant_heads");
    }

    public async Task DisposeAsync()
    {
        if (_journal is not null)
        {
            await _journal.DisposeAsync().DefaultTimeout();
        }
        await _store.DisposeAsync().DefaultTimeout();
    }

    public static TheoryData<string> SweepStatements =>
    [
        nameof(SqlStatements.SelectTenants),
        nameof(SqlStatements.SelectFirstUnexpired),
        nameof(SqlStatements.PruneEvents),
    ];

    [Theory]
    [MemberData(nameof(SweepStatements))]
    public async Task SweepStatement_NothingExpired_ReadsAHandfulOfRowsNotTheJournal(string statement)
    {
        var sql = (string)typeof(SqlStatements).GetProperty(statement)!.GetValue(null)!;

        var rowsRead = await RowsReadAsync(sql);

        Assert.InRange(rowsRead, 0, 10);
    }

    [Fact]
    public async Task PruneAsync_NothingExpired_DeletesNothing()
    {
        var deleted = await _journal!.PruneAsync(TenantA, Time0.AddHours(-1), keepNewest: 1_000_000, CancellationToken.None).DefaultTimeout();

        Assert.Equal(0, deleted);
        Assert.Equal(new Position(1), await _journal.ReadEarliestAsync(TenantA, CancellationToken.None).DefaultTimeout());
    }

    /// <summary>
    /// Runs the statement under EXPLAIN ANALYZE, as the sweep would when nothing has expired, and rolls it back.
    /// Returns the rows its scans touched: the rows they returned plus those their filters dropped, over all loops.
    /// </summary>
    private async Task<double> RowsReadAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_store.ConnectionString);
        await connection.OpenAsync().DefaultTimeout();
        await using var transaction = await connection.BeginTransactionAsync().DefaultTimeout();
        await using (var path = new NpgsqlCommand($"SET LOCAL search_path TO {_store.Schema}", connection, transaction))
        {
            await path.ExecuteNonQueryAsync().DefaultTimeout();
        }
        await using var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, connection, transaction);
        // Only the parameters the statement names are sent; the sweep's values when nothing has expired.
        explain.Parameters.AddWithValue("tenant", TenantA.Value);
        explain.Parameters.AddWithValue("head", (long)EventsPerTenant);
        explain.Parameters.AddWithValue("cutoff", Time0.AddHours(-1));
        explain.Parameters.AddWithValue("upto", PruneBound.UpTo(new Position(EventsPerTenant), 1, 1_000_000));
        explain.Parameters.AddWithValue("chunk", 5000);
        var plan = (string)(await explain.ExecuteScalarAsync().DefaultTimeout())!;
        await transaction.RollbackAsync().DefaultTimeout();

        using var document = JsonDocument.Parse(plan);
        return ScannedRows(document.RootElement[0].GetProperty("Plan"));
    }

    private static double ScannedRows(JsonElement node)
    {
        double rows = 0;
        if (node.GetProperty("Node Type").GetString()!.EndsWith("Scan", StringComparison.Ordinal))
        {
            // EXPLAIN reports both counts per loop.
            var perLoop = node.GetProperty("Actual Rows").GetDouble()
                + (node.TryGetProperty("Rows Removed by Filter", out var removed) ? removed.GetDouble() : 0);
            rows += perLoop * node.GetProperty("Actual Loops").GetDouble();
        }
        if (node.TryGetProperty("Plans", out var children))
        {
            foreach (var child in children.EnumerateArray())
            {
                rows += ScannedRows(child);
            }
        }
        return rows;
    }

    private static EventToAppend Event(string id) =>
        new(id, "question.created.v1", null, Time0, Encoding.UTF8.GetBytes($$"""{"id":"{{id}}"}"""), null, null);
}

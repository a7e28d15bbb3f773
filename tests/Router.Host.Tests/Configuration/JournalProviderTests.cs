using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Router.Connections;
using Router.Journal;
using Router.Journal.Postgres;
using Router.Journal.Sqlite;
using Router.TestKit;

namespace Router.Host.Configuration;

/// <summary><c>router.journal.provider</c> picks the journal and its change feed; a wrong or incomplete choice stops the start.</summary>
public sealed class JournalProviderTests
{
    [Fact]
    public async Task AddRouter_ProviderPostgres_RegistersPostgresJournalAndChangeFeed()
    {
        await using var app = Build(new()
        {
            ["router:journal:provider"] = "postgres",
            ["router:journal:postgres:ConnectionString"] = "Host=127.0.0.1;Username=router;Database=router",
        });

        Assert.IsType<PostgresEventJournal>(app.Services.GetRequiredService<IEventJournal>());
        var feed = Assert.IsType<PostgresJournalChangeFeed>(app.Services.GetRequiredService<IJournalChangeFeed>());
        Assert.Equal("router_events", feed.Channel);
    }

    [Fact]
    public async Task AddRouter_ProviderSqlite_RegistersSqliteJournalAndASilentChangeFeed()
    {
        await using var app = Build(new() { ["router:journal:provider"] = "sqlite" });

        Assert.IsType<SqliteEventJournal>(app.Services.GetRequiredService<IEventJournal>());
        using var stop = new CancellationTokenSource();
        var listening = app.Services.GetRequiredService<IJournalChangeFeed>().ListenAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        var next = listening.MoveNextAsync().AsTask();
        Assert.False(next.IsCompleted);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next).DefaultTimeout();
    }

    [Fact]
    public async Task AddRouter_ProviderPostgresWithoutConnectionString_FailsValidation()
    {
        await using var app = Build(new() { ["router:journal:provider"] = "postgres" });

        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<PostgresJournalOptions>>().Value);
        Assert.Contains("ROUTER_POSTGRES", error.Message);
    }

    [Theory]
    [InlineData("postgres", "6", 3)]
    [InlineData("postgres", "40", 8)]
    [InlineData("sqlite", "6", 8)]
    public async Task AddRouter_ReplayConcurrency_AtMostHalfThePostgresPool(string provider, string maxPoolSize, int expected)
    {
        await using var app = Build(new()
        {
            ["router:journal:provider"] = provider,
            ["router:journal:postgres:ConnectionString"] = "Host=127.0.0.1;Username=router;Database=router",
            ["router:journal:postgres:maxpoolsize"] = maxPoolSize,
        });

        Assert.Equal(expected, app.Services.GetRequiredService<IOptions<StreamOptions>>().Value.ReplayConcurrency);
    }

    [Fact]
    public async Task AddRouter_UnknownProvider_FailsValidation()
    {
        await using var app = Build(new() { ["router:journal:provider"] = "mysql" });

        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<JournalOptions>>().Value);
        Assert.Contains("sqlite or postgres", error.Message);
    }

    /// <summary>The router over the shipped router.conf and the given overrides, built but not started.</summary>
    private static WebApplication Build(Dictionary<string, string?> overrides)
    {
        overrides["router:journal:sqlite:path"] = Path.Combine(Path.GetTempPath(), "router-tests", Guid.NewGuid().ToString("N"), "router.db");
        return RouterApp.Build([], overrides);
    }
}

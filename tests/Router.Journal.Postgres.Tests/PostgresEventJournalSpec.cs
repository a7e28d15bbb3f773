using Router.Journal.Specification;

namespace Router.Journal.Postgres;

/// <summary>The journal TCK against a fresh schema per test on the server named by ROUTER_TEST_POSTGRES.</summary>
public sealed class PostgresEventJournalSpec : EventJournalSpec
{
    private readonly PostgresTestStore _store = PostgresTestStore.Create();

    protected override async Task<IEventJournal> CreateJournalAsync() => await _store.OpenJournalAsync();

    protected override async Task<IEventJournal> ReopenJournalAsync()
    {
        await Journal.DisposeAsync();
        return await _store.OpenJournalAsync();
    }

    protected override async Task DeleteStoreAsync() => await _store.DisposeAsync();
}

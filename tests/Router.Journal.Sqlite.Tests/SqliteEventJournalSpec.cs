using Router.Journal.Specification;

namespace Router.Journal.Sqlite;

/// <summary>The journal TCK against a SQLite file in a temporary directory.</summary>
public sealed class SqliteEventJournalSpec : EventJournalSpec
{
    private readonly SqliteTestStore _store = new();

    protected override async Task<IEventJournal> CreateJournalAsync() => await _store.OpenJournalAsync();

    protected override async Task<IEventJournal> ReopenJournalAsync()
    {
        await Journal.DisposeAsync();
        return await _store.OpenJournalAsync();
    }

    protected override Task DeleteStoreAsync()
    {
        _store.Dispose();
        return Task.CompletedTask;
    }
}

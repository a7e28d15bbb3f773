using System.Reflection;

namespace Router.Journal.Postgres;

/// <summary>The journal's SQL: one statement per embedded <c>Sql/*.sql</c> file, read once per process.</summary>
/// <remarks>
/// Table names are unqualified: every connection's search_path is the configured schema (see
/// <see cref="PostgresEventJournal"/>). Only <see cref="CreateSchema"/> names the schema, as <c>{schema}</c>.
/// </remarks>
internal static class SqlStatements
{
    public static string SelectSchemaExists { get; } = Load(nameof(SelectSchemaExists));
    public static string CreateSchema { get; } = Load(nameof(CreateSchema));
    public static string LockMigration { get; } = Load(nameof(LockMigration));
    public static string CreateEventsTable { get; } = Load(nameof(CreateEventsTable));
    public static string CreateEventIdIndex { get; } = Load(nameof(CreateEventIdIndex));
    public static string CreateQueueIndex { get; } = Load(nameof(CreateQueueIndex));
    public static string CreateTenantHeadsTable { get; } = Load(nameof(CreateTenantHeadsTable));

    public static string Begin { get; } = Load(nameof(Begin));
    public static string Commit { get; } = Load(nameof(Commit));
    public static string Rollback { get; } = Load(nameof(Rollback));
    public static string Savepoint { get; } = Load(nameof(Savepoint));
    public static string ReleaseSavepoint { get; } = Load(nameof(ReleaseSavepoint));
    public static string RollbackToSavepoint { get; } = Load(nameof(RollbackToSavepoint));

    public static string LockHeads { get; } = Load(nameof(LockHeads));
    public static string SelectDuplicates { get; } = Load(nameof(SelectDuplicates));
    public static string InsertEvents { get; } = Load(nameof(InsertEvents));
    public static string UpdateHeads { get; } = Load(nameof(UpdateHeads));
    public static string Notify { get; } = Load(nameof(Notify));
    public static string SelectEventPosition { get; } = Load(nameof(SelectEventPosition));

    public static string SelectEvents { get; } = Load(nameof(SelectEvents));
    public static string SelectQueueEvents { get; } = Load(nameof(SelectQueueEvents));
    public static string SelectTenantHead { get; } = Load(nameof(SelectTenantHead));
    public static string SelectQueueHead { get; } = Load(nameof(SelectQueueHead));
    public static string SelectEarliest { get; } = Load(nameof(SelectEarliest));
    public static string SelectFirstUnexpired { get; } = Load(nameof(SelectFirstUnexpired));
    public static string PruneEvents { get; } = Load(nameof(PruneEvents));
    public static string SelectTenants { get; } = Load(nameof(SelectTenants));
    public static string Ping { get; } = Load(nameof(Ping));
    public static string Listen { get; } = Load(nameof(Listen));

    private static string Load(string name)
    {
        var resource = $"Router.Journal.Postgres.Sql.{name}.sql";
        using var stream = typeof(SqlStatements).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The embedded SQL resource '{resource}' is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

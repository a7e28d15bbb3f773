using System.Reflection;

namespace Router.Journal.Sqlite;

/// <summary>The journal's SQL: one statement per embedded <c>Sql/*.sql</c> file, read once per process.</summary>
internal static class SqlStatements
{
    public static string CreateTenantsTable { get; } = Load(nameof(CreateTenantsTable));
    public static string CreateEventsTable { get; } = Load(nameof(CreateEventsTable));
    public static string CreateEventIdIndex { get; } = Load(nameof(CreateEventIdIndex));
    public static string CreateQueueIndex { get; } = Load(nameof(CreateQueueIndex));
    public static string SelectHasTenantNameLayout { get; } = Load(nameof(SelectHasTenantNameLayout));
    public static string SetAsideTenantNameLayout { get; } = Load(nameof(SetAsideTenantNameLayout));
    public static string CopyFromTenantNameLayout { get; } = Load(nameof(CopyFromTenantNameLayout));
    public static string EnableWal { get; } = Load(nameof(EnableWal));
    public static string TempStoreInMemory { get; } = Load(nameof(TempStoreInMemory));
    public static string CheckpointPassive { get; } = Load(nameof(CheckpointPassive));

    public static string BeginImmediate { get; } = Load(nameof(BeginImmediate));
    public static string Commit { get; } = Load(nameof(Commit));
    public static string Rollback { get; } = Load(nameof(Rollback));
    public static string Savepoint { get; } = Load(nameof(Savepoint));
    public static string ReleaseSavepoint { get; } = Load(nameof(ReleaseSavepoint));
    public static string RollbackToSavepoint { get; } = Load(nameof(RollbackToSavepoint));

    public static string SelectTenantId { get; } = Load(nameof(SelectTenantId));
    public static string InsertTenant { get; } = Load(nameof(InsertTenant));
    public static string InsertEvent { get; } = Load(nameof(InsertEvent));
    public static string SelectEventById { get; } = Load(nameof(SelectEventById));
    public static string SelectEvents { get; } = Load(nameof(SelectEvents));
    public static string SelectQueueEvents { get; } = Load(nameof(SelectQueueEvents));
    public static string SelectQueuePageBounds { get; } = Load(nameof(SelectQueuePageBounds));
    public static string SelectQueueEventsInRange { get; } = Load(nameof(SelectQueueEventsInRange));
    public static string BeginRead { get; } = Load(nameof(BeginRead));
    public static string SelectTenantHead { get; } = Load(nameof(SelectTenantHead));
    public static string SelectQueueHead { get; } = Load(nameof(SelectQueueHead));
    public static string SelectEarliest { get; } = Load(nameof(SelectEarliest));
    public static string Ping { get; } = Load(nameof(Ping));
    public static string PruneEvents { get; } = Load(nameof(PruneEvents));
    public static string SelectFirstUnexpired { get; } = Load(nameof(SelectFirstUnexpired));
    public static string SelectTenants { get; } = Load(nameof(SelectTenants));

    private static string Load(string name)
    {
        var resource = $"Router.Journal.Sqlite.Sql.{name}.sql";
        using var stream = typeof(SqlStatements).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The embedded SQL resource '{resource}' is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

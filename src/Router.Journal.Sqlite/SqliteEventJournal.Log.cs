using Microsoft.Extensions.Logging;

namespace Router.Journal.Sqlite;

public sealed partial class SqliteEventJournal
{
    /// <summary>The SQLite journal's log events (ids 5000-5099), shared by the journal and its writer.</summary>
    internal static partial class Log
    {
        [LoggerMessage(5000, LogLevel.Information, "SQLite journal opened at {Path} (synchronous {Synchronous}, up to {MaxEventsPerCommit} events per commit)", EventName = "JournalOpened")]
        public static partial void JournalOpened(ILogger logger, string path, SqliteSynchronous synchronous, int maxEventsPerCommit);

        [LoggerMessage(5001, LogLevel.Information, "SQLite journal at {Path} shutting down; committing {Queued} queued appends first", EventName = "JournalClosing")]
        public static partial void JournalClosing(ILogger logger, string path, int queued);

        [LoggerMessage(5002, LogLevel.Information, "SQLite journal at {Path} closed", EventName = "JournalClosed")]
        public static partial void JournalClosed(ILogger logger, string path);

        [LoggerMessage(5003, LogLevel.Debug, "Group commit: {Committed} appends committed in one transaction, {RolledBack} rolled back alone", EventName = "GroupCommitted")]
        public static partial void GroupCommitted(ILogger logger, int committed, int rolledBack);

        [LoggerMessage(5004, LogLevel.Warning, "Append for tenant {Tenant} was rolled back alone; the rest of its group commit went ahead", EventName = "AppendRolledBack")]
        public static partial void AppendRolledBack(ILogger logger, string tenant, Exception exception);

        [LoggerMessage(5005, LogLevel.Error, "Group commit of {Requests} appends failed and was rolled back; nothing of it was stored", EventName = "GroupCommitFailed")]
        public static partial void GroupCommitFailed(ILogger logger, int requests, Exception exception);

        [LoggerMessage(5006, LogLevel.Warning, "Append for tenant {Tenant} failed with its group commit; nothing of it was stored", EventName = "AppendFailed")]
        public static partial void AppendFailed(ILogger logger, string tenant);

        [LoggerMessage(5007, LogLevel.Warning, "Rolling back a failed group commit failed too", EventName = "RollbackFailed")]
        public static partial void RollbackFailed(ILogger logger, Exception exception);

        [LoggerMessage(5008, LogLevel.Critical, "The SQLite journal's writer stopped unexpectedly; every append fails from now on", EventName = "WriterFaulted")]
        public static partial void WriterFaulted(ILogger logger, Exception exception);

        [LoggerMessage(5009, LogLevel.Warning, "Reading the journal of tenant {Tenant} failed", EventName = "ReadFailed")]
        public static partial void ReadFailed(ILogger logger, string tenant, Exception exception);

        [LoggerMessage(5010, LogLevel.Warning, "SQLite journal at {Path} did not answer a ping", EventName = "PingFailed")]
        public static partial void PingFailed(ILogger logger, string path, Exception exception);

        [LoggerMessage(5011, LogLevel.Warning, "A background WAL checkpoint failed; the writer's own checkpoint copies the frames instead", EventName = "CheckpointFailed")]
        public static partial void CheckpointFailed(ILogger logger, Exception exception);

        [LoggerMessage(5012, LogLevel.Warning, "SQLite journal at {Path} has the first layout (tenants by name); migrating it to tenant numbers, which copies every event once", EventName = "MigratingToTenantIds")]
        public static partial void MigratingToTenantIds(ILogger logger, string path);

        [LoggerMessage(5013, LogLevel.Information, "SQLite journal at {Path} migrated to tenant numbers in {Seconds:F1} s", EventName = "MigratedToTenantIds")]
        public static partial void MigratedToTenantIds(ILogger logger, string path, double seconds);
    }
}

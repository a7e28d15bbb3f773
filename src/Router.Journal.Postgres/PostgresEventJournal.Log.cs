using Microsoft.Extensions.Logging;

namespace Router.Journal.Postgres;

public sealed partial class PostgresEventJournal
{
    /// <summary>The PostgreSQL journal's log events (ids 5100-5199), shared by the journal, its writer and its change feed.</summary>
    internal static partial class Log
    {
        [LoggerMessage(5100, LogLevel.Information, "PostgreSQL journal opened on {Host}/{Database}, schema {Schema} (up to {MaxEventsPerCommit} events per commit, pool of {MaxPoolSize})", EventName = "JournalOpened")]
        public static partial void JournalOpened(ILogger logger, string? host, string? database, string schema, int maxEventsPerCommit, int maxPoolSize);

        [LoggerMessage(5101, LogLevel.Information, "PostgreSQL journal shutting down; committing {Queued} queued appends first", EventName = "JournalClosing")]
        public static partial void JournalClosing(ILogger logger, int queued);

        [LoggerMessage(5102, LogLevel.Information, "PostgreSQL journal closed", EventName = "JournalClosed")]
        public static partial void JournalClosed(ILogger logger);

        [LoggerMessage(5103, LogLevel.Debug, "Group commit: {Committed} appends committed in one transaction, {RolledBack} rolled back alone", EventName = "GroupCommitted")]
        public static partial void GroupCommitted(ILogger logger, int committed, int rolledBack);

        [LoggerMessage(5104, LogLevel.Warning, "Append for tenant {Tenant} was rolled back alone; the rest of its group commit went ahead", EventName = "AppendRolledBack")]
        public static partial void AppendRolledBack(ILogger logger, string tenant, Exception exception);

        [LoggerMessage(5105, LogLevel.Error, "Group commit of {Requests} appends failed; nothing of it was stored", EventName = "GroupCommitFailed")]
        public static partial void GroupCommitFailed(ILogger logger, int requests, Exception exception);

        [LoggerMessage(5106, LogLevel.Warning, "Append for tenant {Tenant} failed with its group commit; nothing of it was stored", EventName = "AppendFailed")]
        public static partial void AppendFailed(ILogger logger, string tenant);

        [LoggerMessage(5107, LogLevel.Warning, "The connection broke while committing {Requests} appends, but the commit is confirmed: they are stored", EventName = "CommitConfirmed")]
        public static partial void CommitConfirmed(ILogger logger, int requests, Exception exception);

        [LoggerMessage(5108, LogLevel.Critical, "The PostgreSQL journal's writer stopped unexpectedly; every append fails from now on", EventName = "WriterFaulted")]
        public static partial void WriterFaulted(ILogger logger, Exception exception);

        [LoggerMessage(5109, LogLevel.Warning, "Reading the journal of tenant {Tenant} failed", EventName = "ReadFailed")]
        public static partial void ReadFailed(ILogger logger, string tenant, Exception exception);

        [LoggerMessage(5110, LogLevel.Warning, "PostgreSQL journal did not answer a ping", EventName = "PingFailed")]
        public static partial void PingFailed(ILogger logger, Exception exception);

        [LoggerMessage(5111, LogLevel.Warning, "Could not check whether a commit whose answer was lost went through; failing its appends", EventName = "CommitUnconfirmed")]
        public static partial void CommitUnconfirmed(ILogger logger, Exception exception);

        [LoggerMessage(5112, LogLevel.Warning, "The connection broke before a group commit of {Requests} appends was sent; nothing was stored, trying once more on a fresh connection", EventName = "GroupRetrying")]
        public static partial void GroupRetrying(ILogger logger, int requests, Exception exception);

        [LoggerMessage(5120, LogLevel.Information, "Change feed listening on channel {Channel}", EventName = "ChangeFeedListening")]
        public static partial void ChangeFeedListening(ILogger logger, string channel);

        [LoggerMessage(5121, LogLevel.Warning, "Change feed lost its connection; reconnecting in {Backoff}", EventName = "ChangeFeedDisconnected")]
        public static partial void ChangeFeedDisconnected(ILogger logger, TimeSpan backoff, Exception exception);

        [LoggerMessage(5122, LogLevel.Warning, "Change feed buffer full: notifications dropped, a resync follows", EventName = "ChangeFeedOverflow")]
        public static partial void ChangeFeedOverflow(ILogger logger);
    }
}

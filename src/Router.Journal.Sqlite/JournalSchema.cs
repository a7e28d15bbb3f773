using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using static Router.Journal.Sqlite.SqliteEventJournal;

namespace Router.Journal.Sqlite;

/// <summary>
/// The journal file's layout, versioned by SQLite's <c>user_version</c>: 0 is a new file or the first layout
/// (events keyed by the tenant's name), <see cref="Version"/> the current one (tenant numbers). Opening a file
/// brings it to the current layout; a file from a newer router is refused rather than guessed at.
/// </summary>
internal static class JournalSchema
{
    /// <summary>The layout this build writes.</summary>
    public const long Version = 1;

    /// <summary>
    /// Creates or migrates the layout on the writer's connection, in one immediate transaction, so processes
    /// opening the same file at once take turns and a migration stopped half-way leaves the file as it was.
    /// </summary>
    public static void Prepare(SqliteConnection connection, string path, ILogger logger)
    {
        // On failure the caller closes the connection, which rolls the transaction back.
        Execute(connection, SqlStatements.BeginImmediate);
        var version = (long)Execute(connection, "PRAGMA user_version")!;
        if (version > Version)
        {
            throw new JournalUnavailableException(
                $"The SQLite journal at '{path}' has layout {version}, written by a newer router; this one reads layouts up to {Version}.");
        }
        var migrating = version == 0 && (long)Execute(connection, SqlStatements.SelectHasTenantNameLayout)! == 1;
        var started = Stopwatch.GetTimestamp();
        if (migrating)
        {
            Log.MigratingToTenantIds(logger, path);
            Execute(connection, SqlStatements.SetAsideTenantNameLayout);
        }
        Execute(connection, SqlStatements.CreateTenantsTable);
        Execute(connection, SqlStatements.CreateEventsTable);
        if (migrating)
        {
            Execute(connection, SqlStatements.CopyFromTenantNameLayout);
        }
        Execute(connection, SqlStatements.CreateEventIdIndex);
        Execute(connection, SqlStatements.CreateQueueIndex);
        Execute(connection, string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {Version}"));
        Execute(connection, SqlStatements.Commit);
        if (migrating)
        {
            Log.MigratedToTenantIds(logger, path, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }
}

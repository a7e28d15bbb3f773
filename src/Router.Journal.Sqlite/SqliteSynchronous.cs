namespace Router.Journal.Sqlite;

/// <summary>SQLite's <c>PRAGMA synchronous</c> for the journal's writer connection (always in WAL mode).</summary>
public enum SqliteSynchronous
{
    /// <summary>
    /// The WAL is synced only at checkpoints: an acknowledged event survives a process crash or <c>kill -9</c>,
    /// but the last commits can be lost if the machine loses power or the kernel crashes.
    /// </summary>
    Normal,

    /// <summary>The WAL is synced at every commit: an acknowledged event also survives power loss. Slower per commit.</summary>
    Full,
}

namespace Router.Journal.Postgres;

/// <summary>
/// Settings of the PostgreSQL journal (HOCON <c>router.journal.postgres</c>). Defaults live in
/// <c>hocon/router.conf</c>, not here, so that there is one source of truth; the journal's constructor
/// rejects values that cannot work.
/// </summary>
public sealed class PostgresJournalOptions
{
    /// <summary>
    /// An Npgsql connection string (<c>Host=…;Username=…;Password=…;Database=…</c>). Its own pool settings
    /// apply, except that <see cref="MaxPoolSize"/> and <see cref="CommandTimeout"/> here win.
    /// </summary>
    public string ConnectionString { get; set; } = null!;

    /// <summary>
    /// The schema holding the journal's tables, created if missing: a lowercase identifier of at most
    /// 56 characters. Its name also names the notification channel (<c>{schema}_events</c>), so routers
    /// sharing a schema hear each other and routers in other schemas of the same database do not.
    /// </summary>
    public string Schema { get; set; } = null!;

    /// <summary>
    /// Group-commit cap: the most events the writer puts in one transaction when several appends are
    /// waiting. One append call is never split. It also bounds the queue of waiting appends (that many
    /// calls), beyond which callers wait.
    /// </summary>
    public int MaxEventsPerCommit { get; set; }

    /// <summary>How long one SQL command may run before it fails (and the operation with it); whole seconds.</summary>
    public TimeSpan CommandTimeout { get; set; }

    /// <summary>
    /// Most connections this node opens for the journal's pool (the group-commit writer takes one, reads
    /// the others). Every node has its own pool: nodes times this must stay below PostgreSQL's max_connections.
    /// </summary>
    public int MaxPoolSize { get; set; }

    /// <summary>
    /// The change feed asks for a full re-check (<see cref="JournalChange.Resync"/>) after this long without
    /// a notification, and checks its connection then: a safety net for a silently dead connection.
    /// </summary>
    public TimeSpan ResyncInterval { get; set; }

    /// <summary>First wait before the change feed reconnects after losing its connection; doubles per failure.</summary>
    public TimeSpan ReconnectMinBackoff { get; set; }

    /// <summary>Longest wait between the change feed's reconnection attempts.</summary>
    public TimeSpan ReconnectMaxBackoff { get; set; }
}

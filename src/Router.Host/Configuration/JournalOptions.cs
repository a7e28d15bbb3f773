namespace Router.Host.Configuration;

/// <summary>Which journal the router uses (HOCON <c>router.journal</c>).</summary>
public sealed class JournalOptions
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary><c>sqlite</c> (embedded, one node) or <c>postgres</c> (several nodes).</summary>
    public string Provider { get; set; } = null!;
}

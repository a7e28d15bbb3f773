namespace Router.TestKit.Postgres;

/// <summary>
/// Where the PostgreSQL tests find their server: <c>ROUTER_TEST_POSTGRES</c>, an Npgsql connection string of a
/// role that may create schemas and databases (<c>.ci/postgres start</c> prints one). Without it the tests of
/// an assembly that uses <see cref="PostgresTestFramework"/> are reported as skipped, with this reason;
/// under CI (<c>CI=true</c>) they are never skipped: they run and fail, saying what is missing.
/// </summary>
public static class PostgresTestEnvironment
{
    public const string VariableName = "ROUTER_TEST_POSTGRES";

    /// <summary>The admin connection string, or null when the variable is not set.</summary>
    public static string? AdminConnectionString =>
        Environment.GetEnvironmentVariable(VariableName) is { Length: > 0 } value ? value : null;

    /// <summary>True on CI, which must never skip these tests.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why the PostgreSQL tests are skipped here, or null when they run.</summary>
    public static string? SkipReason => AdminConnectionString is null && !IsCi
        ? $"PostgreSQL tests need {VariableName}, an Npgsql admin connection string (export {VariableName}=\"$(.ci/postgres start)\" starts a local server). CI sets it and never skips them."
        : null;

    /// <summary>The admin connection string, or a failure that says how to provide it.</summary>
    public static string RequireAdminConnectionString() => AdminConnectionString
        ?? throw new InvalidOperationException($"{VariableName} is not set, and CI must not skip the PostgreSQL tests: .ci/run starts a server and sets it.");
}

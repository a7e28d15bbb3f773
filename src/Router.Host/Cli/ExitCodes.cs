namespace Router.Host.Cli;

/// <summary>What <c>router</c> returns, for scripts (documented in the README).</summary>
internal static class ExitCodes
{
    /// <summary>Done: the server stopped cleanly, the token was printed, the event was committed (201), tail was stopped with Ctrl-C.</summary>
    public const int Ok = 0;

    /// <summary>Something unexpected, or the server could not start (invalid configuration, port in use).</summary>
    public const int Failed = 1;

    /// <summary>The command line is wrong: unknown option, missing argument, invalid JSON in --data, no secret to sign with.</summary>
    public const int Usage = 2;

    /// <summary>The router refused the request (4xx other than 429): fix the request, retrying will not help.</summary>
    public const int Rejected = 3;

    /// <summary>The router could not be reached or is unavailable (connection refused, timeout, 429, 5xx): retry later.</summary>
    public const int Unavailable = 4;

    /// <summary>A second SIGINT during shutdown: the process exits at once (128 + SIGINT).</summary>
    public const int Interrupted = 130;

    /// <summary>A second SIGTERM during shutdown: the process exits at once (128 + SIGTERM).</summary>
    public const int Terminated = 143;
}

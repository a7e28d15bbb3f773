namespace Router.Host.Http;

/// <summary>
/// Kestrel limits against hostile clients (HOCON <c>router.http</c>); defaults live in hocon/router.conf.
/// A request over a limit gets a 4xx (414, 431, 408) or a closed connection, before any router code runs.
/// </summary>
public sealed class HttpLimitsOptions
{
    /// <summary>Longest request line (method, path and query string), in bytes; longer is a 414.</summary>
    public int MaxRequestLine { get; set; }

    /// <summary>Largest total size of the request headers, in bytes; larger is a 431.</summary>
    public int MaxRequestHeaders { get; set; }

    /// <summary>Most request headers; more is a 431.</summary>
    public int MaxHeaderCount { get; set; }

    /// <summary>Time allowed to receive all request headers (slowloris).</summary>
    public TimeSpan RequestHeadersTimeout { get; set; }

    /// <summary>Slowest request body accepted, in bytes per second, after the grace period.</summary>
    public double MinBodyRate { get; set; }

    /// <summary>Time a body may stay below <see cref="MinBodyRate"/> before the request is aborted.</summary>
    public TimeSpan MinBodyRateGrace { get; set; }
}

namespace Router.Host.Http;

/// <summary>
/// Kestrel settings (HOCON <c>router.http</c>); defaults live in hocon/router.conf. Mostly limits against hostile
/// clients: a request over a limit gets a 4xx (414, 431, 408) or a closed connection, before any router code runs.
/// </summary>
public sealed class HttpOptions
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

    /// <summary>
    /// Runs socket completions and Kestrel's send/receive continuations on the I/O threads instead of queuing each
    /// to the thread pool. An SSE server does little work per completion, so the hop is most of the cost of a
    /// delivery (bench/RESULTS.md). Turn it off only if custom code blocks inside a request.
    /// </summary>
    public bool InlineIo { get; set; }

    /// <summary>The <c>router.http</c> section as bound (keys lose their dashes: <c>inline-io</c> is <c>inlineio</c>).</summary>
    public static HttpOptions From(IConfiguration configuration) =>
        configuration.GetSection("router:http").Get<HttpOptions>() ?? new HttpOptions();
}

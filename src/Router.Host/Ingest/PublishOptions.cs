namespace Router.Host.Ingest;

/// <summary>Publishing limits (HOCON <c>router.publish</c>); defaults live in hocon/router.conf.</summary>
public sealed class PublishOptions
{
    /// <summary>Largest request body, in bytes; larger is a 413.</summary>
    public long MaxBody { get; set; }

    /// <summary>Largest <c>data</c> of one event, in bytes of compact JSON; larger is a 413.</summary>
    public int MaxData { get; set; }

    /// <summary>Most events in one batch; more is a 413.</summary>
    public int MaxBatch { get; set; }

    /// <summary>Retry-After, in whole seconds, sent with a 503 when the journal is unavailable.</summary>
    public TimeSpan RetryAfter { get; set; }
}

namespace Router.Journal;

/// <summary>Journal retention per tenant (HOCON <c>router.retention</c>, SPEC §7).</summary>
public sealed class RetentionOptions
{
    /// <summary>Events older than this are pruned (the newest event of a tenant is always kept).</summary>
    public TimeSpan MaxAge { get; set; }

    /// <summary>At most this many events are kept per tenant.</summary>
    public long MaxEvents { get; set; }

    /// <summary>How often the background sweep runs.</summary>
    public TimeSpan Interval { get; set; }
}

using Router.Events;

namespace Router.Host.Security;

/// <summary>
/// One entry of a token's <c>publish</c> or <c>subscribe</c> list (SPEC §8): <c>tenant/queue-pattern</c>.
/// <list type="bullet">
/// <item><c>acme/*</c>: the tenant-level stream (and tenant-level events) of <c>acme</c> and every queue.</item>
/// <item><c>acme/town-*</c>, <c>acme/town-hall</c>: the matching queues only, not the tenant level.</item>
/// <item><c>acme</c>: the tenant level only, no queue.</item>
/// </list>
/// <c>*</c> matches any run of characters in either part (<c>*/*</c> is every tenant: a backend's publish grant).
/// </summary>
internal sealed class StreamSelector
{
    private const int MaxLength = 160;

    private StreamSelector(string tenantPattern, string? queuePattern)
    {
        TenantPattern = tenantPattern;
        QueuePattern = queuePattern;
    }

    public string TenantPattern { get; }

    /// <summary>Null for a bare tenant selector (tenant level only).</summary>
    public string? QueuePattern { get; }

    public static bool TryParse(string? text, out StreamSelector? selector)
    {
        selector = null;
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength)
        {
            return false;
        }
        var slash = text.IndexOf('/');
        var tenant = slash < 0 ? text : text[..slash];
        var queue = slash < 0 ? null : text[(slash + 1)..];
        if (!IsPattern(tenant) || (queue is not null && !IsPattern(queue)))
        {
            return false;
        }
        selector = new StreamSelector(tenant, queue);
        return true;
    }

    /// <summary>Covers the tenant-level stream (or a tenant-level event) of <paramref name="tenant"/>.</summary>
    public bool CoversTenantLevel(string tenant) =>
        TypePattern.Glob(TenantPattern, tenant) && QueuePattern is null or "*";

    public bool CoversQueue(string tenant, string queue) =>
        QueuePattern is not null && TypePattern.Glob(TenantPattern, tenant) && TypePattern.Glob(QueuePattern, queue);

    /// <summary>Says anything at all about <paramref name="tenant"/> (for per-tenant health).</summary>
    public bool MentionsTenant(string tenant) => TypePattern.Glob(TenantPattern, tenant);

    public override string ToString() => QueuePattern is null ? TenantPattern : $"{TenantPattern}/{QueuePattern}";

    /// <summary>Identifier characters (SPEC §2) and <c>*</c>; no other character can occur in a name it must match.</summary>
    private static bool IsPattern(string part) =>
        part.Length is > 0 and <= 64 && part.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-' or '*');
}

/// <summary>A token's list of selectors for one right (publish or subscribe).</summary>
internal sealed class SelectorSet
{
    private readonly StreamSelector[] _selectors;

    public SelectorSet(IEnumerable<StreamSelector> selectors) => _selectors = [.. selectors];

    public static SelectorSet Empty { get; } = new([]);

    public int Count => _selectors.Length;

    /// <summary>The tenant level when <paramref name="queue"/> is null, else that queue.</summary>
    public bool Allows(string tenant, string? queue)
    {
        foreach (var selector in _selectors)
        {
            if (queue is null ? selector.CoversTenantLevel(tenant) : selector.CoversQueue(tenant, queue))
            {
                return true;
            }
        }
        return false;
    }

    public bool MentionsTenant(string tenant) => _selectors.Any(s => s.MentionsTenant(tenant));
}

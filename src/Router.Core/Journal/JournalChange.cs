using Router.Tenants;

namespace Router.Journal;

/// <summary>One wake-up from an <see cref="IJournalChangeFeed"/>: a tenant whose journal grew, or "re-check every tenant".</summary>
public readonly record struct JournalChange
{
    private JournalChange(TenantId tenant, bool isResync)
    {
        Tenant = tenant;
        IsResync = isResync;
    }

    /// <summary>Wake-ups may have been missed: re-read every tenant that has local followers.</summary>
    public static JournalChange Resync { get; } = new(default, isResync: true);

    /// <summary>The tenant whose journal grew; <c>default</c> when <see cref="IsResync"/>.</summary>
    public TenantId Tenant { get; }

    public bool IsResync { get; }

    public static JournalChange Appended(TenantId tenant)
    {
        TenantId.ThrowIfDefault(tenant);
        return new JournalChange(tenant, isResync: false);
    }

    public override string ToString() => IsResync ? "resync" : Tenant.Value;
}

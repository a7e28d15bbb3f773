namespace Router.Routing;

/// <summary>The tiers an event is delivered to (SPEC §5): followers of its queue, and/or the tenant-level stream.</summary>
[Flags]
public enum RouteTiers
{
    None = 0,
    Queue = 1,
    Tenant = 2,
}

namespace Router.Routing;

/// <summary>Routing rules (HOCON <c>router.routing</c>).</summary>
public sealed class RoutingOptions
{
    /// <summary>Rules by type pattern, first match wins; an event matching none uses the default tiers.</summary>
    public List<RoutingRuleOptions> Rules { get; set; } = null!;
}

/// <summary>One rule: events whose type matches <see cref="Match"/> and that belong to a queue go to <see cref="Tiers"/>.</summary>
public sealed class RoutingRuleOptions
{
    /// <summary>A type pattern such as <c>workspace.*</c>.</summary>
    public string Match { get; set; } = null!;

    /// <summary><c>queue</c> and/or <c>tenant</c>.</summary>
    public List<string> Tiers { get; set; } = null!;
}

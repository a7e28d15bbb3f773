using Router.Events;

namespace Router.Routing;

/// <summary>
/// Decides the tiers of an event (SPEC §5). An event without a queue always goes to the tenant-level
/// stream. An event with a queue goes to that queue's followers, unless the first rule whose pattern
/// matches its type says otherwise (e.g. <c>{ match = "workspace.*", tiers = [queue, tenant] }</c>).
/// Immutable, shared by the tenant actors (live routing) and connections (replay), so both agree.
/// </summary>
public sealed class RoutingTable
{
    private readonly (TypePattern Pattern, RouteTiers Tiers)[] _rules;

    private RoutingTable((TypePattern, RouteTiers)[] rules) => _rules = rules;

    public static RoutingTable Default { get; } = new([]);

    public RouteTiers TiersFor(EventType type, bool hasQueue)
    {
        if (!hasQueue)
        {
            return RouteTiers.Tenant;
        }
        foreach (var (pattern, tiers) in _rules)
        {
            if (pattern.Matches(type))
            {
                return tiers;
            }
        }
        return RouteTiers.Queue;
    }

    /// <summary>Builds the table; a bad rule throws with the rule's index so start-up fails with a clear message.</summary>
    public static RoutingTable Create(RoutingOptions? options)
    {
        var rules = new List<(TypePattern, RouteTiers)>();
        var index = 0;
        foreach (var rule in options?.Rules ?? [])
        {
            if (!TypePattern.TryParse(rule.Match, out var pattern))
            {
                throw new InvalidOperationException($"router.routing.rules[{index}].match: '{rule.Match}' is not a valid type pattern.");
            }
            var tiers = RouteTiers.None;
            foreach (var tier in rule.Tiers ?? [])
            {
                tiers |= tier.ToLowerInvariant() switch
                {
                    "queue" => RouteTiers.Queue,
                    "tenant" => RouteTiers.Tenant,
                    _ => throw new InvalidOperationException($"router.routing.rules[{index}].tiers: '{tier}' is not a tier; use queue or tenant."),
                };
            }
            if (tiers == RouteTiers.None)
            {
                throw new InvalidOperationException($"router.routing.rules[{index}].tiers: at least one of queue, tenant is required.");
            }
            rules.Add((pattern!, tiers));
            index++;
        }
        return new RoutingTable([.. rules]);
    }
}

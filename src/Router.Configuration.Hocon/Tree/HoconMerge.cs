namespace Router.Configuration.Hocon.Tree;

/// <summary>The spec's rule for a key defined twice, applied while parsing and again while resolving.</summary>
internal static class HoconMerge
{
    /// <summary>
    /// What a field holds after <paramref name="incoming"/> is defined over <paramref name="existing"/>:
    /// two objects merge; an object over a scalar or array, or any literal non-object, replaces (so whatever is
    /// below is never evaluated); a value that still holds a substitution, or an object over one, is stacked
    /// because the outcome is known only after resolution (an undefined <c>${?x}</c> must leave the earlier
    /// value in place).
    /// </summary>
    public static HoconNode Combine(HoconNode? existing, HoconNode incoming)
    {
        if (existing is null)
        {
            return IsUnresolved(incoming) ? new HoconMergeStack([incoming]) : incoming;
        }
        return incoming switch
        {
            HoconObject upper when existing is HoconObject lower => HoconObject.Merge(lower, upper),
            HoconObject when existing is HoconValue => incoming,
            HoconObject or HoconSubstitution or HoconConcatenation => Stack(existing, [incoming]),
            HoconMergeStack upperStack => Stack(existing, upperStack.Elements),
            _ => incoming,
        };
    }

    private static bool IsUnresolved(HoconNode node) => node is HoconSubstitution or HoconConcatenation;

    private static HoconMergeStack Stack(HoconNode existing, IReadOnlyList<HoconNode> above)
    {
        IEnumerable<HoconNode> below = existing is HoconMergeStack stack ? stack.Elements : [existing];
        return new HoconMergeStack([.. below, .. above]);
    }
}

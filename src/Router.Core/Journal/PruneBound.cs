namespace Router.Journal;

/// <summary>
/// Where retention cuts a tenant's journal: every position at or below the bound goes, the head always stays
/// (so the next position is never one used before). Journals find the first unexpired event with one seek and
/// delete a key range up to this bound, instead of testing every retained event against both limits.
/// </summary>
public static class PruneBound
{
    /// <summary>
    /// The highest position to delete, or 0 (or less) when there is nothing to delete.
    /// </summary>
    /// <param name="head">The tenant's newest position.</param>
    /// <param name="firstUnexpired">
    /// The first position below the head whose time is not older than the cutoff; null when every event below the
    /// head has expired. Events are stamped as they are appended, so the expired ones are a prefix; were a clock
    /// to step back, an expired event after this one would only wait for a later sweep, never the reverse.
    /// </param>
    /// <param name="keepNewest">How many of the newest events the count limit keeps (at least 1).</param>
    public static long UpTo(Position head, long? firstUnexpired, long keepNewest)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keepNewest, 1);
        var byAge = (firstUnexpired ?? head.Value) - 1;
        var byCount = head.Value - keepNewest;
        return Math.Min(head.Value - 1, Math.Max(byAge, byCount));
    }
}

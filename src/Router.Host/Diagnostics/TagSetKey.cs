namespace Router.Host.Diagnostics;

/// <summary>
/// A measurement's tags (up to <see cref="Capacity"/>) as a dictionary key, compared by name and value, so that a
/// measurement finds its series without rendering its label text. Measurements come on every publish; the tag sets
/// are few, since the router's tags are bounded by construction (a status, a reason, never a tenant or a queue).
/// Tags in another order make another key for the same series, which costs an entry, not a wrong figure.
/// </summary>
internal readonly struct TagSetKey : IEquatable<TagSetKey>
{
    public const int Capacity = 3;

    private readonly KeyValuePair<string, object?> _first;
    private readonly KeyValuePair<string, object?> _second;
    private readonly KeyValuePair<string, object?> _third;
    private readonly int _count;

    public TagSetKey(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length > Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(tags), tags.Length, $"At most {Capacity} tags make a key.");
        }
        _count = tags.Length;
        _first = _count > 0 ? tags[0] : default;
        _second = _count > 1 ? tags[1] : default;
        _third = _count > 2 ? tags[2] : default;
    }

    public bool Equals(TagSetKey other) =>
        _count == other._count && Same(_first, other._first) && Same(_second, other._second) && Same(_third, other._third);

    public override bool Equals(object? obj) => obj is TagSetKey other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_count, Hash(_first), Hash(_second), Hash(_third));

    private static bool Same(KeyValuePair<string, object?> x, KeyValuePair<string, object?> y) =>
        string.Equals(x.Key, y.Key, StringComparison.Ordinal) && Equals(x.Value, y.Value);

    private static int Hash(KeyValuePair<string, object?> tag) =>
        HashCode.Combine(tag.Key is null ? 0 : StringComparer.Ordinal.GetHashCode(tag.Key), tag.Value?.GetHashCode() ?? 0);
}

namespace Router.Configuration.Hocon.Tree;

/// <summary>
/// An object whose fields keep their order of first definition. Keys are case-sensitive, as in HOCON; the
/// case-insensitive folding of IConfiguration happens only when flattening.
/// </summary>
internal sealed class HoconObject : HoconValue
{
    private readonly OrderedDictionary<string, HoconNode> _fields = new(StringComparer.Ordinal);

    public HoconObject(SourcePosition position)
        : base(position)
    {
    }

    public int Count => _fields.Count;

    public IEnumerable<KeyValuePair<string, HoconNode>> Fields => _fields;

    /// <summary>A snapshot, so the resolver can replace fields while walking them.</summary>
    public string[] KeySnapshot() => [.. _fields.Keys];

    public bool TryGetField(string key, out HoconNode node) => _fields.TryGetValue(key, out node!);

    /// <summary>Replaces a field without merging; the resolver uses it to store what a field resolved to.</summary>
    public void Replace(string key, HoconNode node) => _fields[key] = node;

    public void Remove(string key) => _fields.Remove(key);

    /// <summary>Defines a field the way a document does: merged with any earlier definition of the same key.</summary>
    public void Assign(string key, HoconNode incoming) =>
        _fields[key] = HoconMerge.Combine(_fields.TryGetValue(key, out var existing) ? existing : null, incoming);

    /// <summary>A new object: <paramref name="lower"/>'s fields with <paramref name="upper"/>'s merged over them. Neither input changes.</summary>
    public static HoconObject Merge(HoconObject lower, HoconObject upper)
    {
        var merged = new HoconObject(upper.Position);
        foreach (var (key, node) in lower._fields)
        {
            merged._fields[key] = node;
        }
        foreach (var (key, node) in upper._fields)
        {
            merged.Assign(key, node);
        }
        return merged;
    }
}

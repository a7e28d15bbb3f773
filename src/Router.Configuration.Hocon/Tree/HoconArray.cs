namespace Router.Configuration.Hocon.Tree;

/// <summary>An array; its elements may hold substitutions until the resolver has visited it.</summary>
internal sealed class HoconArray : HoconValue
{
    public HoconArray(IReadOnlyList<HoconNode> elements, SourcePosition position)
        : base(position) => Elements = elements;

    public IReadOnlyList<HoconNode> Elements { get; private set; }

    /// <summary>True once every element is a resolved value; set by the resolver so shared arrays are resolved once.</summary>
    public bool IsResolved { get; private set; }

    public void MarkResolved(IReadOnlyList<HoconValue> elements)
    {
        Elements = elements;
        IsResolved = true;
    }
}

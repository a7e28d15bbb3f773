namespace Router.Configuration.Hocon.Tree;

/// <summary>
/// Every definition of one field that could not be merged while parsing because a later one holds a
/// substitution, earliest first. The resolver evaluates from the top: an undefined <c>${?x}</c> falls back to
/// the definition below (the <c>x = default</c>, <c>x = ${?ENV}</c> idiom), an object merges over the objects
/// below it, anything else wins. While an element is evaluated, lookups of this field see only the elements
/// below it, which is how the spec's self-references (<c>path = ${path}":d"</c>, <c>+=</c>) look back.
/// </summary>
internal sealed class HoconMergeStack : HoconNode
{
    public HoconMergeStack(IReadOnlyList<HoconNode> elements)
        : base(elements[^1].Position) => Elements = elements;

    public IReadOnlyList<HoconNode> Elements { get; }
}

namespace Router.Configuration.Hocon.Tree;

/// <summary>
/// A node of the parsed document. Objects, arrays and scalars are <see cref="HoconValue"/>s; substitutions,
/// concatenations that contain substitutions, and merge stacks exist only until the resolver replaces them.
/// </summary>
internal abstract class HoconNode
{
    protected HoconNode(SourcePosition position) => Position = position;

    public SourcePosition Position { get; }
}

/// <summary>A node that is already a value: an object, an array or a scalar.</summary>
internal abstract class HoconValue : HoconNode
{
    protected HoconValue(SourcePosition position)
        : base(position)
    {
    }
}

namespace Router.Configuration.Hocon.Tree;

/// <summary>Whitespace between two parts of a concatenation; it counts in string concatenation only.</summary>
internal sealed class HoconWhitespace : HoconNode
{
    public HoconWhitespace(string text, SourcePosition position)
        : base(position) => Text = text;

    public string Text { get; }
}

using Router.Configuration.Hocon.Lexing;

namespace Router.Configuration.Hocon.Tree;

/// <summary>
/// <c>${path}</c> or <c>${?path}</c>. Paths are absolute from the document root; <see cref="IncludePrefix"/>
/// is the path at which the file containing this substitution was included, which the spec says to try first
/// ("fixed up" paths) before the path as written.
/// </summary>
internal sealed class HoconSubstitution : HoconNode
{
    public HoconSubstitution(IReadOnlyList<string> path, bool optional, IReadOnlyList<string> includePrefix, SourcePosition position)
        : base(position)
    {
        Path = path;
        Optional = optional;
        IncludePrefix = includePrefix;
    }

    public IReadOnlyList<string> Path { get; }

    public bool Optional { get; }

    public IReadOnlyList<string> IncludePrefix { get; }

    public override string ToString() => $"${{{(Optional ? "?" : string.Empty)}{HoconPath.Render(Path)}}}";
}

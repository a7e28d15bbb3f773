namespace Router.Configuration.Hocon;

/// <summary>Where a token or value came from, so every error can point at the file, line and column.</summary>
internal readonly record struct SourcePosition(string Origin, int Line, int Column)
{
    public override string ToString() => $"{Origin}({Line},{Column})";
}

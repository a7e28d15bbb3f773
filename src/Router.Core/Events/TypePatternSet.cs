namespace Router.Events;

/// <summary>An immutable list of <see cref="TypePattern"/>s; matches when any pattern does. Empty matches nothing.</summary>
public sealed class TypePatternSet
{
    public static TypePatternSet Empty { get; } = new([]);

    private readonly TypePattern[] _patterns;

    public TypePatternSet(IEnumerable<TypePattern> patterns) => _patterns = patterns.ToArray();

    public bool IsEmpty => _patterns.Length == 0;

    public IReadOnlyList<TypePattern> Patterns => _patterns;

    public bool Matches(EventType type)
    {
        foreach (var pattern in _patterns)
        {
            if (pattern.Matches(type))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Parses configured patterns; a bad one throws with its text so start-up fails clearly.</summary>
    public static TypePatternSet Parse(IEnumerable<string>? patterns) =>
        patterns is null ? Empty : new TypePatternSet(patterns.Select(TypePattern.Parse));
}

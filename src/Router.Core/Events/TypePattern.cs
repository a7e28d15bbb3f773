namespace Router.Events;

/// <summary>
/// A pattern over event type names, as used by <c>types=</c>, routing rules, echo always-deliver and
/// conflation: <c>*</c> matches any run of characters (dots included), so <c>question.*</c> matches
/// <c>question.created.v2</c>. A pattern without a version suffix also matches every version of that
/// base type: <c>question.created</c> matches <c>question.created.v1</c> and <c>.v2</c>.
/// </summary>
public sealed class TypePattern
{
    private readonly string _pattern;

    private TypePattern(string pattern) => _pattern = pattern;

    public string Text => _pattern;

    /// <summary>Accepts lowercase letters, digits, <c>.</c>, <c>_</c>, <c>-</c> and <c>*</c>; at most 255 characters.</summary>
    public static bool TryParse(string? text, out TypePattern? pattern)
    {
        pattern = null;
        if (string.IsNullOrEmpty(text) || text.Length > 255)
        {
            return false;
        }
        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '_' or '-' or '*'))
            {
                return false;
            }
        }
        pattern = new TypePattern(text);
        return true;
    }

    public static TypePattern Parse(string text) =>
        TryParse(text, out var pattern) ? pattern! : throw new FormatException($"'{text}' is not a valid type pattern.");

    public bool Matches(EventType type) =>
        Glob(_pattern, type.Name) || (!_pattern.EndsWith('*') && Glob(_pattern, type.BaseType));

    public override string ToString() => _pattern;

    /// <summary>
    /// Iterative glob with backtracking to the last star: linear in practice, no regex allocation. Also used by
    /// the token selectors (<c>acme/town-*</c>), so both kinds of pattern mean the same thing by <c>*</c>.
    /// </summary>
    internal static bool Glob(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (p < pattern.Length && pattern[p] == text[t])
            {
                p++;
                t++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }
        return p == pattern.Length;
    }
}

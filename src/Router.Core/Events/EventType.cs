using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Router.Events;

/// <summary>
/// A versioned event type such as <c>question.created.v2</c>: a dotted lowercase base type
/// (<c>question.created</c>) and a version from 1 to 9999 (SPEC §2).
/// </summary>
public readonly partial record struct EventType
{
    private EventType(string name, string baseType, int version)
    {
        Name = name;
        BaseType = baseType;
        Version = version;
    }

    /// <summary>The full name, e.g. <c>question.created.v2</c>.</summary>
    public string Name { get; }

    /// <summary>The part before <c>.vN</c>, e.g. <c>question.created</c>.</summary>
    public string BaseType { get; }

    public int Version { get; }

    public static bool TryParse([NotNullWhen(true)] string? text, out EventType type)
    {
        type = default;
        if (text is null || text.Length > 255 || !TypePattern().IsMatch(text))
        {
            return false;
        }
        var marker = text.LastIndexOf(".v", StringComparison.Ordinal);
        var version = int.Parse(text.AsSpan(marker + 2), NumberStyles.None, CultureInfo.InvariantCulture);
        type = new EventType(text, text[..marker], version);
        return true;
    }

    public static EventType Parse(string text) =>
        TryParse(text, out var type) ? type : throw new FormatException($"'{text}' is not a valid event type.");

    /// <summary>The same base type at another version.</summary>
    public EventType WithVersion(int version) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{BaseType}.v{version}"), BaseType, version);

    public override string ToString() => Name;

    [GeneratedRegex(@"^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*\.v[1-9][0-9]{0,3}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TypePattern();
}

using System.Text.RegularExpressions;

namespace Router.Configuration.Hocon.Tree;

/// <summary>
/// A string, number, boolean or null. <see cref="Text"/> is the value as written (numbers keep their original
/// spelling, as the spec requires for concatenation). <see cref="IsQuoted"/> records whether any quoted text
/// went into a string, because only unquoted strings are candidates for duration and size conversion.
/// </summary>
internal sealed partial class HoconScalar : HoconValue
{
    public HoconScalar(ScalarKind kind, string text, bool isQuoted, SourcePosition position)
        : base(position)
    {
        Kind = kind;
        Text = text;
        IsQuoted = isQuoted;
    }

    public ScalarKind Kind { get; }

    public string Text { get; }

    public bool IsQuoted { get; }

    /// <summary>A lone unquoted token is a boolean, null or number when it reads as one; otherwise a string.</summary>
    public static HoconScalar FromUnquoted(string text, SourcePosition position)
    {
        var kind = text switch
        {
            "true" or "false" => ScalarKind.Boolean,
            "null" => ScalarKind.Null,
            _ when JsonNumber().IsMatch(text) => ScalarKind.Number,
            _ => ScalarKind.String,
        };
        return new HoconScalar(kind, text, isQuoted: false, position);
    }

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex JsonNumber();
}

using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Router.Versioning;

/// <summary>
/// A dotted path into an event's <c>data</c> object, e.g. <c>author.name</c>: each segment is a
/// property name of a nested object. Arrays are not indexed; an array is a value like any other.
/// </summary>
internal sealed class DataPath
{
    private DataPath(string text, string[] parents, string leaf)
    {
        Text = text;
        Parents = parents;
        Leaf = leaf;
    }

    public string Text { get; }

    /// <summary>The segments leading to the object that holds <see cref="Leaf"/>; empty for a top-level field.</summary>
    public string[] Parents { get; }

    public string Leaf { get; }

    public static bool TryParse(string text, [NotNullWhen(true)] out DataPath? path, [NotNullWhen(false)] out string? problem)
    {
        path = null;
        problem = Check(text);
        if (problem is not null)
        {
            return false;
        }
        var segments = text.Split('.');
        path = new DataPath(text, segments[..^1], segments[^1]);
        return true;
    }

    public override string ToString() => Text;

    private static string? Check(string text)
    {
        if (text.Length == 0)
        {
            return "it is empty";
        }
        if (text[0] == '.')
        {
            return "leading dot";
        }
        if (text[^1] == '.')
        {
            return "trailing dot";
        }
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '.')
            {
                if (text[i - 1] == '.')
                {
                    return "empty segment";
                }
            }
            else if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '$' or '-'))
            {
                var shown = char.IsControl(c) || char.IsWhiteSpace(c)
                    ? string.Create(CultureInfo.InvariantCulture, $"U+{(int)c:X4}")
                    : $"'{c}'";
                return string.Create(CultureInfo.InvariantCulture, $"character {shown} at index {i} is outside [A-Za-z0-9_$-]");
            }
        }
        return null;
    }
}

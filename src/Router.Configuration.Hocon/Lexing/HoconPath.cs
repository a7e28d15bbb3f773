using System.Text;

namespace Router.Configuration.Hocon.Lexing;

/// <summary>Renders path expressions for messages and for environment-variable fallback.</summary>
internal static class HoconPath
{
    /// <summary>
    /// The path as it would be written in a document: segments joined with dots, quoting the ones that hold a
    /// dot or are empty, so <c>a."b.c"</c> round-trips instead of reading as three segments.
    /// </summary>
    public static string Render(IReadOnlyList<string> segments)
    {
        var text = new StringBuilder();
        for (var i = 0; i < segments.Count; i++)
        {
            if (i > 0)
            {
                text.Append('.');
            }
            var segment = segments[i];
            var needsQuotes = segment.Length == 0 || segment.Contains('.') || segment.Any(c => char.IsWhiteSpace(c) || c is '"' or ':' or '=');
            text.Append(needsQuotes ? $"\"{segment.Replace("\"", "\\\"")}\"" : segment);
        }
        return text.ToString();
    }

    /// <summary>The environment variable a substitution falls back to: the segments joined with plain dots.</summary>
    public static string EnvironmentName(IReadOnlyList<string> segments) => string.Join('.', segments);
}

using Router.Configuration.Hocon.Lexing;
using Router.Configuration.Hocon.Tree;

namespace Router.Configuration.Hocon.Parsing;

/// <summary>
/// Parses a document and the files it includes. Included names are resolved against the including file's
/// directory, never the process's working directory (the spec forbids that); absolute names are used as is.
/// </summary>
internal sealed class IncludeLoader
{
    /// <summary>Files being parsed, outermost first, to report an include cycle instead of recursing forever.</summary>
    private readonly List<string> _active = [];

    /// <summary>Parses the top-level document; <paramref name="fullPath"/> is null for text that is not a file.</summary>
    public HoconObject ParseRoot(string text, string origin, string? directory, string? fullPath) =>
        ParseTracked(text, origin, fullPath, directory, []);

    /// <summary>The included file's root object, or null when a non-required include names a missing file.</summary>
    public HoconObject? Include(string name, bool required, string? includingDirectory, IReadOnlyList<string> prefix, SourcePosition at)
    {
        string fullPath;
        if (Path.IsPathRooted(name))
        {
            fullPath = Path.GetFullPath(name);
        }
        else if (includingDirectory is null)
        {
            throw new HoconException(at, $"cannot include \"{name}\": text that is not read from a file has no directory to resolve a relative include against; use an absolute path");
        }
        else
        {
            fullPath = Path.GetFullPath(Path.Combine(includingDirectory, name));
        }

        if (!File.Exists(fullPath))
        {
            // The spec: a missing include is silently ignored, as if the file held an empty object.
            return required
                ? throw new HoconException(at, $"required include \"{name}\" not found (looked for '{fullPath}')")
                : null;
        }
        if (_active.Contains(fullPath, StringComparer.Ordinal))
        {
            throw new HoconException(at, $"include cycle: {string.Join(" -> ", _active)} -> {fullPath}");
        }

        string text;
        try
        {
            text = File.ReadAllText(fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HoconException(at, $"could not read included file '{fullPath}': {e.Message}", e);
        }
        return ParseTracked(text, fullPath, fullPath, Path.GetDirectoryName(fullPath), prefix);
    }

    private HoconObject ParseTracked(string text, string origin, string? fullPath, string? directory, IReadOnlyList<string> prefix)
    {
        if (fullPath is not null)
        {
            _active.Add(fullPath);
        }
        try
        {
            var tokens = HoconLexer.Tokenize(text, origin);
            return new HoconTreeParser(tokens, directory, prefix, this).ParseDocument();
        }
        finally
        {
            if (fullPath is not null)
            {
                _active.RemoveAt(_active.Count - 1);
            }
        }
    }
}

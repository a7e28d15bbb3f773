using Router.Configuration.Hocon.Mapping;
using Router.Configuration.Hocon.Parsing;
using Router.Configuration.Hocon.Resolution;

namespace Router.Configuration.Hocon;

/// <summary>
/// Reads HOCON into the flat, case-insensitive key/value form of IConfiguration, without a configuration
/// builder. The mapping rules are documented on <see cref="HoconConfigurationProvider"/>.
/// </summary>
public static class HoconConfigurationParser
{
    /// <summary>The origin named in error messages for text that does not come from a file.</summary>
    public const string StringOrigin = "<string>";

    /// <summary>Parses, resolves and flattens HOCON text.</summary>
    /// <param name="text">The document.</param>
    /// <param name="environment">Looks up environment variables for <c>${X}</c> fallbacks; defaults to <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    /// <param name="includeDirectory">Directory that relative includes resolve against; without it only absolute includes work.</param>
    /// <exception cref="HoconException">The text is not valid HOCON or cannot be resolved.</exception>
    public static IDictionary<string, string?> Parse(string text, Func<string, string?>? environment = null, string? includeDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var directory = includeDirectory is null ? null : Path.GetFullPath(includeDirectory);
        return Read(text, StringOrigin, directory, fullPath: null, environment);
    }

    /// <summary>Parses, resolves and flattens a HOCON file; its includes resolve against its directory.</summary>
    /// <exception cref="HoconException">The file is not valid HOCON or cannot be resolved.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IDictionary<string, string?> ParseFile(string path, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var fullPath = Path.GetFullPath(path);
        return Read(File.ReadAllText(fullPath), path, Path.GetDirectoryName(fullPath), fullPath, environment);
    }

    /// <param name="origin">Name used in error messages.</param>
    /// <param name="directory">Directory for relative includes; null when there is none.</param>
    /// <param name="fullPath">The document's file, for include-cycle detection; null when it is not a file.</param>
    internal static Dictionary<string, string?> Read(string text, string origin, string? directory, string? fullPath, Func<string, string?>? environment)
    {
        var root = new IncludeLoader().ParseRoot(text, origin, directory, fullPath);
        HoconResolver.Resolve(root, environment ?? Environment.GetEnvironmentVariable);
        return HoconFlattener.Flatten(root);
    }
}

namespace Router.Configuration.Hocon.Tests;

/// <summary>Parses with a fake environment so no test reads or depends on the real process environment.</summary>
internal static class Hocon
{
    public static IDictionary<string, string?> Parse(string text, IReadOnlyDictionary<string, string>? environment = null, string? includeDirectory = null) =>
        HoconConfigurationParser.Parse(text, Lookup(environment), includeDirectory);

    public static HoconException ParseError(string text, IReadOnlyDictionary<string, string>? environment = null) =>
        Assert.Throws<HoconException>(() => Parse(text, environment));

    public static Func<string, string?> Lookup(IReadOnlyDictionary<string, string>? environment) =>
        name => environment is not null && environment.TryGetValue(name, out var value) ? value : null;

    /// <summary>The parse result with keys sorted, for whole-document comparisons that read well in a failure.</summary>
    public static string Dump(IDictionary<string, string?> data) =>
        string.Join("\n", data.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
}

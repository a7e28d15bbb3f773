using Microsoft.Extensions.Configuration;

namespace Router.Configuration.Hocon;

public static class HoconConfigurationExtensions
{
    /// <summary>Adds a HOCON file; a relative <paramref name="path"/> is resolved like <c>AddJsonFile</c> does.</summary>
    public static IConfigurationBuilder AddHoconFile(this IConfigurationBuilder builder, string path, bool optional = false, bool reloadOnChange = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(path);
        return builder.AddHoconFile(source =>
        {
            source.Path = path;
            source.Optional = optional;
            source.ReloadOnChange = reloadOnChange;
            source.ResolveFileProvider();
        });
    }

    /// <summary>Adds a HOCON file configured in full, e.g. with an <see cref="HoconConfigurationSource.EnvironmentLookup"/>.</summary>
    public static IConfigurationBuilder AddHoconFile(this IConfigurationBuilder builder, Action<HoconConfigurationSource> configureSource)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(configureSource);
    }

    /// <summary>
    /// Adds HOCON text held in memory. Relative includes are an error here because text has no directory.
    /// </summary>
    /// <param name="environment">Looks up environment variables for <c>${X}</c> fallbacks; defaults to the process environment.</param>
    public static IConfigurationBuilder AddHoconString(this IConfigurationBuilder builder, string text, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(text);
        return builder.Add(new HoconStringConfigurationSource(text, environment ?? Environment.GetEnvironmentVariable));
    }
}

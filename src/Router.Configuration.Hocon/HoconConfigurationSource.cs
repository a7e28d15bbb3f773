using Microsoft.Extensions.Configuration;

namespace Router.Configuration.Hocon;

/// <summary>A HOCON file as a configuration source; see <see cref="HoconConfigurationProvider"/> for the mapping.</summary>
public sealed class HoconConfigurationSource : FileConfigurationSource
{
    /// <summary>
    /// Looks up environment variables for substitutions not found in the document (<c>${?ROUTER_URLS}</c>).
    /// Defaults to <see cref="Environment.GetEnvironmentVariable(string)"/>; tests replace it so they never touch
    /// the process environment.
    /// </summary>
    public Func<string, string?> EnvironmentLookup { get; set; } = Environment.GetEnvironmentVariable;

    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new HoconConfigurationProvider(this);
    }
}

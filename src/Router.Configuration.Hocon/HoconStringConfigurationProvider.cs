using Microsoft.Extensions.Configuration;

namespace Router.Configuration.Hocon;

/// <summary>Loads in-memory HOCON text with the same rules as <see cref="HoconConfigurationProvider"/>.</summary>
internal sealed class HoconStringConfigurationProvider : ConfigurationProvider
{
    private readonly HoconStringConfigurationSource _source;

    public HoconStringConfigurationProvider(HoconStringConfigurationSource source) => _source = source;

    public override void Load() =>
        Data = HoconConfigurationParser.Read(_source.Text, HoconConfigurationParser.StringOrigin, directory: null, fullPath: null, _source.EnvironmentLookup);
}

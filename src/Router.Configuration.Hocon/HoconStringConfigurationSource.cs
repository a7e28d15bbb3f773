using Microsoft.Extensions.Configuration;

namespace Router.Configuration.Hocon;

/// <summary>HOCON text held in memory, for tests and generated configuration.</summary>
internal sealed class HoconStringConfigurationSource : IConfigurationSource
{
    public HoconStringConfigurationSource(string text, Func<string, string?> environmentLookup)
    {
        Text = text;
        EnvironmentLookup = environmentLookup;
    }

    public string Text { get; }

    public Func<string, string?> EnvironmentLookup { get; }

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new HoconStringConfigurationProvider(this);
}

using Microsoft.Extensions.Configuration;
using Router.Host.Cli;
using Router.Host.Configuration;

namespace Router.Host.Tests.Cli;

public sealed class ServeCommandTests
{
    [Fact]
    public void WantsInlineSocketCompletions_ShippedConfiguration_IsTrue()
    {
        var configuration = new ConfigurationManager();
        RouterConfiguration.Apply(configuration, []);

        Assert.True(ServeCommand.WantsInlineSocketCompletions(configuration));
    }

    [Fact]
    public void WantsInlineSocketCompletions_TurnedOffInUserFile_IsFalse()
    {
        var file = Path.Combine(Path.GetTempPath(), $"router-inline-io-{Guid.NewGuid():N}.conf");
        File.WriteAllText(file, "router.http.inline-io = false\n");
        try
        {
            var configuration = new ConfigurationManager();
            RouterConfiguration.Apply(configuration, ["--config", file]);

            Assert.False(ServeCommand.WantsInlineSocketCompletions(configuration));
        }
        finally
        {
            File.Delete(file);
        }
    }
}

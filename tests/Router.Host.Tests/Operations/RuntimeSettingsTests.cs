using System.Text.Json;

namespace Router.Host.Operations;

/// <summary>
/// The runtime settings the router ships with, read from the <c>router.runtimeconfig.json</c> next to the
/// <c>router.dll</c> that operators (and <see cref="RouterProcess"/>) start: each was chosen by a benchmark
/// (bench/RESULTS.md), and a project-file edit must not drop one unnoticed.
/// </summary>
public sealed class RuntimeSettingsTests
{
    private static JsonElement ConfigProperties()
    {
        var path = Path.ChangeExtension(RouterProcess.BuiltDll, ".runtimeconfig.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }

    [Fact]
    public void RuntimeConfig_ThreadPool_IdleWorkersDoNotSpin()
    {
        Assert.Equal(0, ConfigProperties().GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32());
    }

    [Fact]
    public void RuntimeConfig_GarbageCollector_IsServerWithDynamicAdaptation()
    {
        var properties = ConfigProperties();
        Assert.True(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.Equal(1, properties.GetProperty("System.GC.DynamicAdaptationMode").GetInt32());
    }
}

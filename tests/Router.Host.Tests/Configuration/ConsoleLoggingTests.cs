using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Router.Host.Configuration;

public sealed class ConsoleLoggingTests
{
    [Fact]
    public async Task Build_KestrelConnectionScope_IsTheSharedNoOpScope()
    {
        await using var router = await RouterTestHost.StartAsync();
        var logger = router.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.AspNetCore.Server.Kestrel");

        // Kestrel begins a scope per connection when Critical is enabled; it must allocate nothing a stream would keep.
        Assert.True(logger.IsEnabled(LogLevel.Critical));
        using var first = logger.BeginScope("connection 1");
        using var second = logger.BeginScope("connection 2");
        Assert.Same(first, second);
    }

    [Fact]
    public async Task Build_ConsoleProviderFilter_StillAppliesByItsAlias()
    {
        await using var router = await RouterTestHost.StartAsync(new Dictionary<string, string?> { ["Logging:Console:LogLevel:Default"] = "None" });
        var logger = router.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Router.Connections");

        Assert.False(logger.IsEnabled(LogLevel.Critical));
    }
}

using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Router.Host.Configuration;

/// <summary>
/// The console logger provider without external scopes. When any provider takes the factory's scopes, every
/// <c>BeginScope</c> allocates one, and Kestrel begins one per connection (its connection id) that lives in the
/// connection's execution context for as long as it stays open: ~150 bytes of every idle stream. The router's own
/// log lines carry their ids as fields and use no scopes, so nothing printed changes; the console's
/// <c>IncludeScopes</c> has nothing to include. Keeps the "Console" alias, so <c>Logging:Console:*</c> filters apply.
/// </summary>
[ProviderAlias("Console")]
internal sealed class ScopelessConsoleLoggerProvider(ConsoleLoggerProvider console) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => console.CreateLogger(categoryName);

    public void Dispose() => console.Dispose();

    /// <summary>Puts this provider in place of the console provider that <c>AddSimpleConsole</c>/<c>AddJsonConsole</c> registered.</summary>
    public static void ReplaceIn(IServiceCollection services)
    {
        var console = services.Single(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider));
        services.Remove(console);
        services.AddSingleton<ILoggerProvider>(sp => new ScopelessConsoleLoggerProvider(
            new ConsoleLoggerProvider(sp.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>(), sp.GetServices<ConsoleFormatter>())));
    }
}

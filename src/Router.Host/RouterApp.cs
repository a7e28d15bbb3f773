using Router.Host.Configuration;
using Router.Host.Diagnostics;
using Router.Host.Health;
using Router.Host.Ingest;
using Router.Host.Streaming;

namespace Router.Host;

/// <summary>Builds the router's web application; used by <c>Program</c> and by the end-to-end tests alike.</summary>
internal static class RouterApp
{
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? overrides = null, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        RouterConfiguration.Apply(builder.Configuration, args, overrides);
        builder.WebHost.UseUrls(builder.Configuration["router:urls"] ?? "http://127.0.0.1:5080");
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        // Request-level framework logs are noise for a streaming server; the router logs its own events.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddRouter();
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseStatusCodePages();
        app.MapHealth();
        app.MapMetrics();
        app.MapGroup(string.Empty).WithIngestMetrics().MapPublish();
        app.MapStreams();
        return app;
    }
}

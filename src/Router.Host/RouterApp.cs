using Microsoft.AspNetCore.Server.Kestrel.Core;
using Router.Host.Configuration;
using Router.Host.Diagnostics;
using Router.Host.Health;
using Router.Host.Http;
using Router.Host.Ingest;
using Router.Host.Security;
using Router.Host.Streaming;
using Router.Host.WebConsole;

namespace Router.Host;

/// <summary>Builds the router's web application; used by <c>Program</c> and by the end-to-end tests alike.</summary>
internal static class RouterApp
{
    /// <summary>Throws <see cref="StartupRefusedException"/> when the configuration is unsafe (SPEC §8 protected mode) or unusable.</summary>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? overrides = null, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        RouterConfiguration.Apply(builder.Configuration, args, overrides);
        var urls = builder.Configuration["router:urls"] ?? "http://127.0.0.1:5080";
        // Decided before Kestrel binds anything: an open router never listens on a public address by accident.
        var auth = AuthSetup.Resolve(builder.Configuration, urls);
        builder.WebHost.UseUrls(urls);
        var http = ValidLimits(HttpOptions.From(builder.Configuration));
        builder.WebHost.ConfigureKestrel(kestrel => ApplyLimits(http, kestrel.Limits));
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = http.InlineIo);
        ConfigureLogging(builder);
        // The whole shutdown (streams told, Kestrel drained, actors drained, journal closed) fits in the grace period.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = builder.Configuration.GetValue<TimeSpan>("router:shutdown:grace"));
        builder.Services.AddRouter();
        builder.Services.AddSingleton(sp => auth.CreateAccessControl(sp.GetRequiredService<TimeProvider>()));
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        // Problem bodies for bare error statuses (404, 405), except on the stream routes: they write their own
        // problems, and the middleware would hold a state machine for every open stream (~120 bytes each).
        app.UseRouting();
        app.UseWhen(http => !StreamEndpoint.IsStream(http), branch => branch.UseStatusCodePages());
        app.MapHealth();
        app.MapMetrics();
        app.MapPublish();
        app.MapStreams();
        app.MapConsole();
        return app;
    }

    private static void ConfigureLogging(WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        var format = builder.Configuration["router:logging:format"];
        if (string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.UseUtcTimestamp = true;
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
                o.UseUtcTimestamp = true;
            });
        }
        ScopelessConsoleLoggerProvider.ReplaceIn(builder.Services);
        // Request-level framework logs are noise for a streaming server; the router logs its own events. They also
        // print request URLs, and a stream's URL may hold ?access_token=: hosting diagnostics are off (named on its
        // own so a broader "Microsoft.AspNetCore: Information" in a user's file does not enable it). Off, not Warning:
        // at any level hosting also starts an Activity (with its ids, tags and log scope) for every request, and a
        // stream holds its request for hours: ~0.6 KiB of every idle connection (bench/RESULTS.md). It logs nothing
        // above Information per request; start-up failures still surface as the exception `router serve` reports.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Logging.AddFilter("Microsoft.AspNetCore.HttpLogging", LogLevel.None);
    }

    private static HttpOptions ValidLimits(HttpOptions options) =>
        options.MaxRequestLine > 0 && options.MaxRequestHeaders > 0 && options.MaxHeaderCount > 0
        && options.RequestHeadersTimeout > TimeSpan.Zero && options.MinBodyRate > 0 && options.MinBodyRateGrace > TimeSpan.FromSeconds(1)
            ? options
            : throw new StartupRefusedException("router.http: sizes, counts, timeouts and min-body-rate must be positive, and min-body-rate-grace longer than 1s (Kestrel checks rates every second).");

    /// <summary>Hostile-input limits enforced by Kestrel before a request reaches the router.</summary>
    private static void ApplyLimits(HttpOptions options, KestrelServerLimits limits)
    {
        limits.MaxRequestLineSize = options.MaxRequestLine;
        limits.MaxRequestHeadersTotalSize = options.MaxRequestHeaders;
        limits.MaxRequestHeaderCount = options.MaxHeaderCount;
        limits.RequestHeadersTimeout = options.RequestHeadersTimeout;
        limits.MinRequestBodyDataRate = new MinDataRate(options.MinBodyRate, options.MinBodyRateGrace);
    }
}

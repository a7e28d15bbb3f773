using System.Diagnostics.Metrics;
using Router.Connections;
using Router.Diagnostics;

namespace Router.Host.Diagnostics;

/// <summary><c>GET /metrics</c> (SPEC §9) and the ingest timing filter.</summary>
internal static class MetricsEndpoints
{
    public static IServiceCollection AddRouterMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton(sp => new RouterMetrics(sp.GetService<IMeterFactory>(), ConnectionCount(sp.GetRequiredService<ConnectionRegistry>())));
        services.AddSingleton(sp => new PrometheusExporter(sp.GetService<IMeterFactory>()));
        return services;
    }

    private static Func<int> ConnectionCount(ConnectionRegistry registry) => () => registry.Count;

    public static void MapMetrics(this IEndpointRouteBuilder app)
    {
        // Listen from the start, not from the first scrape: counts before it would be lost.
        var exporter = app.ServiceProvider.GetRequiredService<PrometheusExporter>();
        app.MapGet("/metrics", () => Results.Text(exporter.Scrape(), PrometheusExporter.ContentType));
    }
}

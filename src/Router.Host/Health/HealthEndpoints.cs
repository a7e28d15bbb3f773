using Router.Connections;
using Router.Host.Http;
using Router.Journal;
using Router.Queues;
using Router.Tenants;

namespace Router.Host.Health;

/// <summary>Liveness, readiness and per-tenant/queue health (SPEC §9).</summary>
internal static class HealthEndpoints
{
    private static readonly TimeSpan s_retryAfter = TimeSpan.FromSeconds(5);

    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => Results.Json(new { status = "ok" }));

        app.MapGet("/ready", async (HttpContext http, IEventJournal journal, RouterLifecycle lifecycle, ConnectionRegistry connections) =>
        {
            if (lifecycle.IsStopping)
            {
                return Problems.Unavailable(http, "The router is shutting down.", s_retryAfter);
            }
            if (!await PingAsync(journal, http.RequestAborted))
            {
                return Problems.Unavailable(http, "The journal is not reachable.", s_retryAfter);
            }
            return Results.Json(new { status = "ready", connections = connections.Count });
        });

        app.MapGet("/v1/tenants/{tenant}/health", async (string tenant, IEventJournal journal, ConnectionRegistry connections, CancellationToken cancellationToken) =>
        {
            if (!TenantId.TryParse(tenant, out var tenantId))
            {
                return Problems.InvalidField("tenant", "The tenant must match ^[a-z0-9][a-z0-9_-]{0,63}$.");
            }
            var head = await journal.ReadHeadAsync(tenantId, cancellationToken);
            return Results.Json(new { tenant = tenantId.Value, activeConnections = connections.CountFor(tenantId), head = head.ToString() });
        });

        app.MapGet("/v1/tenants/{tenant}/queues/{queue}/health", async (string tenant, string queue, IEventJournal journal, ConnectionRegistry connections, CancellationToken cancellationToken) =>
        {
            if (!TenantId.TryParse(tenant, out var tenantId))
            {
                return Problems.InvalidField("tenant", "The tenant must match ^[a-z0-9][a-z0-9_-]{0,63}$.");
            }
            if (!QueueName.TryParse(queue, out var queueName))
            {
                return Problems.InvalidField("queue", "The queue must match ^[a-z0-9][a-z0-9_-]{0,63}$.");
            }
            var head = await journal.ReadQueueHeadAsync(tenantId, queueName, cancellationToken);
            return Results.Json(new
            {
                tenant = tenantId.Value,
                queue = queueName.Value,
                activeConnections = connections.CountFor(tenantId, queueName.Value),
                head = head.ToString(),
            });
        });
    }

    private static async Task<bool> PingAsync(IEventJournal journal, CancellationToken cancellationToken)
    {
        try
        {
            return await journal.PingAsync(cancellationToken);
        }
        catch (JournalUnavailableException)
        {
            return false;
        }
    }
}

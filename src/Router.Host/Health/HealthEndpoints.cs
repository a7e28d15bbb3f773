using Router.Connections;
using Router.Host.Http;
using Router.Host.Security;
using Router.Journal;
using Router.Queues;
using Router.Tenants;

namespace Router.Host.Health;

/// <summary>
/// Liveness, readiness and per-tenant/queue health (SPEC §9). <c>/health</c> and <c>/ready</c> are for load
/// balancers and carry nothing of any tenant; with auth on, a tenant's health needs a subscribe token for that
/// tenant and a queue's health one that may read the queue (SPEC §8: counts and positions are the tenant's).
/// </summary>
internal static class HealthEndpoints
{
    private static readonly TimeSpan s_retryAfter = TimeSpan.FromSeconds(5);

    /// <summary>Browsers' EventSource is not the client here: a header or the cookie, not the query string.</summary>
    private const TokenSources HealthTokenSources = TokenSources.Header | TokenSources.Cookie;

    private const string NotAllowed = "The token does not allow reading this tenant's or queue's health.";

    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => Results.Json(new { status = "ok" }));

        app.MapGet("/ready", async (HttpContext http, IEventJournal journal, RouterLifecycle lifecycle, ConnectionRegistry connections, AccessControl access) =>
        {
            if (lifecycle.IsStopping)
            {
                return Problems.Unavailable(http, "The router is shutting down.", s_retryAfter);
            }
            if (!await PingAsync(journal, http.RequestAborted))
            {
                return Problems.Unavailable(http, "The journal is not reachable.", s_retryAfter);
            }
            return Results.Json(new { status = "ready", connections = connections.Count, auth = access.Mode.Name() });
        });

        app.MapGet("/v1/tenants/{tenant}/health", async (string tenant, HttpContext http, IEventJournal journal, ConnectionRegistry connections, AccessControl access) =>
        {
            var (principal, unauthorized) = await access.AuthenticateAsync(http, HealthTokenSources);
            if (principal is null)
            {
                return unauthorized!;
            }
            if (!TenantId.TryParse(tenant, out var tenantId))
            {
                return Problems.InvalidField("tenant", "The tenant must match ^[a-z0-9][a-z0-9_-]{0,63}$.");
            }
            if (!principal.CanSubscribeAnywhereIn(tenantId))
            {
                return Problems.Forbidden(NotAllowed);
            }
            var head = await journal.ReadHeadAsync(tenantId, http.RequestAborted);
            return Results.Json(new { tenant = tenantId.Value, activeConnections = connections.CountFor(tenantId), head = head.ToString() });
        });

        app.MapGet("/v1/tenants/{tenant}/queues/{queue}/health", async (string tenant, string queue, HttpContext http, IEventJournal journal, ConnectionRegistry connections, AccessControl access) =>
        {
            var (principal, unauthorized) = await access.AuthenticateAsync(http, HealthTokenSources);
            if (principal is null)
            {
                return unauthorized!;
            }
            if (!TenantId.TryParse(tenant, out var tenantId))
            {
                return Problems.InvalidField("tenant", "The tenant must match ^[a-z0-9][a-z0-9_-]{0,63}$.");
            }
            if (!QueueName.TryParse(queue, out var queueName))
            {
                return Problems.InvalidField("queue", "The queue must match ^[a-z0-9][a-z0-9_-]{0,63}$.");
            }
            if (!principal.CanSubscribe(tenantId, queueName.Value))
            {
                return Problems.Forbidden(NotAllowed);
            }
            var head = await journal.ReadQueueHeadAsync(tenantId, queueName, http.RequestAborted);
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

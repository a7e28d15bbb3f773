using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Router.Connections;
using Router.Events;
using Router.Host.Http;
using Router.Host.Security;
using Router.Journal;
using Router.Routing;
using Router.Tenants;
using Router.Versioning;

namespace Router.Host.Streaming;

/// <summary>The SSE endpoints (SPEC §4): the tenant stream and the queue stream. Each response is one <see cref="ConnectionActor"/>.</summary>
internal static class StreamEndpoint
{
    public static void MapStreams(this IEndpointRouteBuilder app)
    {
        // From the root container, not as a handler parameter: a parameter from the container makes every request
        // create a DI scope (scope, its dictionaries and the feature, ~300 bytes), and a stream keeps its request for
        // hours. Resolved on the first stream, not here, so building the app still opens nothing (the journal).
        var root = app.ServiceProvider;
        var services = new Lazy<StreamServices>(root.GetRequiredService<StreamServices>);
        app.MapGet("/v1/tenants/{tenant}/stream", (string tenant, HttpContext http) => StreamAsync(tenant, null, http, services.Value));
        app.MapGet("/v1/tenants/{tenant}/queues/{queue}/stream", (string tenant, string queue, HttpContext http) => StreamAsync(tenant, queue, http, services.Value));
    }

    private static async Task<IResult> StreamAsync(string tenant, string? queue, HttpContext http, StreamServices services)
    {
        var (principal, unauthorized) = await services.Access.AuthenticateAsync(http, TokenSources.Subscriber);
        if (principal is null)
        {
            return unauthorized!;
        }
        var (request, field, error) = StreamRequestParser.Parse(tenant, queue, http.Request, services.AlwaysDeliver);
        if (request is null)
        {
            return Problems.InvalidField(field!, error!);
        }
        var scope = request.Filter.Scope;
        if (!MayOpen(principal, scope))
        {
            return Problems.Forbidden("The token does not allow subscribing to this stream.");
        }
        // Access is decided now and kept for the stream's life (SPEC §8); ?queue=* is narrowed per event to
        // the queues the token may read, and the stream ends at the token's exp.
        request = request with { Filter = request.Filter.WithAccess(principal.AccessFor(scope.Tenant)), ExpiresAt = principal.ExpiresAt };
        if (services.Lifecycle.IsStopping)
        {
            return Problems.Unavailable(http, "The router is shutting down; reconnect to another node or retry.", services.Options.Retry);
        }

        var connection = new ConnectionActor(
            Guid.CreateVersion7().ToString("N"),
            request,
            services.Options,
            services.Tenants,
            services.Journal,
            services.Routing,
            services.Versions,
            services.Time,
            services.Heartbeats,
            services.Logger,
            http.Response.BodyWriter);

        var address = http.Connection.RemoteIpAddress;
        if (!services.Addresses.TryEnter(address, services.Limits.MaxConnectionsPerAddress))
        {
            return Problems.TooManyRequests(http, "Too many open streams from this address.", services.Options.Retry);
        }
        if (!services.Connections.TryAdd(connection, services.Limits.MaxConnections, services.Limits.MaxConnectionsPerTenant))
        {
            services.Addresses.Leave(address);
            return Problems.Unavailable(http, "Too many open streams on this node; retry shortly or connect to another node.", services.Options.Retry);
        }
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        try
        {
            await connection.RunAsync(http.RequestAborted);
        }
        catch (JournalUnavailableException exception) when (!http.Response.HasStarted)
        {
            return Problems.Unavailable(http, exception.Message, services.Options.Retry);
        }
        finally
        {
            services.Connections.Remove(connection);
            services.Addresses.Leave(address);
        }
        return Results.Empty;
    }

    /// <summary>A queue stream needs its queue; the tenant stream needs the tenant level and every queue it names.</summary>
    private static bool MayOpen(RouterPrincipal principal, StreamScope scope)
    {
        if (scope.SingleQueue is { } single)
        {
            return principal.CanSubscribe(scope.Tenant, single.Value);
        }
        return principal.CanSubscribe(scope.Tenant, null) && scope.Queues.All(q => principal.CanSubscribe(scope.Tenant, q));
    }
}

/// <summary>What a stream needs from the container, resolved once per request as one parameter.</summary>
internal sealed class StreamServices(
    TenantDirectory tenants,
    IEventJournal journal,
    RoutingTable routing,
    EventTypeRegistry versions,
    ConnectionRegistry connections,
    RouterLifecycle lifecycle,
    IOptions<StreamOptions> options,
    IOptions<EchoOptions> echo,
    IOptions<ConnectionLimits> limits,
    AddressLimiter addresses,
    AccessControl access,
    TimeProvider time,
    HeartbeatScheduler heartbeats,
    ILoggerFactory loggers)
{
    public AccessControl Access { get; } = access;

    public TenantDirectory Tenants { get; } = tenants;

    public IEventJournal Journal { get; } = journal;

    public RoutingTable Routing { get; } = routing;

    public EventTypeRegistry Versions { get; } = versions;

    public ConnectionRegistry Connections { get; } = connections;

    public RouterLifecycle Lifecycle { get; } = lifecycle;

    public StreamOptions Options { get; } = options.Value;

    public ConnectionLimits Limits { get; } = limits.Value;

    public AddressLimiter Addresses { get; } = addresses;

    public TypePatternSet AlwaysDeliver { get; } = TypePatternSet.Parse(echo.Value.AlwaysDeliver);

    public TimeProvider Time { get; } = time;

    public HeartbeatScheduler Heartbeats { get; } = heartbeats;

    public ILogger Logger { get; } = loggers.CreateLogger("Router.Connections");
}

using Microsoft.AspNetCore.Connections.Features;
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
        // Plain request delegates, not minimal-API handlers: argument binding would wrap each stream in a state machine
        // of its own (awaiting an IResult) for its whole life. The marker keeps status-code pages off them (RouterApp).
        app.MapGet("/v1/tenants/{tenant}/stream", (HttpContext http) => OpenAsync(http, queueStream: false, services.Value))
            .WithMetadata(StreamEndpointMarker.Instance);
        app.MapGet("/v1/tenants/{tenant}/queues/{queue}/stream", (HttpContext http) => OpenAsync(http, queueStream: true, services.Value))
            .WithMetadata(StreamEndpointMarker.Instance);
    }

    /// <summary>True for the two stream routes (set once routing has matched the request).</summary>
    public static bool IsStream(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<StreamEndpointMarker>() is not null;

    private static Task OpenAsync(HttpContext http, bool queueStream, StreamServices services)
    {
        // Open routers and cached keys answer synchronously; only then is no state machine kept for the stream here.
        var authentication = services.Access.AuthenticateAsync(http, TokenSources.Subscriber);
        return authentication.IsCompletedSuccessfully
            ? Open(http, queueStream, services, authentication.Result)
            : OpenAfterAuthenticationAsync(http, queueStream, services, authentication);
    }

    private static async Task OpenAfterAuthenticationAsync(
        HttpContext http, bool queueStream, StreamServices services, ValueTask<(RouterPrincipal? Principal, IResult? Failure)> authentication) =>
        await Open(http, queueStream, services, await authentication);

    /// <summary>Answers a problem, or starts the stream; returns the stream's task as it is, awaited only by Kestrel.</summary>
    private static Task Open(HttpContext http, bool queueStream, StreamServices services, (RouterPrincipal? Principal, IResult? Failure) authentication)
    {
        if (authentication.Principal is not { } principal)
        {
            return authentication.Failure!.ExecuteAsync(http);
        }
        var tenant = (string)http.Request.RouteValues["tenant"]!;
        var queue = queueStream ? (string)http.Request.RouteValues["queue"]! : null;
        var (request, field, error) = StreamRequestParser.Parse(tenant, queue, http.Request, services.AlwaysDeliver);
        if (request is null)
        {
            return Problems.InvalidField(field!, error!).ExecuteAsync(http);
        }
        var scope = request.Filter.Scope;
        if (!MayOpen(principal, scope))
        {
            return Problems.Forbidden("The token does not allow subscribing to this stream.").ExecuteAsync(http);
        }
        // Access is decided now and kept for the stream's life (SPEC §8); ?queue=* is narrowed per event to
        // the queues the token may read, and the stream ends at the token's exp.
        request = request with { Filter = request.Filter.WithAccess(principal.AccessFor(scope.Tenant)), ExpiresAt = principal.ExpiresAt };
        if (services.Lifecycle.IsStopping)
        {
            return Problems.Unavailable(http, "The router is shutting down; reconnect to another node or retry.", services.Options.Retry).ExecuteAsync(http);
        }

        var connection = new HttpStreamConnection(Guid.CreateVersion7(), request, services, http);

        // From the feature, not http.Connection: that wrapper is made on first use and a stream would keep it.
        var address = http.Features.GetRequiredFeature<IHttpConnectionFeature>().RemoteIpAddress;
        if (!services.Addresses.TryEnter(address, services.Limits.MaxConnectionsPerAddress))
        {
            return Problems.TooManyRequests(http, "Too many open streams from this address.", services.Options.Retry).ExecuteAsync(http);
        }
        if (!services.Connections.TryAdd(connection, services.Limits.MaxConnections, services.Limits.MaxConnectionsPerTenant))
        {
            services.Addresses.Leave(address);
            return Problems.Unavailable(http, "Too many open streams on this node; retry shortly or connect to another node.", services.Options.Retry).ExecuteAsync(http);
        }
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        return connection.RunAsync(ClientGone(http));
    }

    /// <summary>
    /// The token that fires when the client leaves. On HTTP/1.x a stream is its connection's last request, so the
    /// transport's closed token says it as soon as the request's would (both fire on the client's FIN or reset, one
    /// thread-pool hop later); asking for the request's token makes Kestrel create a token source and its
    /// registration list for the request (~110 bytes every idle stream would hold). HTTP/2 and HTTP/3 streams share
    /// their connection, so they need the request's own token; so does a test server, which has no transport.
    /// </summary>
    private static CancellationToken ClientGone(HttpContext http) =>
        (HttpProtocol.IsHttp11(http.Request.Protocol) || HttpProtocol.IsHttp10(http.Request.Protocol))
        && http.Features.Get<IConnectionLifetimeFeature>() is { } connection
            ? connection.ConnectionClosed
            : http.RequestAborted;

    /// <summary>A queue stream needs its queue; the tenant stream needs the tenant level and every queue it names.</summary>
    private static bool MayOpen(RouterPrincipal principal, StreamScope scope)
    {
        if (scope.SingleQueue is { } single)
        {
            return principal.CanSubscribe(scope.Tenant, single.Value);
        }
        if (!principal.CanSubscribe(scope.Tenant, null))
        {
            return false;
        }
        foreach (var queue in scope.Queues)
        {
            if (!principal.CanSubscribe(scope.Tenant, queue))
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>Marks the stream routes, whose responses last as long as the client stays.</summary>
internal sealed class StreamEndpointMarker
{
    public static readonly StreamEndpointMarker Instance = new();
}

/// <summary>What a stream needs from the container, resolved once (from the root container) for every stream.</summary>
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

    /// <summary>What every connection shares: one object that each holds a reference to.</summary>
    public ConnectionServices ForConnections { get; } =
        new(options.Value, tenants, journal, routing, versions, time, heartbeats, loggers.CreateLogger("Router.Connections"));

    public ConnectionRegistry Connections { get; } = connections;

    public RouterLifecycle Lifecycle { get; } = lifecycle;

    public StreamOptions Options { get; } = options.Value;

    public ConnectionLimits Limits { get; } = limits.Value;

    public AddressLimiter Addresses { get; } = addresses;

    public TypePatternSet AlwaysDeliver { get; } = TypePatternSet.Parse(echo.Value.AlwaysDeliver);
}

using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Router.Diagnostics;
using Router.Journal;
using Router.Host.Http;
using Router.Host.Security;
using Router.Tenants;

namespace Router.Host.Ingest;

/// <summary><c>POST /v1/tenants/{tenant}/events</c> (SPEC §3): validate everything, append once, answer after commit.</summary>
internal static class PublishEndpoint
{
    private const string NotAllowed = "The token does not allow publishing to this tenant or queue.";

    /// <summary>The first buffer for a body without Content-Length (chunked); it doubles as the body grows.</summary>
    private const int InitialChunkedBuffer = 4096;

    /// <summary>
    /// Maps the endpoint as a plain <see cref="RequestDelegate"/> over singletons resolved once, on the first
    /// request (resolving them while the app is built would run the journal's and options' validation early): no
    /// per-request service lookups, argument binding or endpoint-filter layer. The request is timed here, into
    /// <c>router_ingest_duration_seconds</c> by status, from the start of the handler to its result (not its writing).
    /// </summary>
    public static void MapPublish(this IEndpointRouteBuilder app)
    {
        // Two first requests may both resolve: the same singletons, so either handler will do.
        Handler? handler = null;
        app.MapPost("/v1/tenants/{tenant}/events", http => (handler ??= Handler.From(http.RequestServices)).HandleAsync(http));
    }

    private sealed record Handler(
        TenantDirectory Tenants, PublishOptions Limits, PublishRateLimiter Limiter, AccessControl Access, TimeProvider Time, RouterMetrics Metrics)
    {
        public static Handler From(IServiceProvider services) => new(
            services.GetRequiredService<TenantDirectory>(),
            services.GetRequiredService<IOptions<PublishOptions>>().Value,
            services.GetRequiredService<PublishRateLimiter>(),
            services.GetRequiredService<AccessControl>(),
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<RouterMetrics>());

        public async Task HandleAsync(HttpContext http)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var tenant = (string)http.Request.RouteValues["tenant"]!;
            var result = await PublishAsync(tenant, http, Tenants, Limits, Limiter, Access, Time);
            Metrics.IngestCompleted(RouterMetrics.Since(started), result is IStatusCodeHttpResult { StatusCode: { } code } ? code : http.Response.StatusCode);
            await result.ExecuteAsync(http);
        }
    }

    private static async Task<IResult> PublishAsync(
        string tenant,
        HttpContext http,
        TenantDirectory tenants,
        PublishOptions limits,
        PublishRateLimiter limiter,
        AccessControl access,
        TimeProvider time)
    {
        // Authentication first, before the body is read: an anonymous client costs no parsing.
        var (principal, unauthorized) = await access.AuthenticateAsync(http, TokenSources.Header);
        if (principal is null)
        {
            return unauthorized!;
        }
        if (!TenantId.TryParse(tenant, out var tenantId))
        {
            return Problems.InvalidField("tenant", "The tenant must match ^[a-z0-9][a-z0-9_-]{0,63}$.");
        }
        if (!principal.CanPublishAnywhereIn(tenantId))
        {
            return Problems.Forbidden(NotAllowed);
        }
        if (!IsJson(http.Request.ContentType))
        {
            return Problems.UnsupportedMediaType(http.Request.ContentType);
        }
        if (http.Request.ContentLength > limits.MaxBody)
        {
            return Problems.TooLarge($"The body is {http.Request.ContentLength} bytes; at most {limits.MaxBody} are allowed.", "body");
        }
        ReadOnlyMemory<byte>? body;
        try
        {
            body = await ReadBodyAsync(http.Request.BodyReader, http.Request.ContentLength, limits.MaxBody, http.RequestAborted);
        }
        catch (BadHttpRequestException exception)
        {
            // Kestrel's own verdict on the body (router.http.min-body-rate: too slow; a broken chunked encoding):
            // a 4xx for this request, not an application error in the logs.
            return Results.Problem(exception.Message, statusCode: exception.StatusCode, title: "Bad request body");
        }
        if (body is null)
        {
            return Problems.TooLarge($"The body is larger than {limits.MaxBody} bytes.", "body");
        }
        var clientId = http.Request.Headers["X-Client-Id"].ToString();
        if (clientId.Length > 0 && !EventBatchParser.IsCleanText(clientId, 128))
        {
            return Problems.InvalidField("X-Client-Id", "X-Client-Id must be at most 128 characters without control characters.");
        }
        var parser = new EventBatchParser(limits);
        if (parser.TryParse(body.Value, clientId.Length > 0 ? clientId : null, time.GetUtcNow(), out var events) is { } error)
        {
            return error.Status == StatusCodes.Status413PayloadTooLarge
                ? Problems.TooLarge(error.Message, error.Field)
                : error.MalformedJson
                    ? Problems.MalformedJson(error.Message)
                    : Problems.InvalidField(error.Field, error.Message, error.Index);
        }
        for (var i = 0; i < events.Count; i++)
        {
            if (!principal.CanPublish(tenantId, events[i].Queue))
            {
                // All or nothing: one event the token may not publish refuses the batch.
                return Problems.Forbidden(NotAllowed, i);
            }
        }
        if (limiter.TryAcquire(tenantId, events.Count) is { } retryAfter)
        {
            return Problems.TooManyRequests(http, $"Tenant {tenantId} is over its publish rate of {limiter.Rate} events/s; nothing was appended.", retryAfter);
        }
        BatchResult result;
        try
        {
            result = await tenants.AppendAsync(tenantId, events, CancellationToken.None);
        }
        catch (JournalUnavailableException exception)
        {
            return Problems.Unavailable(http, exception.Message, limits.RetryAfter);
        }
        return new PublishedResult(result);
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (media.MediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && media.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)));

    /// <summary>
    /// Reads the whole body, or returns null as soon as it passes <paramref name="limit"/> (chunked bodies have no
    /// Content-Length). The one copy a publish makes of its body: the parsed events keep slices of it.
    /// </summary>
    /// <remarks>
    /// What is read is copied out and consumed at once, never left examined but unconsumed. If the client cuts the body
    /// off, Kestrel can then reset its connection's input before it throws. With an unconsumed remainder it leaves that
    /// input mid-read, and after the 400 below it fails the connection with "Reading is already in progress", a warning
    /// in the log for an ordinary client error.
    /// </remarks>
    internal static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(PipeReader reader, long? contentLength, long limit, CancellationToken cancellationToken)
    {
        // Content-Length is checked against the limit before, so the usual body gets an array of exactly its size.
        var body = new byte[contentLength ?? Math.Min(limit, InitialChunkedBuffer)];
        var length = 0;
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            if (length + buffer.Length > limit)
            {
                reader.AdvanceTo(buffer.End);
                return null;
            }
            if (length + buffer.Length > body.Length)
            {
                Array.Resize(ref body, (int)Math.Min(limit, Math.Max(2L * body.Length, length + buffer.Length)));
            }
            buffer.CopyTo(body.AsSpan(length));
            length += (int)buffer.Length;
            reader.AdvanceTo(buffer.End);
            if (read.IsCompleted)
            {
                return body.AsMemory(0, length);
            }
        }
    }
}

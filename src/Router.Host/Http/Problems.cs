using System.Globalization;

namespace Router.Host.Http;

/// <summary>
/// RFC 9457 problem details for every error the router returns. Each carries a stable <c>type</c> URI,
/// and field errors carry <c>field</c> (and <c>index</c> in a batch) so a client can point at the culprit.
/// </summary>
internal static class Problems
{
    private const string TypeBase = "https://router.example/problems/";

    public static IResult InvalidField(string field, string detail, int? index = null)
    {
        var extensions = new Dictionary<string, object?> { ["field"] = field };
        if (index is { } i)
        {
            extensions["index"] = i;
        }
        return Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request", type: TypeBase + "invalid-field", extensions: extensions);
    }

    public static IResult MalformedJson(string detail) =>
        Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Malformed JSON", type: TypeBase + "malformed-json",
            extensions: new Dictionary<string, object?> { ["field"] = "body" });

    public static IResult TooLarge(string detail, string field) =>
        Results.Problem(detail, statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large", type: TypeBase + "too-large",
            extensions: new Dictionary<string, object?> { ["field"] = field });

    public static IResult UnsupportedMediaType(string? contentType) =>
        Results.Problem($"Content-Type must be application/json, not '{contentType ?? "(none)"}'.", statusCode: StatusCodes.Status415UnsupportedMediaType,
            title: "Unsupported media type", type: TypeBase + "unsupported-media-type");

    /// <summary>429 with Retry-After: the tenant is over its publish rate; nothing was appended.</summary>
    public static IResult TooManyRequests(HttpContext http, string detail, TimeSpan retryAfter)
    {
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Results.Problem(detail, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests", type: TypeBase + "rate-limited");
    }

    /// <summary>
    /// 401 with <c>WWW-Authenticate: Bearer</c> (RFC 6750): no token, or one that is not valid. The detail never
    /// echoes the token and never depends on the tenant asked for.
    /// </summary>
    public static IResult Unauthorized(HttpContext http, string detail, bool invalidToken)
    {
        http.Response.Headers.WWWAuthenticate = invalidToken ? "Bearer realm=\"router\", error=\"invalid_token\"" : "Bearer realm=\"router\"";
        return Results.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", type: TypeBase + "unauthorized");
    }

    /// <summary>
    /// 403: a valid token without the right. Decided from the token's selectors and the names in the request
    /// only, so the same answer comes for a tenant that exists and one that does not.
    /// </summary>
    public static IResult Forbidden(string detail, int? index = null)
    {
        var extensions = new Dictionary<string, object?>();
        if (index is { } i)
        {
            extensions["index"] = i;
        }
        return Results.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", type: TypeBase + "forbidden", extensions: extensions);
    }

    /// <summary>503 with Retry-After: the journal is down, or the router is shutting down; nothing was done.</summary>
    public static IResult Unavailable(HttpContext http, string detail, TimeSpan retryAfter)
    {
        http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Results.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable", type: TypeBase + "unavailable");
    }
}

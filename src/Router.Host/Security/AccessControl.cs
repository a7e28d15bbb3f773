using Microsoft.Net.Http.Headers;
using Router.Host.Http;

namespace Router.Host.Security;

/// <summary>Where a request may carry its token (SPEC §8).</summary>
[Flags]
internal enum TokenSources
{
    /// <summary><c>Authorization: Bearer …</c>: publishers (the only source), and any client that can set headers.</summary>
    Header = 1,

    /// <summary>The <c>router_token</c> cookie: browsers.</summary>
    Cookie = 2,

    /// <summary><c>?access_token=</c>: EventSource, which cannot set headers. Streams only; never logged.</summary>
    Query = 4,

    Subscriber = Header | Cookie | Query,
}

/// <summary>
/// The router's authentication: the resolved <see cref="AuthMode"/> and, in JWT mode, the token validator.
/// Authorization (which tenant and queue) is decided by the endpoints from the <see cref="RouterPrincipal"/>,
/// against names the client sent and never against the journal, so a 403 says nothing of whether a tenant exists.
/// </summary>
internal sealed class AccessControl
{
    public const string CookieName = "router_token";
    public const string QueryParameter = "access_token";

    private readonly TokenValidator? _validator;

    public AccessControl(AuthMode mode, TokenValidator? validator)
    {
        Mode = mode;
        _validator = validator;
    }

    public AuthMode Mode { get; }

    /// <summary>The principal (everything allowed when auth is open), or a 401 problem to return.</summary>
    public async ValueTask<(RouterPrincipal? Principal, IResult? Failure)> AuthenticateAsync(HttpContext http, TokenSources sources)
    {
        if (_validator is null)
        {
            return (RouterPrincipal.Open, null);
        }
        var (token, malformed) = FindToken(http.Request, sources);
        if (malformed is not null)
        {
            return (null, Problems.Unauthorized(http, malformed, invalidToken: true));
        }
        if (token is null)
        {
            var where = sources == TokenSources.Header
                ? "an Authorization: Bearer header"
                : "an Authorization: Bearer header, the router_token cookie or the access_token query parameter";
            return (null, Problems.Unauthorized(http, $"A token is required, in {where}.", invalidToken: false));
        }
        var (principal, error) = await _validator.ValidateAsync(token);
        return principal is null ? (null, Problems.Unauthorized(http, error!, invalidToken: true)) : (principal, null);
    }

    /// <summary>The first token present, by precedence header, cookie, query; or why the header is unusable.</summary>
    private static (string? Token, string? Malformed) FindToken(HttpRequest request, TokenSources sources)
    {
        if ((sources & TokenSources.Header) != 0)
        {
            var authorization = request.Headers[HeaderNames.Authorization];
            if (authorization.Count > 1)
            {
                return (null, "Send one Authorization header.");
            }
            if (authorization.Count == 1)
            {
                var value = authorization.ToString();
                const string scheme = "Bearer ";
                if (!value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || value.Length == scheme.Length)
                {
                    return (null, "The Authorization header must be 'Bearer <token>'.");
                }
                return (value[scheme.Length..].Trim(), null);
            }
        }
        if ((sources & TokenSources.Cookie) != 0 && request.Cookies.TryGetValue(CookieName, out var cookie) && !string.IsNullOrEmpty(cookie))
        {
            return (cookie, null);
        }
        if ((sources & TokenSources.Query) != 0)
        {
            var query = QueryValues.Of(request)[QueryParameter];
            if (query.Count > 1)
            {
                return (null, "Send one access_token.");
            }
            if (query.Count == 1 && !string.IsNullOrEmpty(query.ToString()))
            {
                return (query.ToString(), null);
            }
        }
        return (null, null);
    }
}

using System.Net;
using Microsoft.IdentityModel.Tokens;

namespace Router.Host.Security;

/// <summary>
/// Resolves <c>router.auth</c> at start-up, before Kestrel binds (SPEC §8): loads the keys, decides the mode and
/// applies protected mode: without keys the router is open, but then it may listen on loopback addresses only;
/// a public address without keys refuses to start unless <c>router.auth.mode = open</c> says so explicitly.
/// </summary>
internal sealed class AuthSetup
{
    private AuthSetup(AuthMode mode, AuthOptions options, IReadOnlyList<SecurityKey> keys)
    {
        Mode = mode;
        Options = options;
        Keys = keys;
    }

    public AuthMode Mode { get; }

    public AuthOptions Options { get; }

    public IReadOnlyList<SecurityKey> Keys { get; }

    /// <summary>Throws <see cref="StartupRefusedException"/> with what to change when the configuration is unsafe or unusable.</summary>
    public static AuthSetup Resolve(IConfiguration configuration, string urls)
    {
        var options = configuration.GetSection("router:auth").Get<AuthOptions>() ?? new AuthOptions();
        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(10))
        {
            throw new StartupRefusedException($"router.auth.clock-skew must be between 0s and 10m, not {options.ClockSkew}.");
        }
        var keys = SigningKeys.Load(options);
        var mode = (options.Mode ?? "auto").Trim().ToLowerInvariant() switch
        {
            "auto" or "" => keys.Count > 0 ? AuthMode.Jwt : AuthMode.OpenLoopback,
            "jwt" => keys.Count > 0
                ? AuthMode.Jwt
                : throw new StartupRefusedException("router.auth.mode = jwt, but no key is configured: set ROUTER_JWT_SECRET (router.auth.jwt-secret), router.auth.hmac-secrets, public-key-files or jwks-file."),
            "open" => AuthMode.Open,
            _ => throw new StartupRefusedException($"router.auth.mode must be auto, jwt or open, not '{options.Mode}'."),
        };
        if (mode == AuthMode.OpenLoopback)
        {
            var exposed = ListenUrls(configuration, urls).Where(u => !IsLoopback(u)).ToList();
            if (exposed.Count > 0)
            {
                throw new StartupRefusedException(
                    $"Refusing to listen on {string.Join(", ", exposed)} without authentication: no key is configured. " +
                    "Set a key (ROUTER_JWT_SECRET, or router.auth.jwt-secret / hmac-secrets / public-key-files / jwks-file), " +
                    "listen on loopback only (http://127.0.0.1:5080), or set router.auth.mode = open to run without authentication on purpose.");
            }
        }
        return new AuthSetup(mode, options, keys);
    }

    /// <summary>
    /// Every address Kestrel may bind: <c>router.urls</c> and the endpoints of a <c>Kestrel:Endpoints</c> section
    /// (<c>Kestrel__Endpoints__Name__Url</c> variables; Kestrel prefers them over <c>router.urls</c>), so neither
    /// way around protected mode exists.
    /// </summary>
    private static IEnumerable<string> ListenUrls(IConfiguration configuration, string urls)
    {
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            yield return url;
        }
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            // An endpoint without a readable Url is checked as "" and so fails closed.
            yield return endpoint["Url"]?.Trim() ?? string.Empty;
        }
    }

    public AccessControl CreateAccessControl(TimeProvider time) =>
        new(Mode, Mode == AuthMode.Jwt ? new TokenValidator(Keys, Options, time) : null);

    /// <summary>
    /// True for 127.0.0.0/8, [::1], <c>localhost</c> and Unix sockets; false for wildcards (<c>*</c>, <c>+</c>,
    /// <c>0.0.0.0</c>, <c>[::]</c>), host names and anything that cannot be read (fail closed).
    /// </summary>
    internal static bool IsLoopback(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            return false;
        }
        if (url.AsSpan(0, schemeEnd).Equals("unix", StringComparison.OrdinalIgnoreCase) || url.StartsWith("http://unix:", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        var authority = url[(schemeEnd + 3)..];
        var slash = authority.IndexOf('/');
        if (slash >= 0)
        {
            authority = authority[..slash];
        }
        string host;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']');
            if (close < 0)
            {
                return false;
            }
            host = authority[1..close];
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = colon >= 0 ? authority[..colon] : authority;
        }
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address);
    }
}

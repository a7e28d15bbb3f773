namespace Router.Host.Security;

/// <summary>Authentication (HOCON <c>router.auth</c>, SPEC §8); defaults live in hocon/router.conf.</summary>
public sealed class AuthOptions
{
    /// <summary>
    /// <c>auto</c>: JWT when any key is configured, else open but on loopback only. <c>jwt</c>: JWT, and a
    /// start-up error without keys. <c>open</c>: no authentication on any address, on purpose.
    /// </summary>
    public string Mode { get; set; } = null!;

    /// <summary>One HS256 secret (UTF-8, at least 32 bytes); <c>ROUTER_JWT_SECRET</c>. Empty means none.</summary>
    public string JwtSecret { get; set; } = null!;

    /// <summary>More HS256 secrets, all accepted at once (rotation).</summary>
    public List<string> HmacSecrets { get; set; } = [];

    /// <summary>PEM files with RSA (RS256) or P-256 EC (ES256) public keys or certificates.</summary>
    public List<string> PublicKeyFiles { get; set; } = [];

    /// <summary>A JWKS file (RFC 7517) of verification keys; empty means none.</summary>
    public string JwksFile { get; set; } = null!;

    /// <summary>When set, a token's <c>iss</c> must equal it.</summary>
    public string Issuer { get; set; } = null!;

    /// <summary>When set, a token's <c>aud</c> must contain it.</summary>
    public string Audience { get; set; } = null!;

    /// <summary>Tolerance for <c>exp</c> and <c>nbf</c> against clock drift between the issuer and the router.</summary>
    public TimeSpan ClockSkew { get; set; }
}

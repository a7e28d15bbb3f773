using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Router.Host.Security;

/// <summary>
/// Mints development tokens (HS256) from a configured secret: what <c>router token</c> prints (SPEC §9). The
/// claims are the ones the router reads: <c>sub</c>, <c>exp</c>, <c>iat</c>, <c>nbf</c> and the <c>router</c>
/// claim <c>{publish, subscribe, groups, roles}</c>.
/// </summary>
public static class DevTokens
{
    /// <summary>The lifetime when none is given.</summary>
    public static TimeSpan DefaultLifetime { get; } = TimeSpan.FromHours(1);

    /// <param name="secret">An HS256 secret of the router (<c>ROUTER_JWT_SECRET</c>), at least 32 bytes of UTF-8.</param>
    /// <param name="sub">The user id, matched against private events' <c>audience.users</c>.</param>
    /// <param name="publish">Publish selectors, e.g. <c>acme/*</c>.</param>
    /// <param name="subscribe">Subscribe selectors, e.g. <c>acme/town-hall</c>.</param>
    /// <param name="groups">Groups, matched against <c>audience.groups</c>.</param>
    /// <param name="roles">Roles, matched against <c>audience.roles</c>.</param>
    /// <param name="lifetime">Time until <c>exp</c>; default one hour.</param>
    /// <param name="time">The clock (tests); the system clock by default.</param>
    /// <param name="issuer">An <c>iss</c> claim, for a router configured with <c>router.auth.issuer</c>.</param>
    /// <param name="audience">An <c>aud</c> claim, for a router configured with <c>router.auth.audience</c>.</param>
    public static string Mint(
        string secret,
        string sub,
        IEnumerable<string> publish,
        IEnumerable<string> subscribe,
        IEnumerable<string>? groups = null,
        IEnumerable<string>? roles = null,
        TimeSpan? lifetime = null,
        TimeProvider? time = null,
        string? issuer = null,
        string? audience = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var key = Encoding.UTF8.GetBytes(secret);
        if (key.Length < SigningKeys.MinSecretBytes)
        {
            throw new ArgumentException($"An HS256 secret must be at least {SigningKeys.MinSecretBytes} bytes; this one is {key.Length}.", nameof(secret));
        }
        var now = (time ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        var descriptor = new SecurityTokenDescriptor
        {
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + (lifetime ?? DefaultLifetime),
            Issuer = string.IsNullOrEmpty(issuer) ? null : issuer,
            Audience = string.IsNullOrEmpty(audience) ? null : audience,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = sub,
                ["router"] = new Dictionary<string, object>
                {
                    ["publish"] = publish.ToArray(),
                    ["subscribe"] = subscribe.ToArray(),
                    ["groups"] = (groups ?? []).ToArray(),
                    ["roles"] = (roles ?? []).ToArray(),
                },
            },
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}

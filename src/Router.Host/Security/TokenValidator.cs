using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Router.Host.Security;

/// <summary>
/// Validates a JWT with Microsoft's <see cref="JsonWebTokenHandler"/> (signature, <c>exp</c>/<c>nbf</c> with the
/// clock skew, optional <c>iss</c>/<c>aud</c>) and reads the router's claims. Only HS256, RS256 and ES256 are
/// accepted, each only with its own kind of key: <c>alg: none</c> has no key, and an HS256 token "signed"
/// with an RSA public key (the HS/RS confusion attack) is refused because an HMAC algorithm may only be
/// verified with a symmetric key.
/// </summary>
internal sealed class TokenValidator
{
    private const int MaxListEntries = 1000;
    private const int MaxEntryLength = 256;

    private static readonly HashSet<string> s_algorithms = [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256];

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters;

    public TokenValidator(IReadOnlyList<SecurityKey> keys, AuthOptions options, TimeProvider time)
    {
        _parameters = new TokenValidationParameters
        {
            IssuerSigningKeys = keys,
            TryAllIssuerSigningKeys = true,
            RequireSignedTokens = true,
            ValidAlgorithms = s_algorithms,
            AlgorithmValidator = static (algorithm, key, _, _) => IsAllowed(algorithm, key),
            ValidateIssuerSigningKey = false,
            ValidateIssuer = !string.IsNullOrEmpty(options.Issuer),
            ValidIssuer = NullIfEmpty(options.Issuer),
            ValidateAudience = !string.IsNullOrEmpty(options.Audience),
            ValidAudience = NullIfEmpty(options.Audience),
            ValidateLifetime = true,
            // Like Mercure, a token without exp is accepted (a long-lived backend publisher); one with exp expires.
            RequireExpirationTime = false,
            ClockSkew = options.ClockSkew,
            // The library reads the system clock; the router's injected clock decides instead (convention 7),
            // so expiry is tested with a manual clock like every other timer.
            LifetimeValidator = (notBefore, expires, _, parameters) => IsWithinLifetime(notBefore, expires, time.GetUtcNow().UtcDateTime, parameters.ClockSkew),
        };
    }

    /// <summary>The principal, or why the token is refused (a short reason for the 401, never the token).</summary>
    public async Task<(RouterPrincipal? Principal, string? Error)> ValidateAsync(string token)
    {
        TokenValidationResult result;
        try
        {
            result = await _handler.ValidateTokenAsync(token, _parameters);
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or JsonException)
        {
            return (null, "The token is malformed.");
        }
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return (null, Reason(result.Exception));
        }
        return ReadClaims(jwt);
    }

    /// <summary>Expired and not-yet-valid are worth telling a client (it should fetch a new token); the rest is just "not valid".</summary>
    private static string Reason(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SecurityTokenExpiredException:
                    return "The token has expired.";
                case SecurityTokenNotYetValidException:
                    return "The token is not valid yet.";
            }
        }
        return "The token is not valid.";
    }

    /// <summary><c>nbf - skew &lt;= now &lt;= exp + skew</c>; throws the library's own exceptions so the 401 can say which.</summary>
    private static bool IsWithinLifetime(DateTime? notBefore, DateTime? expires, DateTime now, TimeSpan skew)
    {
        if (notBefore is { } nbf && expires is { } end && nbf > end)
        {
            throw new SecurityTokenInvalidLifetimeException("nbf is after exp.");
        }
        if (notBefore is { } start && start > now + skew)
        {
            throw new SecurityTokenNotYetValidException("The token is not valid yet.") { NotBefore = start };
        }
        if (expires is { } exp && exp < now - skew)
        {
            throw new SecurityTokenExpiredException("The token has expired.") { Expires = exp };
        }
        return true;
    }

    /// <summary>Each algorithm with its own key type only; a JWK must also agree with its own <c>alg</c>, if it names one.</summary>
    internal static bool IsAllowed(string algorithm, SecurityKey key)
    {
        if (!s_algorithms.Contains(algorithm))
        {
            return false;
        }
        var expected = key switch
        {
            SymmetricSecurityKey => SecurityAlgorithms.HmacSha256,
            RsaSecurityKey => SecurityAlgorithms.RsaSha256,
            ECDsaSecurityKey => SecurityAlgorithms.EcdsaSha256,
            JsonWebKey { Kty: JsonWebAlgorithmsKeyTypes.Octet } => SecurityAlgorithms.HmacSha256,
            JsonWebKey { Kty: JsonWebAlgorithmsKeyTypes.RSA } => SecurityAlgorithms.RsaSha256,
            JsonWebKey { Kty: JsonWebAlgorithmsKeyTypes.EllipticCurve } => SecurityAlgorithms.EcdsaSha256,
            _ => null,
        };
        if (key is JsonWebKey { Alg: { Length: > 0 } declared } && declared != algorithm)
        {
            return false;
        }
        return algorithm == expected;
    }

    /// <summary>
    /// Reads <c>sub</c>, <c>exp</c> and the <c>router</c> claim from the validated payload. A malformed router claim
    /// refuses the token (401) rather than silently granting less or more than its issuer meant.
    /// </summary>
    private static (RouterPrincipal?, string?) ReadClaims(JsonWebToken jwt)
    {
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
        var root = payload.RootElement;
        string? subject = null;
        if (root.TryGetProperty("sub", out var sub))
        {
            if (sub.ValueKind != JsonValueKind.String || !IsCleanEntry(sub.GetString()!))
            {
                return (null, "The token's sub claim must be a non-empty string without control characters.");
            }
            subject = sub.GetString();
        }
        DateTimeOffset? expiresAt = null;
        if (root.TryGetProperty("exp", out var exp) && exp.TryGetDouble(out var seconds))
        {
            expiresAt = DateTimeOffset.UnixEpoch.AddSeconds(Math.Clamp(seconds, 0, 253402300799));
        }
        if (!root.TryGetProperty("router", out var router))
        {
            // Authenticated, entitled to nothing: every stream and publish is a 403.
            return (RouterPrincipal.FromToken(subject, SelectorSet.Empty, SelectorSet.Empty, [], [], expiresAt), null);
        }
        if (router.ValueKind != JsonValueKind.Object
            || !TryReadList(router, "publish", out var publish)
            || !TryReadList(router, "subscribe", out var subscribe)
            || !TryReadList(router, "groups", out var groups)
            || !TryReadList(router, "roles", out var roles))
        {
            return (null, "The token's router claim must be an object of string arrays: publish, subscribe, groups, roles.");
        }
        var publishSelectors = new List<StreamSelector>();
        var subscribeSelectors = new List<StreamSelector>();
        foreach (var (texts, selectors) in new[] { (publish, publishSelectors), (subscribe, subscribeSelectors) })
        {
            foreach (var text in texts)
            {
                if (!StreamSelector.TryParse(text, out var selector))
                {
                    return (null, "The token's router claim holds a selector that is not tenant/queue-pattern.");
                }
                selectors.Add(selector!);
            }
        }
        return (RouterPrincipal.FromToken(subject, new SelectorSet(publishSelectors), new SelectorSet(subscribeSelectors), groups, roles, expiresAt), null);
    }

    private static bool TryReadList(JsonElement router, string name, out List<string> values)
    {
        values = [];
        if (!router.TryGetProperty(name, out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return true;
        }
        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() > MaxListEntries)
        {
            return false;
        }
        foreach (var entry in list.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.String || !IsCleanEntry(entry.GetString()!))
            {
                return false;
            }
            values.Add(entry.GetString()!);
        }
        return true;
    }

    private static bool IsCleanEntry(string text) => text.Length is > 0 and <= MaxEntryLength && !text.Any(char.IsControl);

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}

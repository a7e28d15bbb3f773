using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using Router.Host.Security;

namespace Router.Host.Security;

/// <summary>Tokens for tests: honest ones minted like <c>router token</c>, and the forgeries an attacker would try.</summary>
internal static class TestTokens
{
    public const string Secret = "test-secret-that-is-long-enough-for-hs256!";

    public const string OtherSecret = "another-secret-that-is-long-enough-for-hs256";

    /// <summary>Router settings for a host that validates tokens signed with <see cref="Secret"/>.</summary>
    public static Dictionary<string, string?> JwtSettings() => new() { ["router:auth:jwtsecret"] = Secret };

    public static string Mint(
        string[]? publish = null,
        string[]? subscribe = null,
        string sub = "alice",
        string[]? groups = null,
        string[]? roles = null,
        TimeSpan? lifetime = null,
        string secret = Secret,
        TimeProvider? time = null) =>
        DevTokens.Mint(secret, sub, publish ?? [], subscribe ?? [], groups, roles, lifetime, time);

    /// <summary>A token with the given header and payload JSON, signed by <paramref name="sign"/> over <c>header.payload</c>.</summary>
    public static string Craft(string header, string payload, Func<byte[], byte[]>? sign)
    {
        var signingInput = Base64UrlEncoder.Encode(header) + "." + Base64UrlEncoder.Encode(payload);
        var signature = sign is null ? "" : Base64UrlEncoder.Encode(sign(Encoding.ASCII.GetBytes(signingInput)));
        return signingInput + "." + signature;
    }

    public static string Payload(string routerClaim = """{"publish":["acme/*"],"subscribe":["acme/*"]}""", long? exp = null, long? nbf = null, string sub = "alice")
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var nbfPart = nbf is { } n ? $",\"nbf\":{n}" : "";
        return $$"""{"sub":"{{sub}}","iat":{{now}},"exp":{{exp ?? now + 3600}}{{nbfPart}},"router":{{routerClaim}}}""";
    }

    public static Func<byte[], byte[]> Hmac(string secret) => input => HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), input);

    public static Func<byte[], byte[]> Hmac(byte[] key) => input => HMACSHA256.HashData(key, input);

    public static Func<byte[], byte[]> Rsa(RSA rsa) => input => rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    /// <summary>JWS ES256 signatures are the raw r||s form, which is what .NET's IeeeP1363 format produces.</summary>
    public static Func<byte[], byte[]> Ecdsa(ECDsa ec) => input => ec.SignData(input, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <summary>Writes <paramref name="pem"/> to a temporary file and returns its path.</summary>
    public static string WriteTemp(string pem, string extension = ".pem")
    {
        var path = Path.Combine(Path.GetTempPath(), "router-tests", Guid.NewGuid().ToString("N") + extension);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, pem);
        return path;
    }

    public static string JsonWebKeySetOf(RSA rsa, string kid)
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false)) { KeyId = kid });
        return $$"""{"keys":[{"kty":"RSA","kid":"{{kid}}","use":"sig","alg":"RS256","n":"{{jwk.N}}","e":"{{jwk.E}}"}]}""";
    }

    public static Action<HttpRequestMessage> Bearer(string token) => request => request.Headers.Authorization = new("Bearer", token);
}

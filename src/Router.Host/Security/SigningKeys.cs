using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Router.Host.Security;

/// <summary>
/// Loads the verification keys of <c>router.auth</c> once, at start-up: HS256 secrets, RSA/EC PEM files and a
/// JWKS file. Every problem is a <see cref="StartupRefusedException"/> naming the key at fault, never a
/// router that starts and then rejects every token.
/// </summary>
internal static class SigningKeys
{
    /// <summary>HS256 needs a key at least as long as its hash (RFC 7518 §3.2); the library enforces it too.</summary>
    public const int MinSecretBytes = 32;

    public static IReadOnlyList<SecurityKey> Load(AuthOptions options)
    {
        var keys = new List<SecurityKey>();
        var secrets = new List<(string Name, string Value)>();
        if (!string.IsNullOrEmpty(options.JwtSecret))
        {
            secrets.Add(("router.auth.jwt-secret", options.JwtSecret));
        }
        for (var i = 0; i < options.HmacSecrets.Count; i++)
        {
            if (!string.IsNullOrEmpty(options.HmacSecrets[i]))
            {
                secrets.Add(($"router.auth.hmac-secrets[{i}]", options.HmacSecrets[i]));
            }
        }
        foreach (var (name, value) in secrets)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            if (bytes.Length < MinSecretBytes)
            {
                throw new StartupRefusedException($"{name} is {bytes.Length} bytes; an HS256 secret must be at least {MinSecretBytes} bytes (e.g. `openssl rand -base64 48`).");
            }
            keys.Add(new SymmetricSecurityKey(bytes));
        }
        foreach (var file in options.PublicKeyFiles.Where(f => !string.IsNullOrWhiteSpace(f)))
        {
            keys.Add(LoadPem(file));
        }
        if (!string.IsNullOrWhiteSpace(options.JwksFile))
        {
            keys.AddRange(LoadJwks(options.JwksFile));
        }
        return keys;
    }

    private static SecurityKey LoadPem(string file)
    {
        var pem = ReadFile(file, "router.auth.public-key-files");
        if (pem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            using var certificate = X509Certificate2.CreateFromPem(pem);
            if (certificate.GetRSAPublicKey() is { } certificateRsa)
            {
                return Rsa(certificateRsa, file);
            }
            if (certificate.GetECDsaPublicKey() is { } certificateEc)
            {
                return EcP256(certificateEc, file);
            }
            throw new StartupRefusedException($"The certificate in {file} holds neither an RSA nor an EC key.");
        }
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return Rsa(rsa, file);
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
        }
        var ec = ECDsa.Create();
        try
        {
            ec.ImportFromPem(pem);
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException)
        {
            ec.Dispose();
            throw new StartupRefusedException($"{file} holds no RSA or EC public key in PEM form (-----BEGIN PUBLIC KEY-----).");
        }
        return EcP256(ec, file);
    }

    private static RsaSecurityKey Rsa(RSA rsa, string file) =>
        rsa.KeySize >= 2048
            ? new RsaSecurityKey(rsa)
            : throw new StartupRefusedException($"The RSA key in {file} has {rsa.KeySize} bits; RS256 needs at least 2048.");

    private static ECDsaSecurityKey EcP256(ECDsa ec, string file) =>
        ec.KeySize == 256
            ? new ECDsaSecurityKey(ec)
            : throw new StartupRefusedException($"The EC key in {file} is on a {ec.KeySize}-bit curve; ES256 needs P-256.");

    private static IEnumerable<SecurityKey> LoadJwks(string file)
    {
        var json = ReadFile(file, "router.auth.jwks-file");
        JsonWebKeySet set;
        try
        {
            set = new JsonWebKeySet(json);
        }
        catch (ArgumentException exception)
        {
            throw new StartupRefusedException($"router.auth.jwks-file {file} is not a JWKS document: {exception.Message}");
        }
        var keys = set.Keys.Where(k => k.Kty is JsonWebAlgorithmsKeyTypes.RSA or JsonWebAlgorithmsKeyTypes.EllipticCurve or JsonWebAlgorithmsKeyTypes.Octet).ToList();
        if (keys.Count == 0)
        {
            throw new StartupRefusedException($"router.auth.jwks-file {file} holds no RSA, EC or oct key.");
        }
        return keys;
    }

    private static string ReadFile(string file, string key)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new StartupRefusedException($"{key}: cannot read {file}: {exception.Message}");
        }
    }
}

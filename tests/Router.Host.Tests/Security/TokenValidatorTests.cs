using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Router.Tenants;
using Router.TestKit;

namespace Router.Host.Security;

/// <summary>
/// JWT validation (SPEC §8): what is accepted, and every forgery that must be a 401. Keys are loaded through
/// <see cref="SigningKeys"/> exactly as the router loads them from <c>router.auth</c>.
/// </summary>
public sealed class TokenValidatorTests
{
    private static readonly TenantId s_acme = TenantId.Parse("acme");

    private static TokenValidator Validator(AuthOptions? options = null, TimeProvider? time = null)
    {
        options ??= Options(jwtSecret: TestTokens.Secret);
        return new TokenValidator(SigningKeys.Load(options), options, time ?? TimeProvider.System);
    }

    private static AuthOptions Options(string jwtSecret = "", string[]? hmac = null, string[]? pemFiles = null, string jwks = "", string issuer = "", string audience = "") => new()
    {
        Mode = "auto",
        JwtSecret = jwtSecret,
        HmacSecrets = [.. hmac ?? []],
        PublicKeyFiles = [.. pemFiles ?? []],
        JwksFile = jwks,
        Issuer = issuer,
        Audience = audience,
        ClockSkew = TimeSpan.FromSeconds(30),
    };

    [Fact]
    public async Task Validate_MintedHs256_PrincipalCarriesSubSelectorsGroupsRolesAndExp()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var token = TestTokens.Mint(publish: ["acme/*"], subscribe: ["acme/town-hall"], sub: "alice", groups: ["staff"], roles: ["moderator"], lifetime: TimeSpan.FromMinutes(10), time: time);

        var (principal, error) = await Validator(time: time).ValidateAsync(token).DefaultTimeout();

        Assert.Null(error);
        Assert.NotNull(principal);
        Assert.Equal("alice", principal.Subject);
        Assert.True(principal.CanPublish(s_acme, null));
        Assert.True(principal.CanPublish(s_acme, "any"));
        Assert.True(principal.CanSubscribe(s_acme, "town-hall"));
        Assert.False(principal.CanSubscribe(s_acme, null));
        Assert.Equal(["staff"], principal.Groups);
        Assert.Equal(["moderator"], principal.Roles);
        Assert.Equal(time.GetUtcNow().AddMinutes(10).ToUnixTimeSeconds(), principal.ExpiresAt!.Value.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task Validate_SignedWithAnotherSecret_Refused()
    {
        var token = TestTokens.Mint(publish: ["acme/*"], secret: TestTokens.OtherSecret);

        var (principal, error) = await Validator().ValidateAsync(token).DefaultTimeout();

        Assert.Null(principal);
        Assert.Equal("The token is not valid.", error);
    }

    [Fact]
    public async Task Validate_RotatedSecrets_EachAccepted()
    {
        var validator = Validator(Options(jwtSecret: TestTokens.Secret, hmac: [TestTokens.OtherSecret]));

        Assert.NotNull((await validator.ValidateAsync(TestTokens.Mint(secret: TestTokens.Secret)).DefaultTimeout()).Principal);
        Assert.NotNull((await validator.ValidateAsync(TestTokens.Mint(secret: TestTokens.OtherSecret)).DefaultTimeout()).Principal);
    }

    [Fact]
    public async Task Validate_Expired_RefusedAsExpired()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var token = TestTokens.Mint(lifetime: TimeSpan.FromMinutes(1), time: time);
        time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(31));

        var (principal, error) = await Validator(time: time).ValidateAsync(token).DefaultTimeout();

        Assert.Null(principal);
        Assert.Equal("The token has expired.", error);
    }

    [Fact]
    public async Task Validate_ExpiredWithinClockSkew_Accepted()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var token = TestTokens.Mint(lifetime: TimeSpan.FromMinutes(1), time: time);
        time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(29));

        var (principal, _) = await Validator(time: time).ValidateAsync(token).DefaultTimeout();

        Assert.NotNull(principal);
    }

    [Fact]
    public async Task Validate_NotYetValid_RefusedAsNotYetValid()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var token = TestTokens.Craft("""{"alg":"HS256","typ":"JWT"}""", TestTokens.Payload(nbf: now + 120, exp: now + 3600), TestTokens.Hmac(TestTokens.Secret));

        var (principal, error) = await Validator().ValidateAsync(token).DefaultTimeout();

        Assert.Null(principal);
        Assert.Equal("The token is not valid yet.", error);
    }

    [Fact]
    public async Task Validate_CraftedHs256WithRightSecret_Accepted()
    {
        // The control for the forgeries below: the same crafting with the real secret passes.
        var token = TestTokens.Craft("""{"alg":"HS256","typ":"JWT"}""", TestTokens.Payload(), TestTokens.Hmac(TestTokens.Secret));

        var (principal, _) = await Validator().ValidateAsync(token).DefaultTimeout();

        Assert.NotNull(principal);
    }

    [Theory]
    [InlineData("""{"alg":"none","typ":"JWT"}""")]
    [InlineData("""{"alg":"None","typ":"JWT"}""")]
    [InlineData("""{"alg":"NONE"}""")]
    public async Task Validate_AlgNoneWithoutSignature_Refused(string header)
    {
        var token = TestTokens.Craft(header, TestTokens.Payload(), sign: null);

        var (principal, _) = await Validator().ValidateAsync(token).DefaultTimeout();

        Assert.Null(principal);
    }

    [Fact]
    public async Task Validate_AlgNoneWithHmacSignature_Refused()
    {
        var token = TestTokens.Craft("""{"alg":"none"}""", TestTokens.Payload(), TestTokens.Hmac(TestTokens.Secret));

        var (principal, _) = await Validator().ValidateAsync(token).DefaultTimeout();

        Assert.Null(principal);
    }

    [Theory]
    [InlineData("HS384")]
    [InlineData("HS512")]
    public async Task Validate_OtherHmacAlgorithmWithRightSecret_Refused(string algorithm)
    {
        var token = TestTokens.Craft($$"""{"alg":"{{algorithm}}"}""", TestTokens.Payload(),
            algorithm == "HS384"
                ? input => HMACSHA384.HashData(System.Text.Encoding.UTF8.GetBytes(TestTokens.Secret), input)
                : input => HMACSHA512.HashData(System.Text.Encoding.UTF8.GetBytes(TestTokens.Secret), input));

        var (principal, _) = await Validator().ValidateAsync(token).DefaultTimeout();

        Assert.Null(principal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Validate_HmacSignedWithTheRsaPublicKey_Refused(bool hmacSecretAlsoConfigured)
    {
        // HS/RS confusion: the attacker knows the public key and uses its bytes as an HMAC secret.
        using var rsa = RSA.Create(2048);
        var publicPem = rsa.ExportSubjectPublicKeyInfoPem();
        var validator = Validator(Options(jwtSecret: hmacSecretAlsoConfigured ? TestTokens.Secret : "", pemFiles: [TestTokens.WriteTemp(publicPem)]));
        var forged = TestTokens.Craft("""{"alg":"HS256","typ":"JWT"}""", TestTokens.Payload(), TestTokens.Hmac(System.Text.Encoding.ASCII.GetBytes(publicPem)));
        var forgedDer = TestTokens.Craft("""{"alg":"HS256","typ":"JWT"}""", TestTokens.Payload(), TestTokens.Hmac(rsa.ExportSubjectPublicKeyInfo()));

        Assert.Null((await validator.ValidateAsync(forged).DefaultTimeout()).Principal);
        Assert.Null((await validator.ValidateAsync(forgedDer).DefaultTimeout()).Principal);
    }

    [Fact]
    public async Task Validate_Rs256FromPemFile_AcceptedAndHmacTokenRefusedWithoutSecret()
    {
        using var rsa = RSA.Create(2048);
        var validator = Validator(Options(pemFiles: [TestTokens.WriteTemp(rsa.ExportSubjectPublicKeyInfoPem())]));
        var token = TestTokens.Craft("""{"alg":"RS256","typ":"JWT"}""", TestTokens.Payload(), TestTokens.Rsa(rsa));

        Assert.NotNull((await validator.ValidateAsync(token).DefaultTimeout()).Principal);
        Assert.Null((await validator.ValidateAsync(TestTokens.Mint()).DefaultTimeout()).Principal);
    }

    [Fact]
    public async Task Validate_Rs256SignedByAnotherKey_Refused()
    {
        using var rsa = RSA.Create(2048);
        using var attacker = RSA.Create(2048);
        var validator = Validator(Options(pemFiles: [TestTokens.WriteTemp(rsa.ExportSubjectPublicKeyInfoPem())]));
        var token = TestTokens.Craft("""{"alg":"RS256"}""", TestTokens.Payload(), TestTokens.Rsa(attacker));

        Assert.Null((await validator.ValidateAsync(token).DefaultTimeout()).Principal);
    }

    [Fact]
    public async Task Validate_Es256FromPemFile_Accepted()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var validator = Validator(Options(pemFiles: [TestTokens.WriteTemp(ec.ExportSubjectPublicKeyInfoPem())]));
        var token = TestTokens.Craft("""{"alg":"ES256","typ":"JWT"}""", TestTokens.Payload(), TestTokens.Ecdsa(ec));

        Assert.NotNull((await validator.ValidateAsync(token).DefaultTimeout()).Principal);
    }

    [Fact]
    public async Task Validate_EcKeyClaimedAsRs256_Refused()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var validator = Validator(Options(pemFiles: [TestTokens.WriteTemp(ec.ExportSubjectPublicKeyInfoPem())]));
        var token = TestTokens.Craft("""{"alg":"RS256"}""", TestTokens.Payload(), TestTokens.Ecdsa(ec));

        Assert.Null((await validator.ValidateAsync(token).DefaultTimeout()).Principal);
    }

    [Fact]
    public async Task Validate_Rs256FromJwksFile_AcceptedWithKid()
    {
        using var rsa = RSA.Create(2048);
        var validator = Validator(Options(jwks: TestTokens.WriteTemp(TestTokens.JsonWebKeySetOf(rsa, "k1"), ".json")));
        var token = TestTokens.Craft("""{"alg":"RS256","typ":"JWT","kid":"k1"}""", TestTokens.Payload(), TestTokens.Rsa(rsa));
        var hmacForgery = TestTokens.Craft("""{"alg":"HS256","kid":"k1"}""", TestTokens.Payload(), TestTokens.Hmac(rsa.ExportSubjectPublicKeyInfo()));

        Assert.NotNull((await validator.ValidateAsync(token).DefaultTimeout()).Principal);
        Assert.Null((await validator.ValidateAsync(hmacForgery).DefaultTimeout()).Principal);
    }

    [Fact]
    public async Task Validate_TamperedPayload_Refused()
    {
        var token = TestTokens.Mint(publish: ["acme/town-hall"]);
        var parts = token.Split('.');
        var widened = TestTokens.Payload("""{"publish":["*/*"],"subscribe":["*/*"]}""");
        var tampered = parts[0] + "." + Base64UrlEncoder.Encode(widened) + "." + parts[2];

        var (principal, _) = await Validator().ValidateAsync(tampered).DefaultTimeout();

        Assert.Null(principal);
    }

    [Fact]
    public async Task Validate_TamperedSignature_Refused()
    {
        var token = TestTokens.Mint();
        var flipped = token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];

        Assert.Null((await Validator().ValidateAsync(flipped).DefaultTimeout()).Principal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("a.b.c")]
    [InlineData("a.b")]
    [InlineData("....")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.e30.")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln")]
    public async Task Validate_Garbage_Refused(string token)
    {
        var (principal, error) = await Validator().ValidateAsync(token).DefaultTimeout();

        Assert.Null(principal);
        Assert.NotNull(error);
    }

    [Theory]
    [InlineData("https://issuer.example", "router", "https://issuer.example", "router", true)]
    [InlineData("https://issuer.example", "", "https://evil.example", null, false)]
    [InlineData("", "router", null, "other", false)]
    [InlineData("", "router", null, null, false)]
    [InlineData("https://issuer.example", "", null, null, false)]
    public async Task Validate_IssuerAndAudience_CheckedWhenConfigured(string issuer, string audience, string? tokenIssuer, string? tokenAudience, bool accepted)
    {
        var validator = Validator(Options(jwtSecret: TestTokens.Secret, issuer: issuer, audience: audience));
        var token = DevTokens.Mint(TestTokens.Secret, "alice", [], [], issuer: tokenIssuer, audience: tokenAudience);

        Assert.Equal(accepted, (await validator.ValidateAsync(token).DefaultTimeout()).Principal is not null);
    }

    [Theory]
    [InlineData("""{"publish":"acme/*"}""")]
    [InlineData("""{"subscribe":[1]}""")]
    [InlineData("""{"subscribe":["acme/Town"]}""")]
    [InlineData("""{"subscribe":["acme/town/hall"]}""")]
    [InlineData("""{"subscribe":[""]}""")]
    [InlineData("""{"groups":[{"a":1}]}""")]
    [InlineData("""["acme/*"]""")]
    [InlineData("\"acme/*\"")]
    public async Task Validate_MalformedRouterClaim_Refused(string routerClaim)
    {
        var token = TestTokens.Craft("""{"alg":"HS256"}""", TestTokens.Payload(routerClaim), TestTokens.Hmac(TestTokens.Secret));

        var (principal, error) = await Validator().ValidateAsync(token).DefaultTimeout();

        Assert.Null(principal);
        Assert.Contains("router claim", error);
    }

    [Fact]
    public async Task Validate_NoRouterClaim_AuthenticatedWithNoRights()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var token = TestTokens.Craft("""{"alg":"HS256"}""", $$"""{"sub":"alice","exp":{{now + 60}}}""", TestTokens.Hmac(TestTokens.Secret));

        var (principal, _) = await Validator().ValidateAsync(token).DefaultTimeout();

        Assert.NotNull(principal);
        Assert.False(principal.CanPublish(s_acme, null));
        Assert.False(principal.CanSubscribeAnywhereIn(s_acme));
    }

    [Fact]
    public async Task Validate_NoExp_AcceptedAndNeverExpires()
    {
        var token = TestTokens.Craft("""{"alg":"HS256"}""", """{"sub":"backend","router":{"publish":["acme/*"]}}""", TestTokens.Hmac(TestTokens.Secret));

        var (principal, _) = await Validator().ValidateAsync(token).DefaultTimeout();

        Assert.NotNull(principal);
        Assert.Null(principal.ExpiresAt);
    }

    [Theory]
    [InlineData("HS256", "Symmetric", true)]
    [InlineData("RS256", "Symmetric", false)]
    [InlineData("HS256", "Rsa", false)]
    [InlineData("RS256", "Rsa", true)]
    [InlineData("ES256", "Rsa", false)]
    [InlineData("ES256", "Ec", true)]
    [InlineData("HS256", "Ec", false)]
    [InlineData("none", "Symmetric", false)]
    [InlineData("PS256", "Rsa", false)]
    public void IsAllowed_AlgorithmAndKeyType_OnlyMatchingPairs(string algorithm, string keyType, bool allowed)
    {
        using var rsa = RSA.Create(2048);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        SecurityKey key = keyType switch
        {
            "Symmetric" => new SymmetricSecurityKey(new byte[32]),
            "Rsa" => new RsaSecurityKey(rsa),
            _ => new ECDsaSecurityKey(ec),
        };

        Assert.Equal(allowed, TokenValidator.IsAllowed(algorithm, key));
    }
}

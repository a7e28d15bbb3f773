using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Router.TestKit;

namespace Router.Host.Security;

/// <summary>
/// Start-up rules (SPEC §8): without keys the router runs open on loopback only; a public address without
/// keys refuses to start with a message saying what to do, unless <c>router.auth.mode = open</c>.
/// <see cref="RouterApp.Build"/> decides before Kestrel binds anything, so refusals are checked without a socket.
/// </summary>
public sealed class ProtectedModeTests
{
    private static Dictionary<string, string?> Settings(string urls, string? mode = null, string? secret = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["router:urls"] = urls,
            ["router:journal:sqlite:path"] = Path.Combine(Path.GetTempPath(), "router-tests", Guid.NewGuid().ToString("N"), "router.db"),
        };
        if (mode is not null)
        {
            settings["router:auth:mode"] = mode;
        }
        if (secret is not null)
        {
            settings["router:auth:jwtsecret"] = secret;
        }
        return settings;
    }

    [Theory]
    [InlineData("http://0.0.0.0:5080")]
    [InlineData("http://*:5080")]
    [InlineData("http://+:5080")]
    [InlineData("http://[::]:5080")]
    [InlineData("http://router.example:5080")]
    [InlineData("http://192.168.1.10:5080")]
    [InlineData("http://127.0.0.1:5080;http://0.0.0.0:5081")]
    public void Build_NoKeysNonLoopbackUrl_RefusesNamingTheAddressAndTheWayOut(string urls)
    {
        var refused = Assert.Throws<StartupRefusedException>(() => RouterApp.Build([], Settings(urls)));

        Assert.Contains("without authentication", refused.Message);
        Assert.Contains("ROUTER_JWT_SECRET", refused.Message);
        Assert.Contains("router.auth.mode = open", refused.Message);
        Assert.DoesNotContain("127.0.0.1:5080,", refused.Message);
    }

    [Fact]
    public void Build_NoKeysKestrelEndpointOnPublicAddress_Refuses()
    {
        // Kestrel binds its own Endpoints section (Kestrel__Endpoints__Public__Url=…) instead of router.urls.
        var settings = Settings("http://127.0.0.1:0");
        settings["Kestrel:Endpoints:Public:Url"] = "http://0.0.0.0:5081";

        var refused = Assert.Throws<StartupRefusedException>(() => RouterApp.Build([], settings));

        Assert.Contains("http://0.0.0.0:5081", refused.Message);
    }

    [Fact]
    public async Task Build_NoKeysKestrelEndpointOnLoopback_BuildsOpenLoopback()
    {
        var settings = Settings("http://127.0.0.1:0");
        settings["Kestrel:Endpoints:Local:Url"] = "http://127.0.0.1:0";

        await using var app = RouterApp.Build([], settings);

        Assert.Equal(AuthMode.OpenLoopback, app.Services.GetRequiredService<AccessControl>().Mode);
    }

    [Theory]
    [InlineData("http://127.0.0.1:0")]
    [InlineData("http://localhost:0")]
    [InlineData("http://[::1]:0")]
    [InlineData("http://127.0.0.2:0")]
    public async Task Build_NoKeysLoopbackUrl_BuildsOpenLoopback(string urls)
    {
        await using var app = RouterApp.Build([], Settings(urls));

        Assert.Equal(AuthMode.OpenLoopback, app.Services.GetRequiredService<AccessControl>().Mode);
    }

    [Fact]
    public async Task Build_NoKeysPublicUrlModeOpen_BuildsOpen()
    {
        await using var app = RouterApp.Build([], Settings("http://0.0.0.0:5080", mode: "open"));

        Assert.Equal(AuthMode.Open, app.Services.GetRequiredService<AccessControl>().Mode);
    }

    [Fact]
    public async Task Build_KeyAndPublicUrl_BuildsJwt()
    {
        await using var app = RouterApp.Build([], Settings("http://0.0.0.0:5080", secret: TestTokens.Secret));

        Assert.Equal(AuthMode.Jwt, app.Services.GetRequiredService<AccessControl>().Mode);
    }

    [Fact]
    public void Build_ModeJwtWithoutKeys_Refuses()
    {
        var refused = Assert.Throws<StartupRefusedException>(() => RouterApp.Build([], Settings("http://127.0.0.1:0", mode: "jwt")));

        Assert.Contains("no key is configured", refused.Message);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("0123456789012345678901234567890")]
    public void Build_SecretShorterThan32Bytes_Refuses(string secret)
    {
        var refused = Assert.Throws<StartupRefusedException>(() => RouterApp.Build([], Settings("http://127.0.0.1:0", secret: secret)));

        Assert.Contains("at least 32 bytes", refused.Message);
        Assert.DoesNotContain(secret, refused.Message);
    }

    [Theory]
    [InlineData("router:auth:mode", "sometimes")]
    [InlineData("router:auth:publickeyfiles:0", "/nonexistent/key.pem")]
    [InlineData("router:auth:jwksfile", "/nonexistent/jwks.json")]
    [InlineData("router:auth:clockskew", "-00:00:01")]
    public void Build_UnusableAuthSetting_RefusesWithTheKeyName(string key, string value)
    {
        var settings = Settings("http://127.0.0.1:0");
        settings[key] = value;

        var refused = Assert.Throws<StartupRefusedException>(() => RouterApp.Build([], settings));

        Assert.Contains("router.auth.", refused.Message);
    }

    [Fact]
    public void Build_PemFileWithoutAKey_Refuses()
    {
        var settings = Settings("http://127.0.0.1:0");
        settings["router:auth:publickeyfiles:0"] = TestTokens.WriteTemp("not a key");

        var refused = Assert.Throws<StartupRefusedException>(() => RouterApp.Build([], settings));

        Assert.Contains("PEM", refused.Message);
    }

    [Fact]
    public async Task Ready_OpenLoopback_ReportsAuthModeAndAllowsEverything()
    {
        await using var host = await RouterTestHost.StartAsync();

        using var ready = await host.Client.GetAsync("/ready").DefaultTimeout();
        using var json = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        using var publish = await host.PostRawAsync("acme", """{"type":"x.v1","queue":"q"}""");

        Assert.Equal("open-loopback", json.RootElement.GetProperty("auth").GetString());
        Assert.Equal(HttpStatusCode.Created, publish.StatusCode);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("https://127.10.0.1:443/base", true)]
    [InlineData("http://LOCALHOST:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://unix:/run/router.sock", true)]
    [InlineData("http://[::]:5080", false)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://localhost.example:5080", false)]
    [InlineData("127.0.0.1:5080", false)]
    [InlineData("http://[::1:5080", false)]
    public void IsLoopback_Url_Expected(string url, bool loopback) => Assert.Equal(loopback, AuthSetup.IsLoopback(url));
}

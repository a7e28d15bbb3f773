using System.Net;
using Router.TestKit;

namespace Router.Host.WebConsole;

/// <summary>The console's files over HTTP: off by default, and when on, served with a strict content security policy.</summary>
public sealed class ConsoleEndpointTests
{
    private static readonly Dictionary<string, string?> s_enabled = new() { ["router:console:enabled"] = "true" };

    [Theory]
    [InlineData("/console/")]
    [InlineData("/console/console.js")]
    public async Task Console_ByDefault_IsNotFound(string path)
    {
        await using var host = await RouterTestHost.StartAsync();

        using var response = await host.Client.GetAsync(path).DefaultTimeout();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("/console/", "text/html", "<title>Router console</title>")]
    [InlineData("/console/console.js", "text/javascript", "export class RouterSubscription")]
    [InlineData("/console/console.css", "text/css", "#tail")]
    public async Task Console_Enabled_ServesItsFiles(string path, string contentType, string fragment)
    {
        await using var host = await RouterTestHost.StartAsync(s_enabled);

        using var response = await host.Client.GetAsync(path).DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains(fragment, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Console_WithoutTrailingSlash_RedirectsSoRelativeUrlsResolve()
    {
        await using var host = await RouterTestHost.StartAsync(s_enabled);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.Address };

        using var response = await client.GetAsync("/console").DefaultTimeout();

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console/", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("/console/app.js")]
    [InlineData("/console/..%2Frouter.conf")]
    public async Task Console_UnknownFile_IsNotFound(string path)
    {
        await using var host = await RouterTestHost.StartAsync(s_enabled);

        using var response = await host.Client.GetAsync(path).DefaultTimeout();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}

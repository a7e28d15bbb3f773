using System.Collections.Frozen;
using Microsoft.Extensions.Options;

namespace Router.Host.WebConsole;

/// <summary>
/// <c>GET /console/</c>: a static page (HTML, one JS module, CSS) embedded in the assembly, so the binary and
/// the container need no files beside them. The page holds no secret and no data: everything it shows comes
/// from the public API with the token the user pastes, so it is served without a token and stays behind the
/// same auth as any other client. Served only when <c>router.console.enabled</c> is true.
/// </summary>
internal static class ConsoleEndpoints
{
    public const string PathBase = "/console";

    // Everything the page loads is its own: no inline script, no third-party origin. connect-src 'self' covers
    // EventSource and fetch to the router that served the page.
    private const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private static readonly FrozenDictionary<string, string> s_contentTypes = new Dictionary<string, string>
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["console.js"] = "text/javascript; charset=utf-8",
        ["console.css"] = "text/css; charset=utf-8",
    }.ToFrozenDictionary();

    public static void MapConsole(this IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<IOptions<ConsoleOptions>>().Value.Enabled)
        {
            return;
        }
        var files = s_contentTypes.Keys.ToFrozenDictionary(name => name, ReadAsset);

        // Routing treats /console and /console/ alike; the page's relative URLs (console.js, ../v1/) need the slash.
        app.MapGet(PathBase, (HttpContext http) => http.Request.Path.Value!.EndsWith('/')
            ? Serve(http, "index.html", files)
            : Results.Redirect(http.Request.PathBase + PathBase + "/"));
        app.MapGet(PathBase + "/{file}", (string file, HttpContext http) => Serve(http, file, files));
    }

    private static IResult Serve(HttpContext http, string file, FrozenDictionary<string, byte[]> files)
    {
        if (!files.TryGetValue(file, out var content))
        {
            return Results.NotFound();
        }
        var headers = http.Response.Headers;
        // Small files, and an upgraded router must not run yesterday's script against today's API.
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
        return Results.Bytes(content, s_contentTypes[file]);
    }

    private static byte[] ReadAsset(string name)
    {
        var resource = "console/" + name;
        using var stream = typeof(ConsoleEndpoints).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The console asset '{resource}' is not embedded in the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

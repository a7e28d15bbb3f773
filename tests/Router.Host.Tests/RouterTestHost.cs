using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Router.TestKit;

namespace Router.Host;

/// <summary>
/// The real router (Kestrel, SQLite journal, shipped router.conf) on a free loopback port with its journal
/// in a temporary directory, plus helpers to publish and to open SSE streams as a client would.
/// </summary>
public sealed class RouterTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _directory;
    private readonly bool _keepDirectory;

    private RouterTestHost(WebApplication app, string directory, bool keepDirectory, Uri address)
    {
        _app = app;
        _directory = directory;
        _keepDirectory = keepDirectory;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = Timeout.InfiniteTimeSpan };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="keepDirectory">Keep the journal when disposed, so a second host can restart on it.</param>
    public static async Task<RouterTestHost> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, string? directory = null, bool keepDirectory = false, Action<IServiceCollection>? configureServices = null)
    {
        directory ??= Path.Combine(Path.GetTempPath(), "router-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var overrides = new Dictionary<string, string?>
        {
            ["router:urls"] = "http://127.0.0.1:0",
            ["router:journal:sqlite:path"] = Path.Combine(directory, "router.db"),
            ["router:journal:sqlite:synchronous"] = "normal",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            overrides[key] = value;
        }
        var app = RouterApp.Build([], overrides, configureServices);
        try
        {
            await app.StartAsync().DefaultTimeout();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new RouterTestHost(app, directory, keepDirectory, new Uri(address));
    }

    /// <summary>Posts a JSON body as-is; returns the response for the test to inspect.</summary>
    public Task<HttpResponseMessage> PostRawAsync(string tenant, string body, string contentType = "application/json", Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/tenants/{tenant}/events")
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        configure?.Invoke(request);
        return Client.SendAsync(request).DefaultTimeout();
    }

    /// <summary>Publishes events (JSON), with a Bearer token when given, and returns their sequences; fails the test on anything but 201.</summary>
    public async Task<IReadOnlyList<long>> PublishAsync(string tenant, string body, string? token = null)
    {
        using var response = await PostRawAsync(tenant, body, configure: token is null ? null : r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"{(int)response.StatusCode}: {text}");
        using var json = JsonDocument.Parse(text);
        return [.. json.RootElement.GetProperty("events").EnumerateArray().Select(e => long.Parse(e.GetProperty("sequence").GetString()!))];
    }

    /// <summary>Opens an SSE stream at <paramref name="path"/> (with query) and returns it once the headers arrived.</summary>
    public async Task<SseStream> StreamAsync(string path, string? lastEventId = null, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }
        configure?.Invoke(request);
        var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).DefaultTimeout();
        return new SseStream(response, response.IsSuccessStatusCode ? new SseReader(await response.Content.ReadAsStreamAsync()) : null);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync().DefaultTimeout();
        await _app.DisposeAsync();
        if (_keepDirectory)
        {
            return;
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still being released is left for the OS temp cleaner.
        }
    }
}

/// <summary>An open SSE response and its reader.</summary>
public sealed class SseStream(HttpResponseMessage response, SseReader? reader) : IAsyncDisposable
{
    public HttpResponseMessage Response { get; } = response;

    public SseReader Reader => reader ?? throw new InvalidOperationException($"The stream was refused: {(int)Response.StatusCode}.");

    /// <summary>The next event frame (not a control frame), as its SSE id and parsed envelope.</summary>
    public async Task<(long Id, JsonElement Envelope)> NextEventAsync()
    {
        var item = await Reader.NextNonHeartbeatAsync();
        Assert.True(item.EventType == "message" || item.EventType.Contains('.'), $"expected an event, got {item.EventType}: {item.Data}");
        return (long.Parse(item.EventId!), JsonDocument.Parse(item.Data).RootElement.Clone());
    }

    /// <summary>Reads the <c>connection</c> event that opens every stream.</summary>
    public async Task<JsonElement> ConnectionEventAsync()
    {
        var item = await Reader.NextAsync();
        Assert.Equal("connection", item.EventType);
        return JsonDocument.Parse(item.Data).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        if (reader is not null)
        {
            await reader.DisposeAsync();
        }
        Response.Dispose();
    }
}

using System.CommandLine;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Router.Host.Cli;

/// <summary><c>router publish</c>: posts one event (SPEC §3) and prints the router's answer. Exit 0 only on 201.</summary>
internal static class PublishCommand
{
    public static Command Create(CliConsole console)
    {
        var tenant = new Argument<string>("tenant") { Description = "The tenant, e.g. acme." };
        var url = UrlOption();
        var queue = new Option<string>("--queue", "-q") { Description = "The queue; without it the event is tenant-level.", HelpName = "queue" };
        var type = new Option<string>("--type", "-t") { Description = "The versioned event type, e.g. question.created.v1.", Required = true, HelpName = "type" };
        var data = new Option<string>("--data", "-d")
        {
            Description = "The event's data as JSON. '-' (or leaving it out with piped input) reads it from stdin. Default {}.",
            HelpName = "json",
        };
        var id = new Option<string>("--id") { Description = "The event id, also its idempotency key: re-posting it appends nothing.", HelpName = "id" };
        var token = TokenOption();
        var clientId = new Option<string>("--client-id") { Description = "Sent as X-Client-Id (echo filtering).", HelpName = "id" };

        var command = new Command("publish", """
            Publish one event and print the router's answer (the committed sequence). Examples:
              router publish acme --queue town-hall --type question.created.v1 --data '{"text":"Why SSE?"}'
              echo '{"text":"from stdin"}' | router publish acme -q town-hall -t question.created.v1
            Exit code 0 when the event is committed (201); see the README for the others.
            """)
        {
            tenant, url, queue, type, data, id, token, clientId,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var json = await ReadDataAsync(parseResult.GetValue(data), console, cancellationToken);
            if (json is null)
            {
                await console.Error.WriteLineAsync("--data is not valid JSON.");
                return ExitCodes.Usage;
            }
            var body = Body(parseResult.GetValue(type)!, parseResult.GetValue(queue), parseResult.GetValue(id), json);
            using var http = new HttpClient { BaseAddress = parseResult.GetValue(url), Timeout = TimeSpan.FromSeconds(30) };
            using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/tenants/{Uri.EscapeDataString(parseResult.GetValue(tenant)!)}/events")
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            Authorize(request, parseResult.GetValue(token));
            if (parseResult.GetValue(clientId) is { } client)
            {
                request.Headers.Add("X-Client-Id", client);
            }
            try
            {
                using var response = await http.SendAsync(request, cancellationToken);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    await console.Out.WriteLineAsync(text);
                    return ExitCodes.Ok;
                }
                await console.Error.WriteLineAsync($"{(int)response.StatusCode} {response.ReasonPhrase}: {text}");
                return IsRetryable(response.StatusCode) ? ExitCodes.Unavailable : ExitCodes.Rejected;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                await console.Error.WriteLineAsync($"Cannot reach the router at {parseResult.GetValue(url)}: {exception.Message}");
                return ExitCodes.Unavailable;
            }
        });
        return command;
    }

    public static Option<Uri> UrlOption() => new("--url")
    {
        Description = $"The router's address (default {RouterCli.DefaultUrl}).",
        DefaultValueFactory = _ => new Uri(RouterCli.DefaultUrl),
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                return uri;
            }
            result.AddError($"'{text}' is not an http(s) address like {RouterCli.DefaultUrl}.");
            return null;
        },
        HelpName = "url",
    };

    public static Option<string> TokenOption() => new("--token")
    {
        Description = "A JWT sent as 'Authorization: Bearer' (see 'router token'). Default: ROUTER_TOKEN.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ROUTER_TOKEN") ?? string.Empty,
        HelpName = "jwt",
    };

    public static void Authorize(HttpRequestMessage request, string? token)
    {
        if (!string.IsNullOrEmpty(token))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public static bool IsRetryable(HttpStatusCode status) => status == HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>The data as compact JSON, or null when it is not JSON.</summary>
    private static async Task<string?> ReadDataAsync(string? data, CliConsole console, CancellationToken cancellationToken)
    {
        var text = data switch
        {
            "-" => await console.In.ReadToEndAsync(cancellationToken),
            null when console.IsInputRedirected => await console.In.ReadToEndAsync(cancellationToken),
            null => "{}",
            _ => data,
        };
        if (string.IsNullOrWhiteSpace(text))
        {
            text = "{}";
        }
        try
        {
            using var document = JsonDocument.Parse(text);
            return JsonSerializer.Serialize(document.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Body(string type, string? queue, string? id, string data)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", type);
            if (queue is not null)
            {
                json.WriteString("queue", queue);
            }
            if (id is not null)
            {
                json.WriteString("id", id);
            }
            json.WritePropertyName("data");
            json.WriteRawValue(data, skipInputValidation: true);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}

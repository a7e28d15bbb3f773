using System.CommandLine;
using System.Net;

namespace Router.Host.Cli;

/// <summary>
/// <c>router health</c>: asks a running router's <c>/health</c> (or <c>/ready</c>) and exits 0 when it answers 200.
/// The container's HEALTHCHECK uses it because the ASP.NET runtime image has no curl or wget.
/// </summary>
internal static class HealthCommand
{
    public static Command Create(CliConsole console)
    {
        var url = PublishCommand.UrlOption();
        var ready = new Option<bool>("--ready") { Description = "Check /ready (journal reachable, not shutting down) instead of /health (process alive)." };
        var command = new Command("health", "Check a running router: exit 0 when /health (or /ready) answers 200, 4 otherwise.") { url, ready };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            using var http = new HttpClient { BaseAddress = parseResult.GetValue(url), Timeout = TimeSpan.FromSeconds(5) };
            try
            {
                using var response = await http.GetAsync(parseResult.GetValue(ready) ? "ready" : "health", cancellationToken);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                await (response.StatusCode == HttpStatusCode.OK ? console.Out : console.Error).WriteLineAsync(text);
                return response.StatusCode == HttpStatusCode.OK ? ExitCodes.Ok : ExitCodes.Unavailable;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                await console.Error.WriteLineAsync($"Cannot reach the router at {parseResult.GetValue(url)}: {exception.Message}");
                return ExitCodes.Unavailable;
            }
        });
        return command;
    }
}

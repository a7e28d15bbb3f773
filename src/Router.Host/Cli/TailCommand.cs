using System.CommandLine;
using System.Net;
using System.Net.ServerSentEvents;
using System.Runtime.InteropServices;

namespace Router.Host.Cli;

/// <summary>
/// <c>router tail</c>: follows a stream (SPEC §4) and prints each event's envelope as one JSON line on stdout;
/// control frames (connection, reset, shutdown) go to stderr prefixed with <c>#</c>, so stdout pipes into jq.
/// When the stream ends it reconnects after the server's <c>retry</c> with <c>Last-Event-ID</c>, as a browser
/// would, so nothing is missed or repeated. Ctrl-C (or SIGTERM) ends it with exit code 0.
/// </summary>
internal static class TailCommand
{
    public static Command Create(CliConsole console, CancellationToken stop)
    {
        var tenant = new Argument<string>("tenant") { Description = "The tenant, e.g. acme." };
        var url = PublishCommand.UrlOption();
        var queues = new Option<string[]>("--queue", "-q")
        {
            Description = "Follow this queue (repeatable; * for every queue). One queue uses its own stream; none or several use the tenant stream.",
            DefaultValueFactory = _ => [],
            HelpName = "queue",
        };
        var types = new Option<string>("--types") { Description = "Only these type patterns, e.g. question.*,answer.*", HelpName = "patterns" };
        var from = new Option<string>("--from")
        {
            Description = "Start after this position (a previous event's id); 0 replays the whole retained history. Default: live only.",
            HelpName = "position",
        };
        var token = PublishCommand.TokenOption();
        var clientId = new Option<string>("--client-id") { Description = "Echo filter: skip events published with this client id.", HelpName = "id" };

        var command = new Command("tail", """
            Follow a stream and print every event as one JSON line (the CloudEvents envelope). Examples:
              router tail acme --queue town-hall
              router tail acme --queue '*' --types 'question.*' --from 0 | jq .data
            Reconnects with Last-Event-ID when the stream ends (a server restart loses nothing). Ctrl-C exits 0.
            """)
        {
            tenant, url, queues, types, from, token, clientId,
        };
        command.SetAction(async parseResult =>
        {
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stop);
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop(cancel));
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop(cancel));
            var path = StreamPath(parseResult.GetValue(tenant)!, parseResult.GetValue(queues)!, parseResult.GetValue(types), parseResult.GetValue(clientId));
            return await FollowAsync(parseResult.GetValue(url)!, path, parseResult.GetValue(from), parseResult.GetValue(token), console, cancel.Token);
        });
        return command;
    }

    private static Action<PosixSignalContext> Stop(CancellationTokenSource cancel) => context =>
    {
        context.Cancel = true;
        cancel.Cancel();
    };

    internal static string StreamPath(string tenant, string[] queues, string? types, string? clientId)
    {
        var query = new List<string>();
        string path;
        if (queues is [var single] && single != "*")
        {
            path = $"v1/tenants/{Uri.EscapeDataString(tenant)}/queues/{Uri.EscapeDataString(single)}/stream";
        }
        else
        {
            path = $"v1/tenants/{Uri.EscapeDataString(tenant)}/stream";
            query.AddRange(queues.Select(q => "queue=" + Uri.EscapeDataString(q)));
        }
        if (!string.IsNullOrEmpty(types))
        {
            query.Add("types=" + Uri.EscapeDataString(types));
        }
        if (!string.IsNullOrEmpty(clientId))
        {
            query.Add("clientId=" + Uri.EscapeDataString(clientId));
        }
        return query.Count == 0 ? path : path + "?" + string.Join('&', query);
    }

    private static async Task<int> FollowAsync(Uri url, string path, string? lastEventId, string? token, CliConsole console, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = url, Timeout = Timeout.InfiniteTimeSpan };
        var retry = TimeSpan.FromSeconds(3);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.Accept.ParseAdd("text/event-stream");
                if (lastEventId is not null)
                {
                    request.Headers.Add("Last-Event-ID", lastEventId);
                }
                PublishCommand.Authorize(request, token);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    var problem = await response.Content.ReadAsStringAsync(cancellationToken);
                    await console.Error.WriteLineAsync($"# {(int)response.StatusCode} {response.ReasonPhrase}: {problem}");
                    if (!PublishCommand.IsRetryable(response.StatusCode))
                    {
                        return ExitCodes.Rejected;
                    }
                }
                else
                {
                    await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                    var parser = SseParser.Create(body);
                    await foreach (var item in parser.EnumerateAsync(cancellationToken))
                    {
                        lastEventId = await PrintAsync(item, console) ?? lastEventId;
                    }
                    retry = parser.ReconnectionInterval is { } interval && interval > TimeSpan.Zero ? interval : retry;
                    await console.Error.WriteLineAsync($"# stream ended; reconnecting in {retry.TotalMilliseconds:0} ms from {lastEventId ?? "live"}");
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception) when (exception is HttpRequestException or IOException)
            {
                await console.Error.WriteLineAsync($"# {exception.Message}; reconnecting in {retry.TotalMilliseconds:0} ms");
            }
            try
            {
                await Task.Delay(retry, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return ExitCodes.Ok;
    }

    /// <summary>Prints one SSE item; returns the event's id when it was an event.</summary>
    private static async Task<string?> PrintAsync(SseItem<string> item, CliConsole console)
    {
        switch (item.EventType)
        {
            case "heartbeat":
                return null;
            case "connection" or "reset" or "shutdown":
                await console.Error.WriteLineAsync($"# {item.EventType} {item.Data}");
                return null;
            default:
                await console.Out.WriteLineAsync(item.Data);
                await console.Out.FlushAsync();
                return item.EventId;
        }
    }
}

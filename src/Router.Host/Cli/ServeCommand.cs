using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using Router.Configuration.Hocon;
using Router.Host.Http;
using Router.Host.Security;

namespace Router.Host.Cli;

/// <summary>
/// <c>router serve</c>: runs the router until SIGTERM or Ctrl-C. Configuration switches the .NET way
/// (<c>--router:streams:heartbeat=00:00:10</c>) pass through to the configuration layers untouched.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(CliConsole console)
    {
        var serve = new Command("serve", "Run the router (the default command). Stops gracefully on SIGTERM or Ctrl-C; a second signal exits at once.");
        Configure(serve, console);
        return serve;
    }

    /// <summary>Adds serve's options and action to <paramref name="command"/> (the root command runs serve too).</summary>
    public static void Configure(Command command, CliConsole console)
    {
        var config = new Option<FileInfo>("--config")
        {
            Description = "A HOCON file layered over the shipped defaults (hocon/router.conf). Also: ROUTER_CONFIG.",
            HelpName = "file",
        };
        var urls = new Option<string>("--urls")
        {
            Description = "Where to listen, e.g. http://127.0.0.1:6000 (default http://127.0.0.1:5080). Also: ROUTER_URLS.",
            HelpName = "urls",
        };
        command.Options.Add(config);
        command.Options.Add(urls);
        // Any configuration key as a switch: --router:streams:heartbeat=00:00:10.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parseResult, _) =>
        {
            var unexpected = parseResult.UnmatchedTokens.FirstOrDefault(t => !t.StartsWith("--", StringComparison.Ordinal) && !t.Contains('=', StringComparison.Ordinal));
            if (unexpected is not null && !FollowsSwitch(parseResult.UnmatchedTokens, unexpected))
            {
                await console.Error.WriteLineAsync($"Unknown command or argument '{unexpected}'. Run 'router --help' for usage.");
                return ExitCodes.Usage;
            }
            var args = Forwarded(parseResult, config, urls);
            return await RunAsync(args, console);
        });
    }

    private static string[] Forwarded(ParseResult parseResult, Option<FileInfo> config, Option<string> urls)
    {
        var args = new List<string>();
        if (parseResult.GetValue(config) is { } file)
        {
            args.Add("--config");
            args.Add(file.FullName);
        }
        if (parseResult.GetValue(urls) is { } listen)
        {
            args.Add("--urls");
            args.Add(listen);
        }
        args.AddRange(parseResult.UnmatchedTokens);
        return [.. args];
    }

    /// <summary>A bare token is fine as the value of a preceding <c>--key</c> switch (<c>--router:urls http://…</c>).</summary>
    private static bool FollowsSwitch(IReadOnlyList<string> tokens, string token)
    {
        var index = tokens.ToList().IndexOf(token);
        return index > 0 && tokens[index - 1].StartsWith("--", StringComparison.Ordinal) && !tokens[index - 1].Contains('=', StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>router.http.inline-io</c>, read from the bound options: the raw key is <c>router:http:inlineio</c> (the
    /// HOCON source drops dashes), so looking up <c>inline-io</c> by name would always read false.
    /// </summary>
    internal static bool WantsInlineSocketCompletions(IConfiguration configuration) => HttpOptions.From(configuration).InlineIo;

    private static async Task<int> RunAsync(string[] args, CliConsole console)
    {
        WebApplication app;
        try
        {
            app = RouterApp.Build(args);
        }
        catch (Exception exception) when (exception is HoconException or IOException or FormatException or InvalidOperationException or StartupRefusedException)
        {
            // StartupRefusedException: a configuration the router will not run with (e.g. open on a public address).
            await console.Error.WriteLineAsync($"router: cannot start: {exception.Message}");
            return ExitCodes.Failed;
        }
        if (WantsInlineSocketCompletions(app.Configuration))
        {
            // Read by the socket engine when the first socket opens (Kestrel binds in RunAsync), process-wide: so it
            // is set by the process that serves, not by RouterApp (test hosts share their process with test clients).
            Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        }
        await using (app)
        {
            using var signals = SecondSignal.Register(console);
            try
            {
                await app.RunAsync();
            }
            catch (Exception exception) when (exception is OptionsValidationException or IOException or InvalidOperationException)
            {
                // Ownership boundary of the process: a start-up failure (invalid option, port in use) is a message and an exit code.
                await console.Error.WriteLineAsync($"router: cannot start: {exception.Message}");
                return ExitCodes.Failed;
            }
        }
        return ExitCodes.Ok;
    }

    /// <summary>
    /// The host handles the first SIGTERM/SIGINT (graceful shutdown). A second one means the operator will not wait:
    /// exit at once. Nothing acknowledged is lost by that: every acknowledged event was committed to the journal.
    /// </summary>
    private sealed class SecondSignal : IDisposable
    {
        private readonly PosixSignalRegistration[] _registrations;
        private int _signals;

        private SecondSignal(CliConsole console)
        {
            _registrations =
            [
                PosixSignalRegistration.Create(PosixSignal.SIGINT, context => OnSignal(context, console, ExitCodes.Interrupted)),
                PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => OnSignal(context, console, ExitCodes.Terminated)),
            ];
        }

        public static SecondSignal Register(CliConsole console) => new(console);

        public void Dispose()
        {
            foreach (var registration in _registrations)
            {
                registration.Dispose();
            }
        }

        private void OnSignal(PosixSignalContext context, CliConsole console, int exitCode)
        {
            if (Interlocked.Increment(ref _signals) < 2)
            {
                return; // the host's console lifetime starts the graceful shutdown
            }
            context.Cancel = true;
            console.Error.WriteLine($"router: second {context.Signal}: exiting now");
            console.Error.Flush();
            ExitNow(exitCode);
        }

        /// <summary>
        /// <see cref="Environment.Exit"/> would run the process-exit handlers, and the host's one waits for the
        /// graceful shutdown this signal is meant to cut short; <c>_exit</c> ends the process immediately.
        /// </summary>
        private static void ExitNow(int exitCode)
        {
            if (OperatingSystem.IsWindows())
            {
                Environment.Exit(exitCode);
            }
            Libc.Exit(exitCode);
        }
    }

    private static class Libc
    {
        [DllImport("libc", EntryPoint = "_exit")]
        public static extern void Exit(int status);
    }
}

using System.CommandLine;

namespace Router.Host.Cli;

/// <summary>
/// The <c>router</c> command line (SPEC §9): <c>serve</c> (the default), <c>token</c>, <c>publish</c>, <c>tail</c>.
/// Each command lives in its own file; this one assembles them and maps parse errors to exit code 2.
/// </summary>
internal static class RouterCli
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static async Task<int> InvokeAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        var root = Create(console, cancellationToken);
        var parsed = root.Parse(args);
        var invocation = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            // serve stops through the host's own SIGTERM/SIGINT handling and tail handles Ctrl-C itself:
            // System.CommandLine must not race them with its own termination handler.
            ProcessTerminationTimeout = null,
        };
        if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var error in parsed.Errors)
            {
                await console.Error.WriteLineAsync(error.Message);
            }
            await console.Error.WriteLineAsync("Run 'router --help' (or 'router <command> --help') for usage.");
            return ExitCodes.Usage;
        }
        return await parsed.InvokeAsync(invocation, cancellationToken);
    }

    public static RootCommand Create(CliConsole console, CancellationToken cancellationToken)
    {
        var root = new RootCommand(
            """
            Router: a multi-tenant real-time event router. Backends publish events over HTTP; browsers and
            services subscribe over Server-Sent Events and resume with Last-Event-ID.

            Without a command, 'router' runs 'router serve'.
            Quick start:
              router serve                                   # listens on http://127.0.0.1:5080
              router tail acme --queue town-hall             # in a second terminal: follow a queue
              router publish acme --queue town-hall --type question.created.v1 --data '{"text":"Hi"}'
            """);
        ServeCommand.Configure(root, console);
        root.Subcommands.Add(ServeCommand.Create(console));
        root.Subcommands.Add(TokenCommand.Create(console));
        root.Subcommands.Add(PublishCommand.Create(console));
        root.Subcommands.Add(TailCommand.Create(console, cancellationToken));
        root.Subcommands.Add(HealthCommand.Create(console));
        return root;
    }
}

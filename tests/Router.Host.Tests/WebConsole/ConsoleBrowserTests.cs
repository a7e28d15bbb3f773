using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace Router.Host.WebConsole;

/// <summary>
/// The live console in a real browser: Debian's headless Chromium, driven by playwright-core from
/// tests/console/console.spec.mjs, against the real router (Kestrel, SQLite journal) with the console enabled.
/// Screenshots of each state land in TestResults/console/ at the repository root.
/// </summary>
public sealed class ConsoleBrowserTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_specTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan s_installTimeout = TimeSpan.FromMinutes(5);

    private static readonly string[] s_steps =
    [
        "page opens, not connected",
        "connect to a tenant and queue",
        "publish from the form, see it in the tail",
        "counters move: received, head, events/s, node rate, chart",
        "invalid JSON is refused without a request",
        "a refused publish shows the problem details and marks the field",
        "filter by type and pause",
        "disconnect, publish, connect again: resumed from the last position, nothing missed",
        "reconnect button resumes from the newest position",
        "a position the tenant does not have gets a reset notice",
        "a pasted token is kept in the tab and sent as access_token and Bearer",
        "server shutdown is shown, then the client waits and retries",
    ];

    [BrowserFact]
    public async Task ConsolePage_InHeadlessChromium_ConnectsPublishesTailsResumesAndCounts()
    {
        var root = RepositoryRoot();
        var specDirectory = Path.Combine(root, "tests", "console");
        if (!Directory.Exists(Path.Combine(specDirectory, "node_modules", "playwright-core")))
        {
            var (code, install) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], specDirectory, s_installTimeout, onLine: null);
            Assert.True(code == 0, $"npm ci failed ({code}):\n{install}");
        }
        var artifacts = Path.Combine(root, "TestResults", "console");

        var host = await RouterTestHost.StartAsync(new Dictionary<string, string?> { ["router:console:enabled"] = "true" });
        int exitCode;
        string log;
        try
        {
            // The spec asks for the shutdown when its page is connected; StopApplication is SIGTERM's first phase.
            (exitCode, log) = await RunAsync("node", ["console.spec.mjs", host.Address.ToString(), artifacts], specDirectory, s_specTimeout,
                onLine: line =>
                {
                    if (line == "await-shutdown")
                    {
                        host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
                    }
                });
        }
        finally
        {
            await host.DisposeAsync();
        }

        output.WriteLine(log);
        Assert.True(exitCode == 0, $"console.spec.mjs exited {exitCode}; screenshots in {artifacts}\n{log}");
        foreach (var step in s_steps)
        {
            Assert.Contains($"ok - {step}", log);
        }
        Assert.DoesNotContain("not ok", log);
        Assert.True(File.Exists(Path.Combine(artifacts, "06-resumed.png")), "no screenshot was saved");
    }

    /// <summary>Runs a program we started, to completion or the timeout (then kills it and its children); returns its exit code and output.</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string[] arguments, string directory, TimeSpan timeout, Action<string>? onLine)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1";

        var lines = new ConcurrentQueue<string>();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        process.StandardInput.Close();
        var stdout = PumpAsync(process.StandardOutput, line =>
        {
            lines.Enqueue(line);
            onLine?.Invoke(line);
        });
        var stderr = PumpAsync(process.StandardError, line => lines.Enqueue("stderr: " + line));

        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            await Task.WhenAll(stdout, stderr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, $"{program} timed out after {timeout}:\n{string.Join('\n', lines)}");
        }
        return (process.ExitCode, string.Join('\n', lines));
    }

    private static async Task PumpAsync(StreamReader reader, Action<string> onLine)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            onLine(line);
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Router.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No Router.sln above {AppContext.BaseDirectory}.");
    }
}

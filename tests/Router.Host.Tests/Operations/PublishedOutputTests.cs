using System.Diagnostics;
using System.Net;
using Router.TestKit;

namespace Router.Host.Operations;

/// <summary>
/// The container cannot be built here (no Docker engine), so this runs what the image runs: the output of
/// <c>dotnet publish -c Release</c>, started as the Dockerfile's entry point does (<c>dotnet router.dll serve</c>,
/// address and journal from the environment), and checked with the HEALTHCHECK's own command.
/// </summary>
public sealed class PublishedOutputTests : IDisposable
{
    private static readonly TimeSpan s_publishTimeout = TimeSpan.FromMinutes(4);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "router-publish-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task PublishedOutput_StartedLikeTheImage_AnswersHealthAndReady()
    {
        var output = Path.Combine(_directory, "out");
        var (publishExit, publishLog) = await RunDotnetAsync(RepositoryRoot, s_publishTimeout, "publish", Path.Combine("src", "Router.Host", "Router.Host.csproj"), "-c", "Release", "-o", output, "--disable-build-servers");
        Assert.True(publishExit == 0, publishLog);
        Assert.True(File.Exists(Path.Combine(output, "hocon", "router.conf")), "the defaults must ship next to the binary");

        var port = RouterProcess.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["ROUTER_URLS"] = $"http://127.0.0.1:{port}",
            ["ROUTER_LOG_FORMAT"] = "json",
        };
        var data = Path.Combine(_directory, "data");
        Directory.CreateDirectory(data);
        await using var router = await RouterProcess.StartAsync(Path.Combine(data, "router.db"), dll: Path.Combine(output, "router.dll"), workingDirectory: output, environment: environment);

        var (healthExit, healthLog) = await RunDotnetAsync(output, TaskTimeoutExtensions.DefaultTimeoutSpan, Path.Combine(output, "router.dll"), "health", "--url", $"http://127.0.0.1:{port}");
        Assert.True(healthExit == 0, healthLog);
        using var ready = await router.Client.GetAsync("/ready").DefaultTimeout();
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.True(File.Exists(Path.Combine(data, "router.db")), "the journal lives where ROUTER_JOURNAL_PATH points (the /data volume)");

        router.Signal(RouterProcess.SigTerm);
        Assert.Equal(0, await router.ExitCodeAsync());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner.
        }
    }

    private static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Router.sln")))
            {
                directory = directory.Parent;
            }
            return directory?.FullName ?? throw new InvalidOperationException("Router.sln not found above " + AppContext.BaseDirectory);
        }
    }

    private static async Task<(int Exit, string Log)> RunDotnetAsync(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().DefaultTimeout(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout.DefaultTimeout() + await stderr.DefaultTimeout());
    }
}

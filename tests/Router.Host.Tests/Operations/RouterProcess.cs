using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Router.TestKit;

namespace Router.Host.Operations;

/// <summary>
/// The router as a child process, the way an operator runs it: <c>dotnet router.dll serve --urls …</c> with the
/// journal at <c>ROUTER_JOURNAL_PATH</c>. Readiness is the "Now listening" line on stdout (then /health), never a
/// fixed sleep; signals are real POSIX signals.
/// </summary>
internal sealed class RouterProcess : IAsyncDisposable
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _output = [];
    private int _endedStreams;

    private RouterProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = Timeout.InfiniteTimeSpan };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public int Id => _process.Id;

    /// <summary>Everything written to stdout and stderr so far.</summary>
    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_output)
            {
                return [.. _output];
            }
        }
    }

    /// <summary>The router's dll beside this test assembly (the referenced Router.Host project is copied here).</summary>
    public static string BuiltDll => Path.Combine(AppContext.BaseDirectory, "router.dll");

    /// <summary>Starts <paramref name="dll"/> with <c>serve</c> and waits until it listens and /health answers.</summary>
    /// <param name="environment">Extra environment; with <c>ROUTER_URLS</c> in it the address comes from there (as in the container) instead of <c>--urls</c>.</param>
    public static async Task<RouterProcess> StartAsync(string journalPath, IEnumerable<string>? extraArgs = null, string? dll = null, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        dll ??= BuiltDll;
        var address = new Uri(environment?.GetValueOrDefault("ROUTER_URLS") is { } urls ? urls + "/" : $"http://127.0.0.1:{FreePort()}/");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(journalPath)!,
        };
        var urlsSwitch = environment?.ContainsKey("ROUTER_URLS") == true ? [] : new[] { "--urls", address.ToString().TrimEnd('/') };
        foreach (var arg in new[] { dll, "serve" }.Concat(urlsSwitch).Concat(extraArgs ?? []))
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["ROUTER_JOURNAL_PATH"] = journalPath;
        start.Environment["ROUTER_URLS"] = null;
        start.Environment["ROUTER_CONFIG"] = null;
        start.Environment["ROUTER_LOG_FORMAT"] = null;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var router = new RouterProcess(process, address);
        process.OutputDataReceived += (_, e) => router.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => router.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await router.WaitForLineAsync("Now listening on");
            using var health = await router.Client.GetAsync("/health").DefaultTimeout();
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        catch
        {
            await router.DisposeAsync();
            throw;
        }
        return router;
    }

    /// <summary>Waits for an output line containing <paramref name="text"/> (already written or still to come); fails if the process exits first.</summary>
    public async Task<string> WaitForLineAsync(string text)
    {
        var seen = Output.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
        if (seen is not null)
        {
            return seen;
        }
        while (true)
        {
            if (!await _lines.Reader.WaitToReadAsync().AsTask().DefaultTimeout())
            {
                throw new Xunit.Sdk.XunitException($"The router exited before writing '{text}':\n{string.Join('\n', Output)}");
            }
            while (_lines.Reader.TryRead(out var line))
            {
                if (line.Contains(text, StringComparison.Ordinal))
                {
                    return line;
                }
            }
        }
    }

    public void Signal(int signal)
    {
        if (kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>The exit code, once the process has exited (bounded).</summary>
    public async Task<int> ExitCodeAsync()
    {
        await _process.WaitForExitAsync().DefaultTimeout();
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().DefaultTimeout();
        }
        _process.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            // stdout and stderr each end once.
            if (Interlocked.Increment(ref _endedStreams) == 2)
            {
                _lines.Writer.TryComplete();
            }
            return;
        }
        lock (_output)
        {
            _output.Add(line);
        }
        _lines.Writer.TryWrite(line);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}

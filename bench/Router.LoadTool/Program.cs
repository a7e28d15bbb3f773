using System.Globalization;
using System.Net;
using System.Text.Json;
using Router.LoadTool;

// router-load run --target router|nchan --endpoint 127.0.0.1:5089 [--pids 1,2] [--quick] [--scenarios a,b] [--out file.json]
// router-load report --router r.json --nchan n.json [--floor kestrel.json]
// Socket continuations run on the epoll threads instead of hopping to the thread pool: the subscribers' work per
// read is short and never blocks, and the hop is most of the tool's CPU per event. Read when the first socket opens.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var command = args.Length > 0 ? args[0] : "help";
var options = ParseOptions(args.Skip(1).ToArray());
switch (command)
{
    case "run":
        return await RunAsync(options);
    case "report":
        return Report.Print(options["router"], options["nchan"], options.GetValueOrDefault("floor"));
    default:
        Console.WriteLine("""
            router-load run --target router|nchan --endpoint 127.0.0.1:PORT [--pids PID,PID] [--out results.json]
                            [--quick] [--scenarios idle,fanout,fanout-10k,slow,channels,ingest,replay]
                            [--duration 10] [--subs 1000] [--subs-large 10000] [--rate 1000] [--rate-large 100] [--channels 1000] [--channels-rate 10000] [--slow-pairs 3] [--repeats 3]
                            [--idle 10000,50000] [--idle-settle 5] [--replay 100000,1000000] [--replay-limit 120] [--ingest-publishers 16,64] [--ingest-batches 1,100]
            router-load report --router router.json --nchan nchan.json [--floor kestrel-floor.json]
            """);
        return 2;
}

static async Task<int> RunAsync(Dictionary<string, string> options)
{
    var endPoint = IPEndPoint.Parse(options.GetValueOrDefault("endpoint", "127.0.0.1:5080"));
    if (!IPAddress.IsLoopback(endPoint.Address))
    {
        Console.Error.WriteLine("Only loopback targets are allowed.");
        return 2;
    }
    var target = Target.Create(options.GetValueOrDefault("target", "router"), endPoint);
    var pids = options.TryGetValue("pids", out var p) ? p.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray() : [];
    var settings = new Settings
    {
        Target = target,
        Server = new ServerProbe(pids),
        RunId = options.GetValueOrDefault("run", DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture)),
    };
    if (options.ContainsKey("quick"))
    {
        settings.Duration = TimeSpan.FromSeconds(3);
        settings.FanOutLargeSubscribers = 5000;
        settings.SlowPairs = 1;
        settings.Repeats = 1;
        settings.IdleConnections = [5000];
        settings.ReplayEvents = [100_000, 300_000];
        settings.Drain = TimeSpan.FromSeconds(15);
        settings.ReplayLimit = TimeSpan.FromSeconds(45);
    }
    if (options.TryGetValue("duration", out var d)) settings.Duration = TimeSpan.FromSeconds(double.Parse(d));
    if (options.TryGetValue("subs", out var s)) settings.FanOutSubscribers = int.Parse(s);
    if (options.TryGetValue("subs-large", out var sl)) settings.FanOutLargeSubscribers = int.Parse(sl);
    if (options.TryGetValue("rate", out var fr)) settings.FanOutRate = double.Parse(fr);
    if (options.TryGetValue("rate-large", out var frl)) settings.FanOutLargeRate = double.Parse(frl);
    if (options.TryGetValue("slow-pairs", out var sp)) settings.SlowPairs = Math.Max(1, int.Parse(sp));
    if (options.TryGetValue("repeats", out var rp)) settings.Repeats = Math.Max(1, int.Parse(rp));
    if (options.TryGetValue("channels", out var c)) settings.Channels = int.Parse(c);
    if (options.TryGetValue("channels-rate", out var cr)) settings.ChannelsRate = double.Parse(cr);
    if (options.TryGetValue("idle", out var i)) settings.IdleConnections = Ints(i);
    if (options.TryGetValue("idle-settle", out var isl)) settings.IdleSettle = TimeSpan.FromSeconds(double.Parse(isl));
    if (options.TryGetValue("replay", out var r)) settings.ReplayEvents = Ints(r);
    if (options.TryGetValue("replay-limit", out var rl)) settings.ReplayLimit = TimeSpan.FromSeconds(double.Parse(rl));
    if (options.TryGetValue("ingest-publishers", out var ip)) settings.IngestPublishers = Ints(ip);
    if (options.TryGetValue("ingest-batches", out var ib)) settings.IngestBatches = Ints(ib);
    var selected = options.GetValueOrDefault("scenarios", "idle,fanout,fanout-10k,slow,channels,ingest,replay").Split(',');
    var output = options.GetValueOrDefault("out", $"results-{target.Name}.json");

    Console.WriteLine($"router-load: target {target.Name} at {endPoint}, server pids [{string.Join(',', pids)}], run {settings.RunId}, {Environment.ProcessorCount} cores, {DateTime.UtcNow:u}");
    var scenarios = new Scenarios(settings);
    var results = new List<ScenarioResult>();
    var toolStart = ServerProbe.ToolCpuSeconds();
    var wallStart = DateTime.UtcNow;
    async Task Add(Task<ScenarioResult> run)
    {
        results.Add(await run);
        await File.WriteAllTextAsync(output, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
    }
    async Task AddAll(Task<List<ScenarioResult>> runs)
    {
        foreach (var run in await runs)
        {
            await Add(Task.FromResult(run));
        }
    }
    if (selected.Any(name => name is "fanout" or "fanout-10k" or "slow" or "channels" or "ingest"))
    {
        // Not measured: a JIT-compiled server (Router) would otherwise spend its first seconds compiling the very
        // paths being timed. Both targets get the same warm-up, in a space of its own.
        var measured = settings.Duration;
        settings.Duration = TimeSpan.FromSeconds(2);
        await scenarios.FanOutAsync("warmup-fanout", 1, 200, 1000, 1, 0);
        await scenarios.IngestAsync(16, 1);
        settings.Duration = measured;
    }
    foreach (var name in selected)
    {
        switch (name)
        {
            case "fanout":
                await AddAll(scenarios.RepeatedAsync("fanout-1k", name => scenarios.FanOutAsync(name, 1, settings.FanOutSubscribers, settings.FanOutRate, 1, 0)));
                break;
            case "fanout-10k":
                await AddAll(scenarios.RepeatedAsync("fanout-10k", name => scenarios.FanOutAsync(name, 1, settings.FanOutLargeSubscribers, settings.FanOutLargeRate, 1, 0)));
                break;
            case "slow":
                await AddAll(scenarios.SlowClientAsync(settings.SlowPairs));
                break;
            case "channels":
                await Add(scenarios.FanOutAsync("many-channels", settings.Channels, settings.Channels, settings.ChannelsRate, 8, 0));
                break;
            case "idle":
                foreach (var n in settings.IdleConnections)
                {
                    await Add(scenarios.IdleAsync(n));
                }
                break;
            case "replay":
                // Not measured, as for fan-out: the replay path (journal reads, frame writing) compiled first.
                await scenarios.ReplayAsync(Scenarios.ReplayWarmupEvents, warmup: true);
                foreach (var n in settings.ReplayEvents)
                {
                    await Add(scenarios.ReplayAsync(n));
                }
                break;
            case "ingest":
                foreach (var publishers in settings.IngestPublishers)
                {
                    foreach (var batch in settings.IngestBatches)
                    {
                        await AddAll(scenarios.RepeatedAsync("ingest", name => scenarios.IngestAsync(publishers, batch, name)));
                    }
                }
                break;
            default:
                Console.Error.WriteLine($"Unknown scenario '{name}'.");
                return 2;
        }
    }
    Console.WriteLine($"router-load: done in {(DateTime.UtcNow - wallStart).TotalSeconds:0} s; tool CPU {ServerProbe.ToolCpuSeconds() - toolStart:0.0} s; results in {output}");
    return 0;
}

static int[] Ints(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();

static Dictionary<string, string> ParseOptions(string[] args)
{
    var options = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var i = 0; i < args.Length; i++)
    {
        if (!args[i].StartsWith("--", StringComparison.Ordinal))
        {
            continue;
        }
        var key = args[i][2..];
        options[key] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
    }
    return options;
}

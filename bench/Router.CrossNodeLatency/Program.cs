// Cross-node latency: two router processes share one PostgreSQL journal; a subscriber on node B measures how
// long each event published on node A takes to arrive. Usage (from the repository root):
//   export ROUTER_POSTGRES="$(.ci/postgres start)"
//   dotnet build -c Release src/Router.Host
//   dotnet run -c Release --project bench/Router.CrossNodeLatency -- [events=2000] [rate=200]
using System.Diagnostics;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;

var events = args.Length > 0 ? int.Parse(args[0]) : 2000;
var rate = args.Length > 1 ? int.Parse(args[1]) : 200;
var connection = Environment.GetEnvironmentVariable("ROUTER_POSTGRES")
    ?? throw new InvalidOperationException("Set ROUTER_POSTGRES (e.g. export ROUTER_POSTGRES=\"$(.ci/postgres start)\").");
var router = Path.GetFullPath("src/Router.Host/bin/Release/net10.0/router.dll");
if (!File.Exists(router))
{
    throw new FileNotFoundException("Build the router first: dotnet build -c Release src/Router.Host", router);
}

var tenant = $"bench{Environment.ProcessId}";
using var nodeA = StartNode(5181);
using var nodeB = StartNode(5182);
try
{
    using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
    await WaitHealthyAsync(http, 5181);
    await WaitHealthyAsync(http, 5182);

    using var stream = await http.GetStreamAsync($"http://127.0.0.1:5182/v1/tenants/{tenant}/queues/q/stream");
    var latencies = new List<double>(events);
    var receiver = Task.Run(async () =>
    {
        await foreach (var item in SseParser.Create(stream).EnumerateAsync())
        {
            if (item.EventType != "message")
            {
                continue;
            }
            var sent = JsonDocument.Parse(item.Data).RootElement.GetProperty("data").GetProperty("t").GetInt64();
            latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            if (latencies.Count == events)
            {
                return;
            }
        }
    });

    var interval = TimeSpan.FromSeconds(1.0 / rate);
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < events; i++)
    {
        var due = interval * i;
        if (clock.Elapsed < due)
        {
            await Task.Delay(due - clock.Elapsed);
        }
        var body = "{\"type\":\"bench.tick.v1\",\"queue\":\"q\",\"data\":{\"t\":" + Stopwatch.GetTimestamp() + "}}";
        using var response = await http.PostAsync($"http://127.0.0.1:5181/v1/tenants/{tenant}/events", new StringContent(body, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
}
await receiver.WaitAsync(TimeSpan.FromMinutes(2));

latencies.Sort();
double At(double q) => latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
Console.WriteLine($"cross-node latency, {events} events at {rate}/s, publish on A -> receive on B (ms):");
Console.WriteLine($"  p50 {At(0.50):F2}  p90 {At(0.90):F2}  p99 {At(0.99):F2}  p99.9 {At(0.999):F2}  max {latencies[^1]:F2}");
return 0;
}
finally
{
    // Only the two nodes this program started, by their process handles.
    nodeA.Kill();
    nodeB.Kill();
}

Process StartNode(int port)
{
    var start = new ProcessStartInfo("dotnet", [router, "serve", "--urls", $"http://127.0.0.1:{port}"])
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    };
    start.Environment["ROUTER_JOURNAL_PROVIDER"] = "postgres";
    start.Environment["ROUTER_POSTGRES"] = connection;
    start.Environment["Router__Limits__PublishEventsPerSecond"] = "0";
    var process = Process.Start(start)!;
    process.OutputDataReceived += (_, _) => { };
    process.ErrorDataReceived += (_, _) => { };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    return process;
}

static async Task WaitHealthyAsync(HttpClient http, int port)
{
    for (var attempt = 0; attempt < 300; attempt++)
    {
        try
        {
            using var response = await http.GetAsync($"http://127.0.0.1:{port}/ready");
            if (response.IsSuccessStatusCode)
            {
                return;
            }
        }
        catch (HttpRequestException)
        {
        }
        await Task.Delay(100);
    }
    throw new TimeoutException($"Node on port {port} did not become ready.");
}

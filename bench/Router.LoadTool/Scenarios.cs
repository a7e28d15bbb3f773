using System.Diagnostics;
using System.Net;

namespace Router.LoadTool;

internal sealed class ScenarioResult
{
    public string Scenario { get; set; } = "";

    public string Target { get; set; } = "";

    public string Parameters { get; set; } = "";

    public Dictionary<string, double> Metrics { get; set; } = [];
}

internal sealed class Settings
{
    public required Target Target { get; init; }

    public required ServerProbe Server { get; init; }

    public required string RunId { get; init; }

    /// <summary>Time between the last idle connection opening and the RSS reading (pools settle, timers start).</summary>
    public TimeSpan IdleSettle { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Events per second asked of the publisher in fanout-1k (and slow-client) and in fanout-10k.</summary>
    public double FanOutRate { get; set; } = 1000;

    public double FanOutLargeRate { get; set; } = 100;

    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(10);

    public int FanOutSubscribers { get; set; } = 1000;

    public int FanOutLargeSubscribers { get; set; } = 10_000;

    /// <summary>
    /// Pairs of fan-out runs without and with slow clients in the slow-client scenario. Six: with three, one pair of
    /// an outlier run (changes of −40% and +13% came from identical code) decided the median (bench/RESULTS.md).
    /// </summary>
    public int SlowPairs { get; set; } = 6;

    /// <summary>Runs of each fan-out and ingest scenario; the table shows their medians (see <see cref="Scenarios.RepeatedAsync"/>).</summary>
    public int Repeats { get; set; } = 3;

    public int Channels { get; set; } = 1000;

    public double ChannelsRate { get; set; } = 10_000;

    public int[] IdleConnections { get; set; } = [10_000];

    public int[] ReplayEvents { get; set; } = [100_000, 1_000_000];

    public int[] IngestPublishers { get; set; } = [16, 64];

    /// <summary>Events per publish request in the ingest scenario (1: single events).</summary>
    public int[] IngestBatches { get; set; } = [1, 100];

    public TimeSpan Drain { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A replay still running after this is cut off and reported with what arrived.</summary>
    public TimeSpan ReplayLimit { get; set; } = TimeSpan.FromSeconds(120);
}

/// <summary>The scenarios of issue 8. Each prints its parameters and returns its figures.</summary>
internal sealed class Scenarios(Settings settings)
{
    private const int ConnectConcurrency = 256;
    private readonly Target _target = settings.Target;
    private readonly ServerProbe _server = settings.Server;

    private static double Seconds(long ticks) => ticks / (double)Stopwatch.Frequency;

    private string Space(string name) => $"{name}-{settings.RunId}";

    private static void Print(ScenarioResult result)
    {
        Console.WriteLine($"== {result.Scenario} [{result.Target}] {result.Parameters}");
        foreach (var (key, value) in result.Metrics)
        {
            Console.WriteLine($"   {key,-24} {value,14:0.###}");
        }
    }

    private ScenarioResult Begin(string scenario, string parameters)
    {
        Console.WriteLine($"-- {scenario} [{_target.Name}] {parameters}");
        return new ScenarioResult { Scenario = scenario, Target = _target.Name, Parameters = parameters };
    }

    /// <summary>Fan-out, many channels and slow client: subscribers on channels, paced publishers, then drain.</summary>
    public async Task<ScenarioResult> FanOutAsync(string scenario, int channels, int subscribers, double rate, int publishers, double slowFraction)
    {
        var slowEvery = slowFraction > 0 ? (int)Math.Round(1 / slowFraction) : 0;
        var result = Begin(scenario, $"channels={channels} subscribers={subscribers} rate={rate}/s publishers={publishers} duration={settings.Duration.TotalSeconds}s slow={(slowEvery > 0 ? subscribers / slowEvery : 0)} (stop reading, 8 KiB receive buffer) payload=single events");
        var space = Space(scenario);
        var names = Enumerable.Range(0, channels).Select(i => $"c{i}").ToArray();
        var latency = new LatencyRecorder();
        var latencyFromDue = new LatencyRecorder();
        var publishLatency = new LatencyRecorder();
        using var stop = new CancellationTokenSource();
        var subs = new SseSubscriber[subscribers];
        var channelOf = new int[subscribers];
        var slow = new bool[subscribers];
        var runs = new Task[subscribers];
        var (ready, failed) = await ConnectAllAsync(subscribers, i =>
        {
            channelOf[i] = i % channels;
            slow[i] = slowEvery > 0 && i % slowEvery == slowEvery / 2;
            return subs[i] = new SseSubscriber(_target, _target.SubscribePath(space, names[channelOf[i]], false), _target.SubscribeHeaders(false), 8192,
                slow[i] ? null : latency, stopReading: slow[i], receiveBufferSize: slow[i] ? 8192 : 0)
            {
                LatencyFromDue = slow[i] ? null : latencyFromDue,
            };
        }, runs, stop.Token);
        await Task.Delay(500);

        var tool0 = ServerProbe.ToolCpuSeconds();
        var server0 = _server.CpuSeconds();
        var machine0 = ServerProbe.MachineBusySeconds();
        var pubs = Enumerable.Range(0, publishers).Select(p =>
        {
            var owned = channels >= publishers
                ? Enumerable.Range(0, channels).Where(c => c % publishers == p).ToArray()
                : [p % channels];
            return (Owned: owned, Publisher: new Publisher(_target, space, [.. owned.Select(c => names[c])], p + 1)
            {
                Rate = rate / publishers,
                Duration = settings.Duration,
                RequestLatency = publishLatency,
            });
        }).ToArray();
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(pubs.Select(p => Task.Run(() => p.Publisher.RunAsync(stop.Token))));
        var published = Stopwatch.GetTimestamp();

        var expected = new long[channels];
        foreach (var (owned, publisher) in pubs)
        {
            for (var i = 0; i < owned.Length; i++)
            {
                expected[owned[i]] += publisher.Acknowledged[i];
            }
        }
        await DrainAsync(() =>
        {
            long pending = 0;
            for (var i = 0; i < subscribers; i++)
            {
                if (!slow[i] && subs[i].Status == 200)
                {
                    pending += Math.Max(0, expected[channelOf[i]] - Volatile.Read(ref subs[i].Received));
                }
            }
            return pending;
        });
        var tool1 = ServerProbe.ToolCpuSeconds();
        var server1 = _server.CpuSeconds();
        var machine1 = ServerProbe.MachineBusySeconds();
        stop.Cancel();
        await Task.WhenAny(Task.WhenAll(runs), Task.Delay(5000));

        long delivered = 0, loss = 0, dups = 0, reordered = 0, reconnects = 0, malformed = 0, lastReceive = start;
        for (var i = 0; i < subscribers; i++)
        {
            var s = subs[i];
            s.Dispose();
            if (slow[i] || s.Status != 200)
            {
                continue;
            }
            delivered += s.Received;
            loss += Math.Max(0, expected[channelOf[i]] - (s.Received - s.Duplicates - s.Reordered));
            dups += s.Duplicates;
            reordered += s.Reordered;
            reconnects += s.Reconnects;
            malformed += s.Malformed;
            lastReceive = Math.Max(lastReceive, s.LastReceiveTimestamp);
        }
        var h = latency.Merge();
        var m = result.Metrics;
        m["delivered_per_s"] = delivered / Math.Max(1e-9, Seconds(lastReceive - start));
        m["published_per_s"] = expected.Sum() / Seconds(published - start);
        m["p50_ms"] = h.Percentile(0.50) / 1000.0;
        m["p99_ms"] = h.Percentile(0.99) / 1000.0;
        m["p999_ms"] = h.Percentile(0.999) / 1000.0;
        m["max_ms"] = h.Max / 1000.0;
        // From the due time: a publisher held back by the server waits before it sends, and that wait counts here.
        var fromDue = latencyFromDue.Merge();
        m["p50_from_due_ms"] = fromDue.Percentile(0.50) / 1000.0;
        m["p99_from_due_ms"] = fromDue.Percentile(0.99) / 1000.0;
        // A publish answered late holds its closed-loop publisher back: the cause of a gap between the two latencies.
        var publish = publishLatency.Merge();
        m["publish_p99_ms"] = publish.Percentile(0.99) / 1000.0;
        m["publish_max_ms"] = publish.Max / 1000.0;
        m["loss"] = loss;
        m["duplicates"] = dups;
        m["reordered"] = reordered;
        m["reconnects"] = reconnects;
        m["malformed"] = malformed;
        m["subscribers_ready"] = ready;
        m["subscribers_failed"] = failed;
        m["publish_errors"] = pubs.Sum(p => p.Publisher.Errors);
        m["tool_cpu_s"] = tool1 - tool0;
        m["server_cpu_s"] = server1 - server0;
        m["other_cpu_s"] = Math.Max(0, machine1 - machine0 - (tool1 - tool0) - (server1 - server0));
        m["server_cpu_us_per_delivery"] = delivered > 0 ? (server1 - server0) * 1e6 / delivered : 0;
        Print(result);
        return result;
    }

    /// <summary>
    /// Slow clients: the fan-out of fanout-1k with 1% of subscribers that stop reading, against the same fan-out
    /// without them. Fan-out p99 moves by tens of percent between identical 10 s runs on two shared cores, so one run
    /// of each cannot show a change under 10%. <paramref name="pairs"/> pairs run back to back, the order turning
    /// each pair (without first, then with first, ...) so that a drift of the machine over the minutes cancels; each
    /// pair gives a change, and the figures reported are medians. Every run is also returned on its own.
    /// </summary>
    public async Task<List<ScenarioResult>> SlowClientAsync(int pairs)
    {
        var runs = new List<ScenarioResult>();
        var withSlow = new List<ScenarioResult>();
        var without = new List<ScenarioResult>();
        var changes = new List<double>();
        for (var pair = 1; pair <= pairs; pair++)
        {
            Task<ScenarioResult> Control() => FanOutAsync($"slow-control-{pair}", 1, settings.FanOutSubscribers, settings.FanOutRate, 1, 0);
            Task<ScenarioResult> Slow() => FanOutAsync($"slow-client-{pair}", 1, settings.FanOutSubscribers, settings.FanOutRate, 1, 0.01);
            ScenarioResult control, slow;
            if (pair % 2 == 1)
            {
                control = await Control();
                slow = await Slow();
            }
            else
            {
                slow = await Slow();
                control = await Control();
            }
            runs.Add(control);
            runs.Add(slow);
            without.Add(control);
            withSlow.Add(slow);
            var baseline = control.Metrics["p99_ms"];
            changes.Add(baseline > 0 ? (slow.Metrics["p99_ms"] - baseline) / baseline * 100 : 0);
        }
        var result = Begin("slow-client", $"channels=1 subscribers={settings.FanOutSubscribers} rate={settings.FanOutRate}/s publishers=1 duration={settings.Duration.TotalSeconds}s slow={settings.FanOutSubscribers / 100} (stop reading) pairs={pairs} (each pair: the same fan-out without and with the slow clients, order turning; medians over the pairs)");
        var m = result.Metrics;
        m["delivered_per_s"] = Median(withSlow.Select(r => r.Metrics["delivered_per_s"]));
        m["p99_ms"] = Median(withSlow.Select(r => r.Metrics["p99_ms"]));
        m["control_p99_ms"] = Median(without.Select(r => r.Metrics["p99_ms"]));
        m["p99_change_pct"] = Median(changes);
        m["p99_change_pct_min"] = changes.Min();
        m["p99_change_pct_max"] = changes.Max();
        foreach (var metric in new[] { "loss", "duplicates", "reordered", "publish_errors", "tool_cpu_s", "other_cpu_s" })
        {
            m[metric] = withSlow.Sum(r => r.Metrics[metric]);
        }
        Print(result);
        runs.Add(result);
        return runs;
    }

    /// <summary>Figures that count faults: a repeated scenario reports their sum over the runs, not a median.</summary>
    private static readonly HashSet<string> s_faultCounts =
        ["loss", "duplicates", "reordered", "reconnects", "malformed", "publish_errors", "subscribers_failed", "errors"];

    /// <summary>Figures whose spread over the runs a repeated scenario also reports (as _min and _max).</summary>
    private static readonly string[] s_headlines = ["delivered_per_s", "p99_ms", "events_per_s"];

    /// <summary>
    /// Runs a scenario <see cref="Settings.Repeats"/> times back to back, each under its own name ("fanout-1k-run-2",
    /// in a space of its own), then adds a result under the scenario's name: the median of every figure over the runs
    /// (the sum for counts of faults: loss, duplicates, ...), and the smallest and largest of the headline figures.
    /// Identical 10 s runs of a fan-out or an ingest move tens of percent here, Nchan's more than Router's, so a
    /// verdict on one run of each was close to a coin toss. With one repeat the run keeps the scenario's name.
    /// </summary>
    public async Task<List<ScenarioResult>> RepeatedAsync(string scenario, Func<string, Task<ScenarioResult>> run)
    {
        if (settings.Repeats <= 1)
        {
            return [await run(scenario)];
        }
        var runs = new List<ScenarioResult>();
        for (var i = 1; i <= settings.Repeats; i++)
        {
            runs.Add(await run($"{scenario}-run-{i}"));
        }
        var first = runs[0];
        var result = new ScenarioResult
        {
            Scenario = scenario,
            Target = first.Target,
            Parameters = $"{first.Parameters} repeats={runs.Count} (medians over the runs; counts of faults summed)",
        };
        foreach (var metric in first.Metrics.Keys)
        {
            var values = runs.Select(r => r.Metrics.GetValueOrDefault(metric)).ToArray();
            result.Metrics[metric] = s_faultCounts.Contains(metric) ? values.Sum() : Median(values);
            if (s_headlines.Contains(metric))
            {
                result.Metrics[$"{metric}_min"] = values.Min();
                result.Metrics[$"{metric}_max"] = values.Max();
            }
        }
        Print(result);
        runs.Add(result);
        return runs;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Idle connections: server RSS growth per open, silent stream.</summary>
    public async Task<ScenarioResult> IdleAsync(int connections)
    {
        var result = Begin("idle", $"connections={connections} (one queue, nothing published; source addresses 127.0.0.1..{1 + ((connections - 1) / 20_000)}; settle {settings.IdleSettle.TotalSeconds} s)");
        var space = Space($"idle{connections}");
        // Warm-up: JIT and pools of the stream path are not per-connection memory.
        await OpenAndCloseAsync(space, 200);
        await Task.Delay(1000);
        var rss0 = _server.RssKiB();
        using var stop = new CancellationTokenSource();
        var subs = new SseSubscriber[connections];
        var runs = new Task[connections];
        var tool0 = ServerProbe.ToolCpuSeconds();
        var start = Stopwatch.GetTimestamp();
        var (ready, failed) = await ConnectAllAsync(connections, i =>
        {
            var source = IPAddress.Parse($"127.0.0.{1 + (i / 20_000)}");
            return subs[i] = new SseSubscriber(_target, _target.SubscribePath(space, "c0", false), _target.SubscribeHeaders(false), 1024, null, source: source);
        }, runs, stop.Token);
        var connected = Stopwatch.GetTimestamp();
        await Task.Delay(settings.IdleSettle);
        var rss1 = _server.RssKiB();
        var tool1 = ServerProbe.ToolCpuSeconds();
        stop.Cancel();
        await Task.WhenAny(Task.WhenAll(runs), Task.Delay(10_000));
        foreach (var s in subs)
        {
            s.Dispose();
        }
        var m = result.Metrics;
        m["connections_ready"] = ready;
        m["connections_failed"] = failed;
        m["connect_per_s"] = ready / Seconds(connected - start);
        m["rss_before_mib"] = rss0 / 1024.0;
        m["rss_after_mib"] = rss1 / 1024.0;
        m["rss_per_conn_kib"] = ready > 0 ? (rss1 - rss0) / (double)ready : 0;
        m["tool_cpu_s"] = tool1 - tool0;
        Print(result);
        await Task.Delay(3000);
        return result;
    }

    /// <summary>Events of the unmeasured replay run before the measured ones (<see cref="ReplayAsync"/> with <c>warmup</c>).</summary>
    public const int ReplayWarmupEvents = 100_000;

    /// <summary>How many times the warm-up replay is read before the measured replays.</summary>
    private const int WarmupReads = 3;

    /// <summary>
    /// Replay: prefill one channel, then one client reads it all from the start. With <paramref name="warmup"/> it is
    /// the unmeasured run (a space of its own) that lets a JIT-compiled server compile the replay path first.
    /// </summary>
    public async Task<ScenarioResult> ReplayAsync(int events, bool warmup = false)
    {
        var batch = _target.SupportsBatches ? 1000 : 1;
        var publishers = _target.SupportsBatches ? 4 : 16;
        var result = Begin(warmup ? "warmup-replay" : "replay", $"events={events} (cut off after {settings.ReplayLimit.TotalSeconds} s; prefilled by {publishers} publishers, batch {batch}; one client from the start; 8 KiB read buffer{(warmup ? "; not measured" : $"; after an unmeasured {ReplayWarmupEvents}-event warm-up replay of the same path")})");
        var space = Space(warmup ? $"replaywarmup{events}" : $"replay{events}");
        var pubs = Enumerable.Range(0, publishers).Select(p => new Publisher(_target, space, ["c0"], p + 1)
        {
            Batch = batch,
            Duration = TimeSpan.FromMinutes(10),
            MaxEvents = (events / publishers) + (p < events % publishers ? 1 : 0),
        }).ToArray();
        var fill0 = Stopwatch.GetTimestamp();
        await Task.WhenAll(pubs.Select(p => Task.Run(() => p.RunAsync(CancellationToken.None))));
        var fill1 = Stopwatch.GetTimestamp();
        var stored = pubs.Sum(p => p.Events);
        Console.WriteLine($"   prefilled {stored} events in {Seconds(fill1 - fill0):0.0} s ({stored / Seconds(fill1 - fill0):0} events/s)");
        if (warmup)
        {
            // One read of 100,000 events left Router's replay path half compiled (the measured 100,000 then ran at
            // ~430k/s on 0.25 s of CPU, ~870k/s on 0.1 s with tiered compilation off): more reads of the same events.
            for (var read = 1; read < WarmupReads; read++)
            {
                await ReadUnmeasuredAsync(space, stored);
            }
        }
        await Task.Delay(1000);

        var rss0 = _server.RssKiB();
        var peak = rss0;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, _server.RssKiB());
                await Task.Delay(50).ConfigureAwait(false);
            }
        });
        var tool0 = ServerProbe.ToolCpuSeconds();
        var server0 = _server.CpuSeconds();
        var machine0 = ServerProbe.MachineBusySeconds();
        var start = Stopwatch.GetTimestamp();
        var sub = new SseSubscriber(_target, _target.SubscribePath(space, "c0", true), _target.SubscribeHeaders(true), 8192, null);
        var run = sub.RunAsync(stop.Token);
        await DrainAsync(() => stored - Volatile.Read(ref sub.Received), maxWait: settings.ReplayLimit, stall: TimeSpan.FromSeconds(20));
        var tool1 = ServerProbe.ToolCpuSeconds();
        var server1 = _server.CpuSeconds();
        var machine1 = ServerProbe.MachineBusySeconds();
        stop.Cancel();
        await Task.WhenAny(run, Task.Delay(5000));
        await sampler;
        sub.Dispose();
        var seconds = Seconds(sub.LastReceiveTimestamp - start);
        var m = result.Metrics;
        m["events_per_s"] = sub.Received / Math.Max(1e-9, seconds);
        m["seconds"] = seconds;
        m["received"] = sub.Received;
        // Not delivered within the time limit (a slow replay is cut off, so this is not necessarily loss).
        m["missing_at_limit"] = Math.Max(0, stored - (sub.Received - sub.Duplicates - sub.Reordered));
        m["duplicates"] = sub.Duplicates;
        m["reordered"] = sub.Reordered;
        m["reconnects"] = sub.Reconnects;
        m["server_rss_growth_mib"] = (peak - rss0) / 1024.0;
        m["prefill_events_per_s"] = stored / Seconds(fill1 - fill0);
        m["tool_cpu_s"] = tool1 - tool0;
        m["server_cpu_s"] = server1 - server0;
        m["other_cpu_s"] = Math.Max(0, machine1 - machine0 - (tool1 - tool0) - (server1 - server0));
        m["server_cpu_us_per_event"] = sub.Received > 0 ? (server1 - server0) * 1e6 / sub.Received : 0;
        Print(result);
        return result;
    }

    /// <summary>Reads a prefilled replay once, not measured; a stall ends it after 5 s (Nchan's replays stall).</summary>
    private async Task ReadUnmeasuredAsync(string space, long stored)
    {
        using var stop = new CancellationTokenSource();
        var sub = new SseSubscriber(_target, _target.SubscribePath(space, "c0", true), _target.SubscribeHeaders(true), 8192, null);
        var run = sub.RunAsync(stop.Token);
        await DrainAsync(() => stored - Volatile.Read(ref sub.Received), maxWait: TimeSpan.FromSeconds(30), stall: TimeSpan.FromSeconds(5));
        stop.Cancel();
        await Task.WhenAny(run, Task.Delay(5000));
        sub.Dispose();
    }

    /// <summary>Ingest: closed-loop publishers as fast as acknowledgements come, no subscribers.</summary>
    public async Task<ScenarioResult> IngestAsync(int publishers, int batch, string scenario = "ingest")
    {
        var result = Begin(scenario, $"publishers={publishers} batch={batch} duration={settings.Duration.TotalSeconds}s (one channel, no subscribers, one keep-alive connection each)");
        if (batch > 1 && !_target.SupportsBatches)
        {
            result.Metrics["unsupported"] = 1;
            Console.WriteLine("   (no batch publishing in this target)");
            return result;
        }
        var space = Space($"{scenario}{publishers}x{batch}");
        var latency = new LatencyRecorder();
        var pubs = Enumerable.Range(0, publishers).Select(p => new Publisher(_target, space, ["c0"], p + 1)
        {
            Batch = batch,
            Duration = settings.Duration,
            RequestLatency = latency,
        }).ToArray();
        var tool0 = ServerProbe.ToolCpuSeconds();
        var server0 = _server.CpuSeconds();
        var machine0 = ServerProbe.MachineBusySeconds();
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(pubs.Select(p => Task.Run(() => p.RunAsync(CancellationToken.None))));
        var elapsed = Seconds(Stopwatch.GetTimestamp() - start);
        var tool1 = ServerProbe.ToolCpuSeconds();
        var server1 = _server.CpuSeconds();
        var machine1 = ServerProbe.MachineBusySeconds();
        var h = latency.Merge();
        var m = result.Metrics;
        var events = pubs.Sum(p => p.Events);
        m["events_per_s"] = events / elapsed;
        m["requests_per_s"] = pubs.Sum(p => p.Requests) / elapsed;
        m["p50_ms"] = h.Percentile(0.50) / 1000.0;
        m["p99_ms"] = h.Percentile(0.99) / 1000.0;
        m["p999_ms"] = h.Percentile(0.999) / 1000.0;
        m["max_ms"] = h.Max / 1000.0;
        m["errors"] = pubs.Sum(p => p.Errors);
        m["tool_cpu_s"] = tool1 - tool0;
        m["server_cpu_s"] = server1 - server0;
        m["other_cpu_s"] = Math.Max(0, machine1 - machine0 - (tool1 - tool0) - (server1 - server0));
        m["server_cpu_us_per_event"] = events > 0 ? (server1 - server0) * 1e6 / events : 0;
        Print(result);
        return result;
    }

    private async Task OpenAndCloseAsync(string space, int count)
    {
        using var stop = new CancellationTokenSource();
        var subs = new SseSubscriber[count];
        var runs = new Task[count];
        await ConnectAllAsync(count, i => subs[i] = new SseSubscriber(_target, _target.SubscribePath(space, "warmup", false), _target.SubscribeHeaders(false), 1024, null), runs, stop.Token);
        stop.Cancel();
        await Task.WhenAny(Task.WhenAll(runs), Task.Delay(5000));
        foreach (var s in subs)
        {
            s.Dispose();
        }
    }

    /// <summary>Starts every subscriber, at most <see cref="ConnectConcurrency"/> handshakes at a time; waits until each is ready or failed.</summary>
    private static async Task<(int Ready, int Failed)> ConnectAllAsync(int count, Func<int, SseSubscriber> create, Task[] runs, CancellationToken stop)
    {
        using var gate = new SemaphoreSlim(ConnectConcurrency);
        int ready = 0, failed = 0;
        var handshakes = new Task[count];
        for (var i = 0; i < count; i++)
        {
            await gate.WaitAsync();
            var sub = create(i);
            runs[i] = Task.Run(() => sub.RunAsync(stop));
            handshakes[i] = sub.Ready.WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(t =>
            {
                gate.Release();
                if (t.IsCompletedSuccessfully)
                {
                    Interlocked.Increment(ref ready);
                }
                else
                {
                    Interlocked.Increment(ref failed);
                }
            }, TaskScheduler.Default);
        }
        await Task.WhenAll(handshakes);
        if (failed > 0)
        {
            Console.WriteLine($"   {failed} of {count} subscriptions failed");
        }
        return (ready, failed);
    }

    /// <summary>Waits until nothing is pending, or nothing moved for 5 s, or the drain limit passed.</summary>
    private async Task DrainAsync(Func<long> pending, TimeSpan? maxWait = null, TimeSpan? stall = null)
    {
        var stallLimit = (stall ?? TimeSpan.FromSeconds(5)).TotalSeconds;
        var limit = Stopwatch.GetTimestamp() + (long)((maxWait ?? settings.Drain).TotalSeconds * Stopwatch.Frequency);
        var last = long.MaxValue;
        var lastMove = Stopwatch.GetTimestamp();
        while (Stopwatch.GetTimestamp() < limit)
        {
            var now = pending();
            if (now <= 0)
            {
                return;
            }
            if (now != last)
            {
                last = now;
                lastMove = Stopwatch.GetTimestamp();
            }
            else if (Seconds(Stopwatch.GetTimestamp() - lastMove) > stallLimit)
            {
                Console.WriteLine($"   drain: {now} events still missing after {stallLimit} s without progress");
                return;
            }
            await Task.Delay(20);
        }
        Console.WriteLine($"   drain: gave up with {pending()} events missing");
    }
}

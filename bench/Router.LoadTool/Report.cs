using System.Text.Json;

namespace Router.LoadTool;

/// <summary>One table of both runs: each figure next to issue 8's target, with the Router / Nchan ratio.</summary>
internal static class Report
{
    /// <summary>(scenario, metric) shown in the table, with the target from issue 8 where it states one.</summary>
    private static readonly (string Scenario, string Metric, string Target)[] s_rows =
    [
        ("fanout-1k", "delivered_per_s", ">= Nchan"),
        ("fanout-1k", "published_per_s", "1000 (not slowed)"),
        ("fanout-1k", "p50_ms", ""),
        ("fanout-1k", "p99_ms", "<= Nchan (median of the runs)"),
        ("fanout-1k", "p99_ms_min", "(fastest run)"),
        ("fanout-1k", "p99_ms_max", "(slowest run)"),
        ("fanout-1k", "p999_ms", ""),
        ("fanout-1k", "max_ms", ""),
        ("fanout-1k", "p50_from_due_ms", "(from the due time)"),
        ("fanout-1k", "p99_from_due_ms", "(from the due time)"),
        ("fanout-1k", "publish_p99_ms", ""),
        ("fanout-1k", "loss", "0"),
        ("fanout-1k", "duplicates", "0"),
        ("fanout-1k", "reordered", "0"),
        ("fanout-1k", "tool_cpu_s", ""),
        ("fanout-1k", "server_cpu_us_per_delivery", ""),
        ("fanout-1k", "other_cpu_s", "(others on the machine)"),
        ("fanout-10k", "delivered_per_s", ">= Nchan"),
        ("fanout-10k", "published_per_s", "100 (not slowed)"),
        ("fanout-10k", "p50_ms", ""),
        ("fanout-10k", "p99_ms", "<= Nchan (median of the runs)"),
        ("fanout-10k", "p99_ms_min", "(fastest run)"),
        ("fanout-10k", "p99_ms_max", "(slowest run)"),
        ("fanout-10k", "p999_ms", ""),
        ("fanout-10k", "max_ms", ""),
        ("fanout-10k", "p50_from_due_ms", "(from the due time)"),
        ("fanout-10k", "p99_from_due_ms", "(from the due time)"),
        ("fanout-10k", "publish_p99_ms", ""),
        ("fanout-10k", "loss", "0"),
        ("fanout-10k", "duplicates", "0"),
        ("fanout-10k", "reordered", "0"),
        ("fanout-10k", "subscribers_ready", ""),
        ("fanout-10k", "tool_cpu_s", ""),
        ("fanout-10k", "server_cpu_us_per_delivery", ""),
        ("fanout-10k", "other_cpu_s", "(others on the machine)"),
        ("slow-client", "delivered_per_s", ""),
        ("slow-client", "p99_ms", "within 10% of control_p99_ms"),
        ("slow-client", "control_p99_ms", "(same fan-out, no slow clients)"),
        ("slow-client", "p99_change_pct", "< 10 (median of the pairs)"),
        ("slow-client", "p99_change_pct_min", ""),
        ("slow-client", "p99_change_pct_max", ""),
        ("slow-client", "loss", "0"),
        ("slow-client", "reordered", "0"),
        ("slow-client", "other_cpu_s", "(others on the machine)"),
        ("many-channels", "delivered_per_s", ""),
        ("many-channels", "published_per_s", ""),
        ("many-channels", "p50_ms", ""),
        ("many-channels", "p99_ms", ""),
        ("many-channels", "loss", "0"),
        ("many-channels", "reordered", "0"),
        ("many-channels", "server_cpu_us_per_delivery", ""),
        ("many-channels", "other_cpu_s", "(others on the machine)"),
        ("idle", "connections_ready", ""),
        ("idle", "rss_per_conn_kib", "<= Nchan (~10 KiB)"),
        ("replay", "events_per_s", ">= 500,000"),
        ("replay", "seconds", ""),
        ("replay", "received", "all"),
        ("replay", "missing_at_limit", "0"),
        ("replay", "reordered", "0"),
        ("replay", "server_rss_growth_mib", "bounded"),
        ("replay", "prefill_events_per_s", ""),
        ("replay", "other_cpu_s", "(others on the machine)"),
        ("ingest", "events_per_s", "single 64: >= Nchan; batch 100: >= 200,000 (median of the runs)"),
        ("ingest", "events_per_s_min", "(slowest run)"),
        ("ingest", "events_per_s_max", "(fastest run)"),
        ("ingest", "p50_ms", ""),
        ("ingest", "p99_ms", ""),
        ("ingest", "p999_ms", ""),
        ("ingest", "errors", "0"),
        ("ingest", "server_cpu_us_per_event", ""),
        ("ingest", "tool_cpu_s", ""),
        ("ingest", "other_cpu_s", "(others on the machine)"),
    ];

    /// <summary>
    /// Prints the table. With <paramref name="floorFile"/> (the Kestrel floor server's run, idle and ingest only) a
    /// column shows what Kestrel alone costs in the same run: the part of Router's figure that is not Router's.
    /// </summary>
    public static int Print(string routerFile, string nchanFile, string? floorFile = null)
    {
        var router = Load(routerFile);
        var nchan = Load(nchanFile);
        var floor = floorFile is null ? null : Load(floorFile);
        AddSlowChange(router);
        AddSlowChange(nchan);
        var floorHeader = floor is null ? "" : " Kestrel floor |";
        var floorRule = floor is null ? "" : "---:|";
        Console.WriteLine($"| scenario | parameters | metric | target (issue 8) | Router | Nchan | Router / Nchan |{floorHeader}");
        Console.WriteLine($"|---|---|---|---|---:|---:|---:|{floorRule}");
        foreach (var r in router)
        {
            var n = Paired(nchan, r);
            var f = floor is null ? null : Paired(floor, r);
            foreach (var (scenario, metric, target) in s_rows.Where(x => x.Scenario == r.Scenario))
            {
                if (!r.Metrics.TryGetValue(metric, out var rv))
                {
                    continue;
                }
                var nv = Value(n, metric);
                var ratio = nv is { } x && x != 0 ? (rv / x).ToString("0.00") : "";
                var floorCell = floor is null ? "" : $" {(Value(f, metric) is { } fv ? Format(fv) : "")} |";
                Console.WriteLine($"| {scenario} | {Key(r.Parameters)} | {metric} | {target} | {Format(rv)} | {(nv is { } y ? Format(y) : "n/a")} | {ratio} |{floorCell}");
            }
        }
        return 0;
    }

    private static ScenarioResult? Paired(List<ScenarioResult> results, ScenarioResult r) =>
        results.FirstOrDefault(x => x.Scenario == r.Scenario && Key(x.Parameters) == Key(r.Parameters));

    private static double? Value(ScenarioResult? result, string metric) =>
        result is not null && result.Metrics.TryGetValue(metric, out var v) && !result.Metrics.ContainsKey("unsupported") ? v : null;

    /// <summary>The scenario's distinguishing parameters (the first few words), used to pair the two runs.</summary>
    private static string Key(string parameters) =>
        string.Join(' ', parameters.Split(' ').Where(w => w.StartsWith("publishers=") || w.StartsWith("batch=") || w.StartsWith("events=") || w.StartsWith("connections=") || w.StartsWith("subscribers=") || w.StartsWith("channels=")));

    /// <summary>For result files written before slow-client ran in pairs: its change against fanout-1k's p99.</summary>
    private static void AddSlowChange(List<ScenarioResult> results)
    {
        if (results.Any(x => x.Scenario == "slow-client" && x.Metrics.ContainsKey("p99_change_pct")))
        {
            return;
        }
        var baseline = results.FirstOrDefault(x => x.Scenario == "fanout-1k");
        var slow = results.FirstOrDefault(x => x.Scenario == "slow-client");
        if (baseline is not null && slow is not null && baseline.Metrics.TryGetValue("p99_ms", out var b) && b > 0)
        {
            slow.Metrics["p99_change_pct"] = (slow.Metrics["p99_ms"] - b) / b * 100;
        }
    }

    private static string Format(double value) => Math.Abs(value) >= 1000 ? value.ToString("#,0") : value.ToString("0.##");

    private static List<ScenarioResult> Load(string file) =>
        JsonSerializer.Deserialize<List<ScenarioResult>>(File.ReadAllText(file)) ?? [];
}

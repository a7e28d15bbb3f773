using System.Text;
using BenchmarkDotNet.Attributes;
using Router.Host.Ingest;

namespace Router.Benchmarks;

/// <summary>
/// Parsing a publish body as the load tool sends it (bench/Router.LoadTool Target.WriteBody): one event, or a batch
/// of 100, each with a small compact <c>data</c> and no id (so each event also gets a generated id).
/// </summary>
[MemoryDiagnoser]
public class IngestBenchmarks
{
    private static readonly PublishOptions s_limits = new() { MaxBody = 1 << 20, MaxData = 64 * 1024, MaxBatch = 1000, RetryAfter = TimeSpan.FromSeconds(1) };

    private readonly DateTimeOffset _now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    private byte[] _body = [];

    [Params(1, 100)]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var body = new StringBuilder();
        if (Events > 1)
        {
            body.Append('[');
        }
        for (var i = 0; i < Events; i++)
        {
            if (i > 0)
            {
                body.Append(',');
            }
            body.Append("{\"type\":\"bench.event.v1\",\"queue\":\"bench\",\"data\":{\"b\":[7,").Append(1000 + i).Append(",1795000000000,0]}}");
        }
        if (Events > 1)
        {
            body.Append(']');
        }
        _body = Encoding.UTF8.GetBytes(body.ToString());
    }

    [Benchmark]
    public int Parse()
    {
        new EventBatchParser(s_limits).TryParse(_body, null, _now, out var events);
        return events.Count;
    }
}

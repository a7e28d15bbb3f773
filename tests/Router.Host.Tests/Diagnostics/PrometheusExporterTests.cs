using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Router.Diagnostics;

namespace Router.Host.Diagnostics;

public sealed class PrometheusExporterTests : IDisposable
{
    // A meter factory of the test's own: the exporter then reads this Router meter only, not those of the hosts other
    // tests run beside it (their families would share names).
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private IMeterFactory Meters => _services.GetRequiredService<IMeterFactory>();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void Scrape_MeasurementsWithRepeatedTagSets_CountEachIntoTheSeriesOfItsTags()
    {
        // Series are found by tag set without rendering labels; tags in another order, equal values in other
        // instances, and sets past the key's capacity must all still land in the series their labels name.
        var meter = Meters.Create(RouterMetrics.MeterName);
        using var exporter = new PrometheusExporter(Meters);
        var counter = meter.CreateCounter<long>($"router.test.tag_sets_{Guid.NewGuid():N}");
        var name = counter.Name.Replace('.', '_') + "_total";

        for (var i = 0; i < 3; i++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("status", 201));
        }
        counter.Add(1, new KeyValuePair<string, object?>("status", 400));
        counter.Add(2, new KeyValuePair<string, object?>("status", 201), new KeyValuePair<string, object?>("reason", new string('x', 1)));
        counter.Add(5, new KeyValuePair<string, object?>("reason", "x"), new KeyValuePair<string, object?>("status", 201));
        KeyValuePair<string, object?>[] four = [new("a", "1"), new("b", "2"), new("c", "3"), new("d", "4")];
        counter.Add(1, four);
        counter.Add(1, four.Reverse().ToArray());
        counter.Add(7);

        var metrics = PrometheusText.Parse(exporter.Scrape());

        var series = metrics.Samples.Where(s => s.Name == name)
            .ToDictionary(s => string.Join(',', s.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")), s => s.Value);
        Assert.Equal(
            new Dictionary<string, double>
            {
                [""] = 7,
                ["status=201"] = 3,
                ["status=400"] = 1,
                ["reason=x,status=201"] = 7,
                ["a=1,b=2,c=3,d=4"] = 2,
            },
            series);
    }

    [Fact]
    public void Record_TagSetSeenBefore_AllocatesNothingPerMeasurement()
    {
        // The publish path records tagged measurements on every request: once a tag set is known, finding its
        // series must not render its labels again (that was a few hundred bytes per measurement).
        var meter = Meters.Create(RouterMetrics.MeterName);
        using var exporter = new PrometheusExporter(Meters);
        var histogram = meter.CreateHistogram<double>($"router.test.tagged_{Guid.NewGuid():N}");
        var status = new KeyValuePair<string, object?>("status", "ok");
        histogram.Record(1, status);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            histogram.Record(1, status);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 1_000, $"1,000 measurements of a known tag set allocated {allocated:N0} bytes.");
    }
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Router.Diagnostics;

namespace Router.Host.Diagnostics;

/// <summary>
/// A small Prometheus text-format (0.0.4) exporter over a <see cref="MeterListener"/>: no OpenTelemetry package
/// restores from our feed, and the router needs only counters, gauges and histograms. It listens to the
/// <c>Router</c> meter of one meter factory (one host) and to the runtime's own <c>System.Runtime</c> meter (GC,
/// thread pool, memory, CPU: observed on scrape only, nothing on any hot path), aggregates as measurements arrive
/// (lock-free: counters and buckets are <see cref="Interlocked"/> adds), and renders on scrape. Names follow
/// Prometheus conventions: dots become underscores, seconds get <c>_seconds</c>, bytes <c>_bytes</c>, counters <c>_total</c>.
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The runtime's meter (.NET 9 and later): one per process, so every host in it exports the same figures.</summary>
    public const string RuntimeMeterName = "System.Runtime";

    private readonly MeterListener _listener = new();
    private readonly object? _scope;
    private readonly ConcurrentDictionary<Instrument, InstrumentState> _instruments = new();
    private readonly Lock _scrapeGate = new();

    /// <param name="scope">The meter factory whose <c>Router</c> meter to export; null exports every <c>Router</c> meter.</param>
    public PrometheusExporter(IMeterFactory? scope)
    {
        _scope = scope;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            var router = instrument.Meter.Name == RouterMetrics.MeterName && (_scope is null || ReferenceEquals(instrument.Meter.Scope, _scope));
            if (router || instrument.Meter.Name == RuntimeMeterName)
            {
                var state = _instruments.GetOrAdd(instrument, static i => new InstrumentState(i));
                listener.EnableMeasurementEvents(instrument, state);
            }
        };
        _listener.MeasurementsCompleted = (instrument, _) => _instruments.TryRemove(instrument, out InstrumentState? _);
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>Observes the gauges, then renders every instrument in a stable order.</summary>
    public string Scrape()
    {
        var text = new StringBuilder();
        lock (_scrapeGate)
        {
            // Observable instruments report through the measurement callbacks, into their (last-value) state.
            _listener.RecordObservableInstruments();
            foreach (var state in _instruments.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                state.Render(text);
            }
        }
        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private enum Kind
    {
        Counter,
        Gauge,
        Histogram,
    }

    private sealed class InstrumentState
    {
        /// <summary>
        /// Levels the runtime publishes as observable counters (.NET 10), though they go down as well as up; the
        /// semantic conventions define them as up-down counters. Exported as gauges, so that rate() is never applied to them.
        /// </summary>
        private static readonly HashSet<string> s_levels = ["dotnet.thread_pool.thread.count", "dotnet.thread_pool.queue.length"];

        /// <summary>Series by label text: what is rendered.</summary>
        private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);

        /// <summary>The same series by tag set, so a measurement skips rendering its labels (see <see cref="TagSetKey"/>).</summary>
        private readonly ConcurrentDictionary<TagSetKey, Series> _seriesByTags = new();

        /// <summary>Tag sets remembered at most: past this (never, with bounded tags) measurements render their labels each time.</summary>
        private const int MaxTagSets = 1_000;

        private readonly Kind _kind;
        private readonly string _help;
        private readonly double[] _bounds;
        private readonly bool _observable;

        public InstrumentState(Instrument instrument)
        {
            _observable = instrument.IsObservable;
            _kind = instrument switch
            {
                _ when s_levels.Contains(instrument.Name) => Kind.Gauge,
                Counter<long> or Counter<int> or Counter<double> or ObservableCounter<long> or ObservableCounter<double> => Kind.Counter,
                Histogram<long> or Histogram<int> or Histogram<double> => Kind.Histogram,
                _ => Kind.Gauge, // up-down counters and gauges: the value can go both ways
            };
            Name = PrometheusName(instrument.Name, instrument.Unit, _kind);
            _help = Escape(instrument.Description ?? string.Empty, forLabel: false);
            _bounds = instrument switch
            {
                Histogram<double> h => [.. h.Advice?.HistogramBucketBoundaries ?? []],
                Histogram<long> h => [.. (h.Advice?.HistogramBucketBoundaries ?? []).Select(b => (double)b)],
                Histogram<int> h => [.. (h.Advice?.HistogramBucketBoundaries ?? []).Select(b => (double)b)],
                _ => [],
            };
        }

        public string Name { get; }

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var series = Find(tags);
            if (_observable)
            {
                // An observed value is the total (a counter) or the level (a gauge) now: it replaces the last one.
                series.Gauge(value);
                return;
            }
            switch (_kind)
            {
                case Kind.Counter:
                case Kind.Gauge: // a synchronous up-down counter adds its deltas
                    series.Add(value);
                    break;
                case Kind.Histogram:
                    series.Observe(value, _bounds);
                    break;
            }
        }

        public void Render(StringBuilder text)
        {
            text.Append("# HELP ").Append(Name).Append(' ').Append(_help).Append('\n');
            text.Append("# TYPE ").Append(Name).Append(' ').Append(_kind switch
            {
                Kind.Counter => "counter",
                Kind.Histogram => "histogram",
                _ => "gauge",
            }).Append('\n');
            var all = _series.IsEmpty
                ? [new KeyValuePair<string, Series>(string.Empty, new Series(_bounds.Length))] // a zero until the first event
                : _series.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
            foreach (var (labels, series) in all)
            {
                if (_kind != Kind.Histogram)
                {
                    Sample(text, Name, labels, null, series.Value);
                    continue;
                }
                var cumulative = 0L;
                for (var i = 0; i < _bounds.Length; i++)
                {
                    cumulative += series.BucketCount(i);
                    Sample(text, Name + "_bucket", labels, Format(_bounds[i]), cumulative);
                }
                Sample(text, Name + "_bucket", labels, "+Inf", series.Count);
                Sample(text, Name + "_sum", labels, null, series.Value);
                Sample(text, Name + "_count", labels, null, series.Count);
            }
        }

        private static void Sample(StringBuilder text, string name, string labels, string? le, double value)
        {
            text.Append(name);
            if (labels.Length > 0 || le is not null)
            {
                text.Append('{').Append(labels);
                if (le is not null)
                {
                    text.Append(labels.Length > 0 ? "," : string.Empty).Append("le=\"").Append(le).Append('"');
                }
                text.Append('}');
            }
            text.Append(' ').Append(Format(value)).Append('\n');
        }

        private Series Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length > TagSetKey.Capacity)
            {
                return SeriesFor(tags);
            }
            var key = new TagSetKey(tags);
            if (_seriesByTags.TryGetValue(key, out var known))
            {
                return known;
            }
            var series = SeriesFor(tags);
            if (_seriesByTags.Count < MaxTagSets)
            {
                _seriesByTags.TryAdd(key, series);
            }
            return series;
        }

        private Series SeriesFor(ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
            _series.GetOrAdd(Labels(tags), static (_, bounds) => new Series(bounds.Length), _bounds);

        private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length == 0)
            {
                return string.Empty;
            }
            var sorted = tags.ToArray();
            Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            return string.Join(',', sorted.Select(t => $"{SanitizeName(t.Key)}=\"{Escape(Convert.ToString(t.Value, CultureInfo.InvariantCulture) ?? string.Empty, forLabel: true)}\""));
        }
    }

    /// <summary>One label set's value: a counter's total, a gauge's value or a histogram's sum, count and buckets.</summary>
    private sealed class Series(int buckets)
    {
        private readonly long[] _buckets = new long[buckets];
        private double _value;
        private long _count;

        public double Value => Volatile.Read(ref _value);

        public long Count => Interlocked.Read(ref _count);

        public long BucketCount(int index) => Interlocked.Read(ref _buckets[index]);

        public void Add(double amount)
        {
            double seen, next;
            do
            {
                seen = Volatile.Read(ref _value);
                next = seen + amount;
            }
            while (Interlocked.CompareExchange(ref _value, next, seen) != seen);
        }

        public void Gauge(double value) => Volatile.Write(ref _value, value);

        public void Observe(double value, double[] bounds)
        {
            // Non-cumulative per bucket here; rendering accumulates. Above the last bound only +Inf (the count) holds it.
            var index = Array.BinarySearch(bounds, value);
            index = index >= 0 ? index : ~index;
            if (index < _buckets.Length)
            {
                Interlocked.Increment(ref _buckets[index]);
            }
            Add(value);
            Interlocked.Increment(ref _count);
        }
    }

    private static string PrometheusName(string name, string? unit, Kind kind)
    {
        var result = SanitizeName(name);
        if (unit == "s" && !result.EndsWith("_seconds", StringComparison.Ordinal))
        {
            result += "_seconds";
        }
        else if (unit == "By" && !result.EndsWith("_bytes", StringComparison.Ordinal))
        {
            result += "_bytes";
        }
        if (kind == Kind.Counter)
        {
            result += "_total";
        }
        return result;
    }

    private static string SanitizeName(string name)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (!(char.IsAsciiLetterOrDigit(chars[i]) || chars[i] == '_' || chars[i] == ':') || (i == 0 && char.IsAsciiDigit(chars[i])))
            {
                chars[i] = '_';
            }
        }
        return new string(chars);
    }

    private static string Escape(string text, bool forLabel)
    {
        var escaped = text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        return forLabel ? escaped.Replace("\"", "\\\"", StringComparison.Ordinal) : escaped;
    }

    private static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);
}

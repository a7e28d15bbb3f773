using System.Globalization;
using System.Text.RegularExpressions;

namespace Router.Host.Diagnostics;

/// <summary>
/// A strict reader of the Prometheus text exposition format (0.0.4), enough to fail on anything a Prometheus
/// server would refuse: every sample belongs to a family declared by <c># TYPE</c>, names and labels follow the
/// grammar, values parse, histogram buckets are cumulative and end with <c>+Inf</c> equal to <c>_count</c>.
/// </summary>
internal sealed partial class PrometheusText
{
    private readonly Dictionary<string, string> _types = [];
    private readonly List<Sample> _samples = [];

    public IReadOnlyDictionary<string, string> Types => _types;

    public IReadOnlyList<Sample> Samples => _samples;

    public static PrometheusText Parse(string text)
    {
        var result = new PrometheusText();
        Assert.EndsWith("\n", text);
        var lineNumber = 0;
        foreach (var line in text[..^1].Split('\n'))
        {
            lineNumber++;
            Assert.False(string.IsNullOrWhiteSpace(line), $"line {lineNumber} is empty");
            if (line.StartsWith('#'))
            {
                var comment = CommentLine().Match(line);
                Assert.True(comment.Success, $"line {lineNumber}: bad comment: {line}");
                if (comment.Groups["kind"].Value == "TYPE")
                {
                    Assert.Matches("^(counter|gauge|histogram|summary|untyped)$", comment.Groups["rest"].Value);
                    Assert.True(result._types.TryAdd(comment.Groups["name"].Value, comment.Groups["rest"].Value), $"line {lineNumber}: TYPE declared twice");
                }
                continue;
            }
            var sample = SampleLine().Match(line);
            Assert.True(sample.Success, $"line {lineNumber}: bad sample: {line}");
            var labels = new Dictionary<string, string>();
            foreach (Match label in LabelPair().Matches(sample.Groups["labels"].Value))
            {
                Assert.True(labels.TryAdd(label.Groups["name"].Value, label.Groups["value"].Value), $"line {lineNumber}: label repeated");
            }
            var value = sample.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                var number => double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            var name = sample.Groups["name"].Value;
            Assert.True(result.FamilyOf(name) is not null, $"line {lineNumber}: {name} has no # TYPE before it");
            result._samples.Add(new Sample(name, labels, value));
        }
        result.CheckHistograms();
        return result;
    }

    /// <summary>The value of the sample with this name whose labels include <paramref name="labels"/> (name=value pairs), or 0 if absent.</summary>
    public double Value(string name, params (string Name, string Value)[] labels) =>
        _samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value)).Sum(s => s.Value);

    private string? FamilyOf(string sampleName)
    {
        if (_types.ContainsKey(sampleName))
        {
            return sampleName;
        }
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (sampleName.EndsWith(suffix, StringComparison.Ordinal) && _types.TryGetValue(sampleName[..^suffix.Length], out var type) && type is "histogram" or "summary")
            {
                return sampleName[..^suffix.Length];
            }
        }
        return null;
    }

    private void CheckHistograms()
    {
        foreach (var family in _types.Where(t => t.Value == "histogram").Select(t => t.Key))
        {
            var series = _samples.Where(s => s.Name == family + "_bucket")
                .GroupBy(s => string.Join(',', s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}")));
            foreach (var buckets in series)
            {
                var ordered = buckets.ToList();
                Assert.Equal("+Inf", ordered[^1].Labels["le"]);
                for (var i = 1; i < ordered.Count; i++)
                {
                    Assert.True(ordered[i].Value >= ordered[i - 1].Value, $"{family}: buckets are not cumulative");
                    Assert.True(double.Parse(ordered[i - 1].Labels["le"], CultureInfo.InvariantCulture) < (ordered[i].Labels["le"] == "+Inf" ? double.PositiveInfinity : double.Parse(ordered[i].Labels["le"], CultureInfo.InvariantCulture)));
                }
                var count = _samples.Single(s => s.Name == family + "_count" && buckets.Key == string.Join(',', s.Labels.OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}")));
                Assert.Equal(count.Value, ordered[^1].Value);
            }
        }
    }

    [GeneratedRegex(@"^# (?<kind>HELP|TYPE) (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (?<rest>.*)$")]
    private static partial Regex CommentLine();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>([a-zA-Z_][a-zA-Z0-9_]*=""([^""\\\n]|\\[\\""n])*"",?)*)\})? (?<value>[-+]?(\d+(\.\d*)?([eE][-+]?\d+)?|Inf|NaN|\.\d+([eE][-+]?\d+)?))( -?\d+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<name>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>([^""\\\n]|\\[\\""n])*)""")]
    private static partial Regex LabelPair();

    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
}

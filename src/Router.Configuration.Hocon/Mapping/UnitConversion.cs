using System.Globalization;
using System.Text.RegularExpressions;

namespace Router.Configuration.Hocon.Mapping;

/// <summary>
/// The spec's duration and size-in-bytes formats, applied to unquoted strings so that <c>30s</c> binds to a
/// <see cref="TimeSpan"/> and <c>1MiB</c> to an <see cref="int"/> or <see cref="long"/> with the standard binder.
/// Units are matched case-sensitively, as the spec says; a lowercase one-letter size unit (<c>k</c>, <c>m</c>,
/// <c>g</c>…) is not accepted because <c>m</c> is minutes and a lone letter after a number is too easy to mistake.
/// </summary>
internal static partial class UnitConversion
{
    private static readonly Dictionary<string, decimal> TicksPerUnit = BuildDurationUnits();

    private static readonly Dictionary<string, decimal> BytesPerUnit = BuildSizeUnits();

    public enum Outcome
    {
        /// <summary>The text is not a number followed by a known unit; it stays as written.</summary>
        NotAUnitValue,
        Converted,

        /// <summary>It has a known unit but the amount does not fit (too large, or a fraction of a byte).</summary>
        OutOfRange,
    }

    /// <summary>Converts <c>30s</c> to <c>00:00:30</c> or <c>64KiB</c> to <c>65536</c>.</summary>
    public static Outcome TryConvert(string text, out string converted)
    {
        converted = text;
        var match = AmountAndUnit().Match(text);
        if (!match.Success)
        {
            return Outcome.NotAUnitValue;
        }
        var amount = decimal.Parse(match.Groups["amount"].Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        var unit = match.Groups["unit"].Value;
        if (TicksPerUnit.TryGetValue(unit, out var ticksPerUnit))
        {
            return ToDuration(amount * ticksPerUnit, out converted);
        }
        if (BytesPerUnit.TryGetValue(unit, out var bytesPerUnit))
        {
            return ToBytes(amount, bytesPerUnit, out converted);
        }
        return Outcome.NotAUnitValue;
    }

    /// <summary>Nanoseconds and microseconds round to the nearest 100 ns tick, the resolution of TimeSpan.</summary>
    private static Outcome ToDuration(decimal ticks, out string converted)
    {
        converted = string.Empty;
        var rounded = decimal.Round(ticks, MidpointRounding.AwayFromZero);
        if (rounded > TimeSpan.MaxValue.Ticks || rounded < TimeSpan.MinValue.Ticks)
        {
            return Outcome.OutOfRange;
        }
        converted = TimeSpan.FromTicks((long)rounded).ToString("c", CultureInfo.InvariantCulture);
        return Outcome.Converted;
    }

    private static Outcome ToBytes(decimal amount, decimal bytesPerUnit, out string converted)
    {
        converted = string.Empty;
        decimal bytes;
        try
        {
            bytes = amount * bytesPerUnit;
        }
        catch (OverflowException)
        {
            return Outcome.OutOfRange;
        }
        if (bytes != decimal.Truncate(bytes) || bytes > long.MaxValue || bytes < long.MinValue)
        {
            return Outcome.OutOfRange;
        }
        converted = ((long)bytes).ToString(CultureInfo.InvariantCulture);
        return Outcome.Converted;
    }

    private static Dictionary<string, decimal> BuildDurationUnits()
    {
        var units = new Dictionary<string, decimal>(StringComparer.Ordinal);
        void Add(decimal ticks, params string[] names)
        {
            foreach (var name in names)
            {
                units[name] = ticks;
            }
        }
        // A tick is 100 ns, so a nanosecond is a hundredth of one.
        Add(0.01m, "ns", "nano", "nanos", "nanosecond", "nanoseconds");
        Add(TimeSpan.TicksPerMicrosecond, "us", "micro", "micros", "microsecond", "microseconds");
        Add(TimeSpan.TicksPerMillisecond, "ms", "milli", "millis", "millisecond", "milliseconds");
        Add(TimeSpan.TicksPerSecond, "s", "second", "seconds");
        Add(TimeSpan.TicksPerMinute, "m", "minute", "minutes");
        Add(TimeSpan.TicksPerHour, "h", "hour", "hours");
        Add(TimeSpan.TicksPerDay, "d", "day", "days");
        return units;
    }

    private static Dictionary<string, decimal> BuildSizeUnits()
    {
        var units = new Dictionary<string, decimal>(StringComparer.Ordinal)
        {
            ["B"] = 1, ["b"] = 1, ["byte"] = 1, ["bytes"] = 1,
        };
        // Powers of ten; "KB" is not in the spec but is how people write kilobytes, and means the same as "kB".
        string[][] decimalUnits =
        [
            ["kB", "KB", "kilobyte", "kilobytes"],
            ["MB", "megabyte", "megabytes"],
            ["GB", "gigabyte", "gigabytes"],
            ["TB", "terabyte", "terabytes"],
            ["PB", "petabyte", "petabytes"],
            ["EB", "exabyte", "exabytes"],
        ];
        string[][] binaryUnits =
        [
            ["K", "Ki", "KiB", "kibibyte", "kibibytes"],
            ["M", "Mi", "MiB", "mebibyte", "mebibytes"],
            ["G", "Gi", "GiB", "gibibyte", "gibibytes"],
            ["T", "Ti", "TiB", "tebibyte", "tebibytes"],
            ["P", "Pi", "PiB", "pebibyte", "pebibytes"],
            ["E", "Ei", "EiB", "exbibyte", "exbibytes"],
        ];
        decimal tenPower = 1, twoPower = 1;
        for (var i = 0; i < decimalUnits.Length; i++)
        {
            tenPower *= 1000;
            twoPower *= 1024;
            foreach (var name in decimalUnits[i])
            {
                units[name] = tenPower;
            }
            foreach (var name in binaryUnits[i])
            {
                units[name] = twoPower;
            }
        }
        return units;
    }

    /// <summary>The spec's units format: optional whitespace, a number, optional whitespace, letters, optional whitespace.</summary>
    [GeneratedRegex(@"^\s*(?<amount>-?[0-9]+(\.[0-9]+)?)\s*(?<unit>[A-Za-z]+)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex AmountAndUnit();
}

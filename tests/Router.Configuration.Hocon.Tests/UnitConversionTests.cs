namespace Router.Configuration.Hocon.Tests;

public sealed class UnitConversionTests
{
    [Theory]
    [InlineData("500ms", "00:00:00.5000000")]
    [InlineData("1500ms", "00:00:01.5000000")]
    [InlineData("30s", "00:00:30")]
    [InlineData("2m", "00:02:00")]
    [InlineData("1h", "01:00:00")]
    [InlineData("7d", "7.00:00:00")]
    [InlineData("1.5h", "01:30:00")]
    [InlineData("-5s", "-00:00:05")]
    [InlineData("30 seconds", "00:00:30")]
    [InlineData("1 second", "00:00:01")]
    [InlineData("5 minutes", "00:05:00")]
    [InlineData("250 milliseconds", "00:00:00.2500000")]
    [InlineData("2 hours", "02:00:00")]
    [InlineData("3 days", "3.00:00:00")]
    [InlineData("1 day", "1.00:00:00")]
    [InlineData("10millis", "00:00:00.0100000")]
    [InlineData("150ns", "00:00:00.0000002")]
    [InlineData("149ns", "00:00:00.0000001")]
    [InlineData("40ns", "00:00:00")]
    [InlineData("3us", "00:00:00.0000030")]
    [InlineData("2 microseconds", "00:00:00.0000020")]
    public void Parse_UnquotedDuration_BecomesTimeSpanText(string value, string expected)
    {
        Assert.Equal(expected, Hocon.Parse($"a = {value}")["a"]);
    }

    [Theory]
    [InlineData("1MiB", "1048576")]
    [InlineData("64KiB", "65536")]
    [InlineData("1GiB", "1073741824")]
    [InlineData("2G", "2147483648")]
    [InlineData("128K", "131072")]
    [InlineData("1Mi", "1048576")]
    [InlineData("10KB", "10000")]
    [InlineData("10kB", "10000")]
    [InlineData("1MB", "1000000")]
    [InlineData("1GB", "1000000000")]
    [InlineData("512B", "512")]
    [InlineData("512b", "512")]
    [InlineData("512 bytes", "512")]
    [InlineData("1 byte", "1")]
    [InlineData("2 mebibytes", "2097152")]
    [InlineData("3 kilobytes", "3000")]
    [InlineData("0.5MiB", "524288")]
    [InlineData("1EiB", "1152921504606846976")]
    public void Parse_UnquotedSize_BecomesByteCount(string value, string expected)
    {
        Assert.Equal(expected, Hocon.Parse($"a = {value}")["a"]);
    }

    [Theory]
    [InlineData("\"30s\"", "30s")]
    [InlineData("\"1MiB\"", "1MiB")]
    [InlineData("\"\"\"7d\"\"\"", "7d")]
    [InlineData("30\" seconds\"", "30 seconds")]
    public void Parse_QuotedUnitValue_IsNotConverted(string value, string expected)
    {
        Assert.Equal(expected, Hocon.Parse($"a = {value}")["a"]);
    }

    [Theory]
    [InlineData("30")]
    [InlineData("30S")]
    [InlineData("5k")]
    [InlineData("2 days ago")]
    [InlineData("v2")]
    [InlineData("10.0.0.1")]
    [InlineData("1e5")]
    [InlineData("3 apples")]
    public void Parse_ValueWithoutKnownUnit_StaysAsWritten(string value)
    {
        Assert.Equal(value, Hocon.Parse($"a = {value}")["a"]);
    }

    [Fact]
    public void Parse_DurationFromSubstitution_IsConverted()
    {
        var data = Hocon.Parse("base = 30s\ntimeout = ${base}");

        Assert.Equal("00:00:30", data["timeout"]);
    }

    [Fact]
    public void Parse_DurationFromEnvironment_IsConverted()
    {
        var data = Hocon.Parse("timeout = 5s\ntimeout = ${?ROUTER_TIMEOUT}", new Dictionary<string, string> { ["ROUTER_TIMEOUT"] = "2m" });

        Assert.Equal("00:02:00", data["timeout"]);
    }

    [Fact]
    public void Parse_QuotedDurationFromSubstitution_StaysQuoted()
    {
        Assert.Equal("30s", Hocon.Parse("base = \"30s\"\nlabel = ${base}")["label"]);
    }

    [Fact]
    public void Parse_DurationsInArray_AreConverted()
    {
        var data = Hocon.Parse("backoff = [100ms, 1s, 1m]");

        Assert.Equal("backoff:0=00:00:00.1000000\nbackoff:1=00:00:01\nbackoff:2=00:01:00", Hocon.Dump(data));
    }

    [Theory]
    [InlineData("a = 1.5B")]
    [InlineData("a = 9EiB")]
    [InlineData("a = 99999999999d")]
    public void Parse_UnitValueOutOfRange_IsAnErrorAtTheValue(string text)
    {
        var error = Hocon.ParseError(text);

        Assert.Equal((1, 5), (error.Line, error.Column));
        Assert.Contains("cannot be converted", error.Message);
    }
}

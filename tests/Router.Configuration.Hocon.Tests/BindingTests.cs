using Microsoft.Extensions.Configuration;

namespace Router.Configuration.Hocon.Tests;

/// <summary>The end-to-end path the host uses: HOCON text, IConfiguration, the standard binder, a typed options class.</summary>
public sealed class BindingTests
{
    private sealed class PublishOptions
    {
        public TimeSpan Timeout { get; set; }

        public int MaxBody { get; set; }

        public long JournalBytes { get; set; }

        public List<string> AlwaysDeliver { get; set; } = [];

        public List<RoutingRule> Rules { get; set; } = [];

        public OverflowPolicy Overflow { get; set; }

        public bool Enabled { get; set; }

        public double Ratio { get; set; }

        public string Name { get; set; } = "unchanged";

        public string? Secret { get; set; }
    }

    private sealed class RoutingRule
    {
        public string Match { get; set; } = string.Empty;

        public List<string> Tiers { get; set; } = [];
    }

    private enum OverflowPolicy
    {
        Disconnect,
        DropOldest,
    }

    private const string Document = """
        router {
          publish {
            timeout = 30s
            max-body = 1MiB
            journal-bytes = 4GiB
            always-deliver = ["lock.*", "progress.*"]
            rules = [
              { match = "workspace.*", tiers = [queue, tenant] }
              { match = "question.*", tiers = [tenant] }
            ]
            overflow = DropOldest
            enabled = true
            ratio = 0.25
            name = null
            secret = ${?ROUTER_JWT_SECRET}
          }
        }
        """;

    private static PublishOptions Bind(string text, IReadOnlyDictionary<string, string>? environment = null) =>
        new ConfigurationBuilder()
            .AddHoconString(text, Hocon.Lookup(environment))
            .Build()
            .GetSection("router:publish")
            .Get<PublishOptions>()!;

    [Fact]
    public void Get_TypedOptions_BindsEveryPropertyKind()
    {
        var options = Bind(Document);

        Assert.Equal(TimeSpan.FromSeconds(30), options.Timeout);
        Assert.Equal(1024 * 1024, options.MaxBody);
        Assert.Equal(4L * 1024 * 1024 * 1024, options.JournalBytes);
        Assert.Equal(["lock.*", "progress.*"], options.AlwaysDeliver);
        Assert.Equal(2, options.Rules.Count);
        Assert.Equal("workspace.*", options.Rules[0].Match);
        Assert.Equal(["queue", "tenant"], options.Rules[0].Tiers);
        Assert.Equal(["tenant"], options.Rules[1].Tiers);
        Assert.Equal(OverflowPolicy.DropOldest, options.Overflow);
        Assert.True(options.Enabled);
        Assert.Equal(0.25, options.Ratio);
        Assert.Equal("unchanged", options.Name);
        Assert.Null(options.Secret);
    }

    [Fact]
    public void Get_OptionalEnvironmentSubstitution_BindsEnvironmentValue()
    {
        var options = Bind(Document, new Dictionary<string, string> { ["ROUTER_JWT_SECRET"] = "s3cret" });

        Assert.Equal("s3cret", options.Secret);
    }

    [Fact]
    public void Get_DottedSectionPath_ReadsNestedValue()
    {
        var configuration = new ConfigurationBuilder().AddHoconString("router.publish.max-body = 64KiB", Hocon.Lookup(null)).Build();

        Assert.Equal(65536, configuration.GetValue<int>("Router:Publish:MaxBody"));
    }

    [Fact]
    public void Build_LaterSourceWithDashFreeKey_OverridesHoconValue()
    {
        // Stands in for the environment variable Router__Publish__MaxBody, which the env provider maps to this key.
        var configuration = new ConfigurationBuilder()
            .AddHoconString("router.publish.max-body = 1MiB", Hocon.Lookup(null))
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Router:Publish:MaxBody"] = "2048" })
            .Build();

        Assert.Equal(2048, configuration.GetSection("router:publish").Get<PublishOptions>()!.MaxBody);
    }

    [Fact]
    public void Get_QuotedDuration_FailsToBindAsTimeSpanButStaysText()
    {
        var configuration = new ConfigurationBuilder().AddHoconString("a { name = \"30s\" }", Hocon.Lookup(null)).Build();

        Assert.Equal("30s", configuration["a:name"]);
        Assert.Throws<InvalidOperationException>(() => configuration.GetValue<TimeSpan>("a:name"));
    }
}

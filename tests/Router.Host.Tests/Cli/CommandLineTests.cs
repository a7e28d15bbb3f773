using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Router.TestKit;

namespace Router.Host.Cli;

/// <summary>The <c>router</c> commands, in process, against a real router on Kestrel.</summary>
public sealed class CommandLineTests
{
    private const string Secret = "a-development-secret-of-32-bytes!";

    [Fact]
    public async Task Help_RootCommand_ListsEveryCommandAndExitsZero()
    {
        var console = new CapturedConsole();

        var exit = await console.RunAsync("--help");

        Assert.Equal(ExitCodes.Ok, exit);
        foreach (var command in new[] { "serve", "token", "publish", "tail", "--config", "--urls" })
        {
            Assert.Contains(command, console.Out.Text);
        }
    }

    [Theory]
    [InlineData("tokn")]
    [InlineData("publish")]
    [InlineData("publish", "acme")]
    [InlineData("token", "--ttl", "soon")]
    [InlineData("publish", "acme", "--type", "q.v1", "--url", "ftp://host")]
    public async Task Invoke_BadCommandLine_ExitsWithUsageError(params string[] args)
    {
        var console = new CapturedConsole();

        var exit = await console.RunAsync(args);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.NotEmpty(console.Error.Text);
    }

    [Fact]
    public async Task Token_WithSecret_MintsSignedJwtWithRouterClaim()
    {
        var console = new CapturedConsole();

        var exit = await console.RunAsync("token", "--secret", Secret, "--sub", "alice", "--publish", "acme/*", "--subscribe", "acme/town-hall", "--subscribe", "globex/*", "--groups", "staff,mods", "--roles", "admin", "--ttl", "2h");

        Assert.Equal(ExitCodes.Ok, exit);
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(console.Out.Text.Trim(), new TokenValidationParameters
        {
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Secret)),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuer = false,
            ValidateAudience = false,
        }).DefaultTimeout();
        Assert.True(validation.IsValid, validation.Exception?.Message);
        var token = (JsonWebToken)validation.SecurityToken;
        Assert.Equal("alice", token.Subject);
        Assert.InRange(token.ValidTo - token.ValidFrom, TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1), TimeSpan.FromHours(2) + TimeSpan.FromSeconds(1));
        using var claim = JsonDocument.Parse(token.GetPayloadValue<JsonElement>("router").GetRawText());
        Assert.Equal(["acme/*"], Strings(claim.RootElement, "publish"));
        Assert.Equal(["acme/town-hall", "globex/*"], Strings(claim.RootElement, "subscribe"));
        Assert.Equal(["staff", "mods"], Strings(claim.RootElement, "groups"));
        Assert.Equal(["admin"], Strings(claim.RootElement, "roles"));
    }

    [Fact]
    public async Task Token_SecretInConfigFile_SignsWithIt()
    {
        var file = Path.Combine(Path.GetTempPath(), $"router-token-{Guid.NewGuid():N}.conf");
        await File.WriteAllTextAsync(file, $"router.auth.jwt-secret = \"{Secret}\"\n").DefaultTimeout();
        try
        {
            var console = new CapturedConsole();
            var exit = await console.RunAsync("token", "--config", file);

            Assert.Equal(ExitCodes.Ok, exit);
            var parts = console.Out.Text.Trim().Split('.');
            Assert.Equal(3, parts.Length);
            var expected = TokenCommand.Mint(Secret, "dev", new TokenCommand.RouterClaim([], [], [], []), TimeSpan.FromHours(1), DateTimeOffset.UnixEpoch);
            Assert.Equal(expected.Split('.')[0], parts[0]); // the same HS256 header; the signature is checked in the test above
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Token_ShortSecret_ExitsWithUsageError()
    {
        var console = new CapturedConsole();

        var exit = await console.RunAsync("token", "--secret", "too-short");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("32 bytes", console.Error.Text);
    }

    [Fact]
    public async Task Publish_ValidEvent_PrintsCommittedSequenceAndExitsZero()
    {
        await using var host = await RouterTestHost.StartAsync();
        var console = new CapturedConsole();

        var exit = await console.RunAsync("publish", "acme", "--url", host.Address.ToString(), "--queue", "town-hall", "--type", "question.created.v1", "--data", """{"text":"Why SSE?"}""", "--id", "q-1");

        Assert.Equal(ExitCodes.Ok, exit);
        using var answer = JsonDocument.Parse(console.Out.Text);
        var published = answer.RootElement.GetProperty("events")[0];
        Assert.Equal("q-1", published.GetProperty("id").GetString());
        Assert.Equal("1", published.GetProperty("sequence").GetString());
    }

    [Fact]
    public async Task Publish_DataOnStdin_PublishesIt()
    {
        await using var host = await RouterTestHost.StartAsync();
        await using var stream = await host.StreamAsync("/v1/tenants/acme/queues/town-hall/stream");
        await stream.ConnectionEventAsync();
        var console = new CapturedConsole(input: """{ "text" : "from stdin" }""");

        var exit = await console.RunAsync("publish", "acme", "--url", host.Address.ToString(), "-q", "town-hall", "-t", "question.created.v1");

        Assert.Equal(ExitCodes.Ok, exit);
        var (_, envelope) = await stream.NextEventAsync();
        Assert.Equal("from stdin", envelope.GetProperty("data").GetProperty("text").GetString());
    }

    [Fact]
    public async Task Publish_RefusedEvent_PrintsProblemAndExitsRejected()
    {
        await using var host = await RouterTestHost.StartAsync();
        var console = new CapturedConsole();

        var exit = await console.RunAsync("publish", "acme", "--url", host.Address.ToString(), "--type", "NotAType", "--data", "{}");

        Assert.Equal(ExitCodes.Rejected, exit);
        Assert.Contains("400", console.Error.Text);
        Assert.Contains("\"field\":\"type\"", console.Error.Text);
    }

    [Fact]
    public async Task Publish_InvalidJsonData_ExitsWithUsageError()
    {
        var console = new CapturedConsole();

        var exit = await console.RunAsync("publish", "acme", "--type", "question.created.v1", "--data", "{not json");

        Assert.Equal(ExitCodes.Usage, exit);
    }

    [Fact]
    public async Task Publish_NothingListening_ExitsUnavailable()
    {
        var console = new CapturedConsole();

        var exit = await console.RunAsync("publish", "acme", "--url", $"http://127.0.0.1:{ClosedPort()}", "--type", "question.created.v1");

        Assert.Equal(ExitCodes.Unavailable, exit);
    }

    [Fact]
    public async Task TokenPublishTail_EndToEnd_TailPrintsEveryEventOncePerLine()
    {
        await using var host = await RouterTestHost.StartAsync();
        var minted = new CapturedConsole();
        Assert.Equal(ExitCodes.Ok, await minted.RunAsync("token", "--secret", Secret, "--publish", "acme/*", "--subscribe", "acme/*"));
        var token = minted.Out.Text.Trim();
        var url = host.Address.ToString();
        var first = new CapturedConsole();
        Assert.Equal(ExitCodes.Ok, await first.RunAsync("publish", "acme", "--url", url, "--token", token, "-q", "town-hall", "-t", "question.created.v1", "-d", """{"n":1}"""));

        using var stop = new CancellationTokenSource();
        var tail = new CapturedConsole();
        var tailing = RouterCli.InvokeAsync(["tail", "acme", "--url", url, "--token", token, "--queue", "town-hall", "--from", "0"], tail.Console, stop.Token);
        var replayed = JsonDocument.Parse(await tail.Out.NextLineAsync()).RootElement;
        Assert.Equal(1, replayed.GetProperty("data").GetProperty("n").GetInt32());

        Assert.Equal(ExitCodes.Ok, await new CapturedConsole().RunAsync("publish", "acme", "--url", url, "--token", token, "-q", "town-hall", "-t", "question.created.v1", "-d", """{"n":2}"""));
        var live = JsonDocument.Parse(await tail.Out.NextLineAsync()).RootElement;
        Assert.Equal("2", live.GetProperty("sequence").GetString());
        Assert.StartsWith("# connection ", await tail.Error.NextLineAsync());

        await stop.CancelAsync();
        Assert.Equal(ExitCodes.Ok, await tailing.DefaultTimeout());
    }

    [Fact]
    public async Task Tail_RouterRestarts_ResumesWithLastEventIdWithoutGapOrDuplicate()
    {
        var directory = Path.Combine(Path.GetTempPath(), "router-tests", Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?> { ["router:streams:retry"] = "00:00:00.050" };
        var first = await RouterTestHost.StartAsync(settings, directory, keepDirectory: true);
        var url = first.Address.ToString();
        using var stop = new CancellationTokenSource();
        var tail = new CapturedConsole();
        var tailing = RouterCli.InvokeAsync(["tail", "acme", "--url", url, "-q", "q"], tail.Console, stop.Token);
        await tail.Error.NextLineStartingAsync("# connection ");
        await first.PublishAsync("acme", """[{"type":"e.created.v1","queue":"q"},{"type":"e.created.v1","queue":"q"}]""");
        Assert.Equal("1", Sequence(await tail.Out.NextLineAsync()));
        Assert.Equal("2", Sequence(await tail.Out.NextLineAsync()));

        await first.DisposeAsync();
        await tail.Error.NextLineStartingAsync("# shutdown ");
        var second = await RouterTestHost.StartAsync(new Dictionary<string, string?>(settings) { ["router:urls"] = url.TrimEnd('/') }, directory, keepDirectory: true);
        try
        {
            // Published before tail is back: it must come from the journal on resume, exactly once.
            await second.PublishAsync("acme", """{"type":"e.created.v1","queue":"q"}""");
            var resumed = await tail.Error.NextLineStartingAsync("# connection ");
            Assert.Contains("\"resumedFrom\":\"2\"", resumed);
            Assert.Equal("3", Sequence(await tail.Out.NextLineAsync()));
            await second.PublishAsync("acme", """{"type":"e.created.v1","queue":"q"}""");
            Assert.Equal("4", Sequence(await tail.Out.NextLineAsync()));

            await stop.CancelAsync();
            Assert.Equal(ExitCodes.Ok, await tailing.DefaultTimeout());
        }
        finally
        {
            await second.DisposeAsync();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Sequence(string line) => JsonDocument.Parse(line).RootElement.GetProperty("sequence").GetString()!;

    private static string[] Strings(JsonElement claim, string name) => [.. claim.GetProperty(name).EnumerateArray().Select(e => e.GetString()!)];

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

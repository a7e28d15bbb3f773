using System.Net;
using System.Text.Json;
using Router.TestKit;

namespace Router.Host.Hardening;

/// <summary>Publish bodies the fuzz test found or that the issue names (issue 5 §8): each a 400, never a 500, nothing appended.</summary>
public sealed class HostileBodyTests
{
    public static TheoryData<byte[]> InvalidUtf8Bodies => new()
    {
        // An invalid byte inside the type, a field name, the data, the audience and the id.
        Body("{\"type\":\"question.cre", [0xFF], "ated.v1\"}"),
        Body("{\"ty", [0xC3], "pe\":\"x.v1\"}"),
        Body("{\"type\":\"x.v1\",\"data\":{\"s\":\"", [0xED, 0xA0, 0x80], "\"}}"),
        Body("{\"type\":\"x.v1\",\"audience\":{\"users\":[\"", [0x80], "\"]}}"),
        Body("{\"type\":\"x.v1\",\"id\":\"a", [0xF8, 0x88, 0x80, 0x80, 0x80], "\"}"),
    };

    [Theory]
    [MemberData(nameof(InvalidUtf8Bodies))]
    public async Task Publish_InvalidUtf8_400MalformedJsonAndNothingAppended(byte[] body)
    {
        await using var host = await RouterTestHost.StartAsync();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");

        using var response = await host.Client.PostAsync("/v1/tenants/acme/events", content).DefaultTimeout();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("body", problem.RootElement.GetProperty("field").GetString());
        Assert.Contains("\"head\":\"0\"", await host.Client.GetStringAsync("/v1/tenants/acme/health").DefaultTimeout());
    }

    private static byte[] Body(string before, byte[] invalid, string after) =>
        [.. System.Text.Encoding.UTF8.GetBytes(before), .. invalid, .. System.Text.Encoding.UTF8.GetBytes(after)];

    [Theory]
    [InlineData("""{"type":"x.v1","data":{"n":1e999999}}""")]
    [InlineData("""{"type":"x.v1","data":{"n":123456789012345678901234567890123456789012345678901234567890}}""")]
    public async Task Publish_HugeNumber_StoredAsWrittenNotRounded(string body)
    {
        await using var host = await RouterTestHost.StartAsync();
        await using var stream = await host.StreamAsync("/v1/tenants/acme/stream");
        await stream.ConnectionEventAsync();

        await host.PublishAsync("acme", body);

        var (_, envelope) = await stream.NextEventAsync();
        Assert.Equal(JsonDocument.Parse(body).RootElement.GetProperty("data").GetRawText(), envelope.GetProperty("data").GetRawText());
    }
}

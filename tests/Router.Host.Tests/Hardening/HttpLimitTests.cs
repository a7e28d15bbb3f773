using System.Net;
using System.Net.Sockets;
using System.Text;
using Router.TestKit;

namespace Router.Host.Hardening;

/// <summary>
/// Kestrel limits from <c>router.http</c>: oversized request lines and headers get a 4xx before any router code
/// runs, and a request body that stalls is cut off (hostile input, issue 5 §8).
/// </summary>
public sealed class HttpLimitTests
{
    [Fact]
    public async Task RequestLine_LongerThanLimit_414AndServerHealthy()
    {
        await using var host = await RouterTestHost.StartAsync();

        using var response = await host.Client.GetAsync("/v1/tenants/acme/stream?types=" + new string('a', 9000)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.RequestUriTooLong, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/health").DefaultTimeout()).StatusCode);
    }

    [Fact]
    public async Task Headers_LargerThanLimit_431()
    {
        await using var host = await RouterTestHost.StartAsync();

        using var response = await host.PostRawAsync("acme", """{"type":"x.v1"}""", configure: r => r.Headers.TryAddWithoutValidation("X-Padding", new string('p', 40 * 1024)));

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Headers_MoreThanLimit_431()
    {
        await using var host = await RouterTestHost.StartAsync();

        using var response = await host.PostRawAsync("acme", """{"type":"x.v1"}""", configure: r =>
        {
            for (var i = 0; i < 100; i++)
            {
                r.Headers.TryAddWithoutValidation($"X-H{i}", "v");
            }
        });

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Body_StallsBelowMinimumRate_RequestCutOffAndNothingAppended()
    {
        await using var host = await RouterTestHost.StartAsync(new Dictionary<string, string?> { ["router:http:minbodyrategrace"] = "00:00:02" });
        using var client = new TcpClient();
        await client.ConnectAsync(host.Address.Host, host.Address.Port).DefaultTimeout();
        var stream = client.GetStream();
        var head = $"POST /v1/tenants/acme/events HTTP/1.1\r\nHost: {host.Address.Authority}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"type\":";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head)).DefaultTimeout();

        // Nothing more is sent: after the grace period Kestrel answers 408 or closes the connection.
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer).AsTask().DefaultTimeout();

        var answer = Encoding.ASCII.GetString(buffer, 0, read);
        Assert.True(read == 0 || answer.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), answer);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/health").DefaultTimeout()).StatusCode);
        Assert.Contains("\"head\":\"0\"", await host.Client.GetStringAsync("/v1/tenants/acme/health").DefaultTimeout());
    }
}

using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Router.TestKit;

namespace Router.Host.FlowControl;

public sealed class SlowSubscriberTests
{
    private const int Events = 400;

    [Fact]
    public async Task SubscriberThatStopsReading_IsDisconnected_OthersAndPublishersUnaffected_CatchesUpOnReturn()
    {
        await using var host = await RouterTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["router:streams:bufferevents"] = "64",
        });
        await using var fast = await host.StreamAsync("/v1/tenants/acme/queues/busy/stream");
        await fast.ConnectionEventAsync();
        using var stalled = await OpenRawStreamThatNeverReadsAsync(host.Address, "/v1/tenants/acme/queues/busy/stream");
        await WaitForConnectionsAsync(host, 2);

        // 400 events of 32 KiB: far more than the stalled socket's kernel buffers, Kestrel's and its own buffer hold.
        var pad = new string('x', 32 * 1024);
        var payload = "{\"type\":\"load.sample.v1\",\"queue\":\"busy\",\"data\":{\"pad\":\"" + pad + "\"}}";
        var received = Task.Run(async () =>
        {
            for (var expected = 1L; expected <= Events; expected++)
            {
                Assert.Equal(expected, (await fast.NextEventAsync()).Id);
            }
        });
        var slowest = TimeSpan.Zero;
        for (var i = 0; i < Events; i++)
        {
            var clock = Stopwatch.StartNew();
            await host.PublishAsync("acme", payload);
            slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
        }
        await received.DefaultTimeout();

        await WaitForConnectionsAsync(host, 1);
        Assert.True(slowest < TimeSpan.FromSeconds(2), $"the slowest publish took {slowest}");

        await using var back = await host.StreamAsync("/v1/tenants/acme/queues/busy/stream", lastEventId: "0");
        await back.ConnectionEventAsync();
        for (var expected = 1L; expected <= Events; expected++)
        {
            Assert.Equal(expected, (await back.NextEventAsync()).Id);
        }
    }

    /// <summary>A client that sends the request and then never reads a byte (its receive window fills up).</summary>
    private static async Task<TcpClient> OpenRawStreamThatNeverReadsAsync(Uri address, string path)
    {
        var client = new TcpClient { ReceiveBufferSize = 4096 };
        await client.ConnectAsync(address.Host, address.Port).DefaultTimeout();
        var request = $"GET {path} HTTP/1.1\r\nHost: {address.Authority}\r\nAccept: text/event-stream\r\n\r\n";
        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(request)).AsTask().DefaultTimeout();
        return client;
    }

    private static async Task WaitForConnectionsAsync(RouterTestHost host, int expected)
    {
        var deadline = DateTime.UtcNow + TaskTimeoutExtensions.DefaultTimeoutSpan;
        while (true)
        {
            using var health = JsonDocument.Parse(await host.Client.GetStringAsync("/v1/tenants/acme/health").DefaultTimeout());
            var active = health.RootElement.GetProperty("activeConnections").GetInt32();
            if (active == expected)
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{active} connections, expected {expected}");
            await Task.Delay(20);
        }
    }
}

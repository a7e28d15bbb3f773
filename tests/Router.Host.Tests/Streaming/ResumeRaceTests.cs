using Router.TestKit;

namespace Router.Host.Streaming;

public sealed class ResumeRaceTests
{
    private const int Reconnections = 200;

    [Fact]
    public async Task Resume_UnderContinuousPublishing_EveryPositionExactlyOnceInOrder()
    {
        await using var host = await RouterTestHost.StartAsync();
        using var stop = new CancellationTokenSource();
        var publishers = Enumerable.Range(0, 4).Select(p => Task.Run(async () =>
        {
            var published = 0;
            while (!stop.IsCancellationRequested)
            {
                var batch = p % 2 == 0
                    ? """{"type":"tick.happened.v1","queue":"race"}"""
                    : """[{"type":"tick.happened.v1","queue":"race"},{"type":"tick.happened.v1","queue":"race"},{"type":"tick.happened.v1","queue":"race"}]""";
                published += (await host.PublishAsync("acme", batch)).Count;
            }
            return published;
        })).ToArray();

        var random = new Random(20261122);
        long last = 0;
        for (var i = 0; i < Reconnections; i++)
        {
            await using var stream = await host.StreamAsync("/v1/tenants/acme/queues/race/stream", lastEventId: last.ToString());
            await stream.ConnectionEventAsync();
            var take = random.Next(1, 25);
            for (var n = 0; n < take; n++)
            {
                var (id, _) = await stream.NextEventAsync();
                // Every event of this tenant goes to this queue, so positions must arrive with no gap and no repeat.
                Assert.Equal(last + 1, id);
                last = id;
            }
        }

        await stop.CancelAsync();
        var total = (await Task.WhenAll(publishers).DefaultTimeout()).Sum();
        await using (var final = await host.StreamAsync("/v1/tenants/acme/queues/race/stream", lastEventId: last.ToString()))
        {
            await final.ConnectionEventAsync();
            while (last < total)
            {
                var (id, _) = await final.NextEventAsync();
                Assert.Equal(last + 1, id);
                last = id;
            }
            await final.Reader.ExpectNoneAsync(TimeSpan.FromMilliseconds(200));
        }
        Assert.Equal(total, last);
    }
}

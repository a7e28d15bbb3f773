using System.Diagnostics;
using System.Text;

namespace Router.LoadTool;

/// <summary>
/// One closed-loop publisher on its own keep-alive connection: it waits for each answer before sending the
/// next request, so its events reach each channel in its own order (subscribers check order per publisher).
/// Paced at <see cref="Rate"/> events/s when set (catching up in bursts if it falls behind), else as fast as the
/// server answers. Bounded by <see cref="Duration"/> and by <see cref="MaxEvents"/>.
/// </summary>
internal sealed class Publisher(Target target, string space, string[] channels, int id)
{
    private static readonly double s_microsPerTick = 1_000_000.0 / Stopwatch.Frequency;

    public double Rate { get; init; }

    public int Batch { get; init; } = 1;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    public long MaxEvents { get; init; } = long.MaxValue;

    public LatencyRecorder? RequestLatency { get; init; }

    /// <summary>Acknowledged events per channel (index into the channels given).</summary>
    public long[] Acknowledged { get; } = new long[channels.Length];

    public string[] Channels => channels;

    public long Events;
    public long Requests;
    public long Errors;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var connection = new HttpConnection(target.EndPoint);
        var body = new StringBuilder(Batch * 128);
        var paths = channels.Select(c => target.PublishPath(space, c)).ToArray();
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(Duration.TotalSeconds * Stopwatch.Frequency);
        long attempted = 0;
        var next = 0;
        while (!cancellationToken.IsCancellationRequested && Events < MaxEvents)
        {
            var now = Stopwatch.GetTimestamp();
            if (now >= deadline)
            {
                break;
            }
            if (Rate > 0 && attempted >= (long)((now - start) / (double)Stopwatch.Frequency * Rate))
            {
                await Task.Delay(1, cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Default);
                continue;
            }
            var channel = next;
            next = (next + 1) % channels.Length;
            var count = (int)Math.Min(Batch, MaxEvents - Events);
            body.Clear();
            var sent = Stopwatch.GetTimestamp();
            target.WriteBody(body, channels[channel], id, Acknowledged[channel] + 1, count, sent);
            attempted += count;
            int status;
            try
            {
                status = await connection.PostAsync(paths[channel], body, cancellationToken);
            }
            catch (Exception exception) when (exception is IOException or System.Net.Sockets.SocketException)
            {
                Errors++;
                continue;
            }
            RequestLatency?.Record((long)((Stopwatch.GetTimestamp() - sent) * s_microsPerTick));
            if (status is >= 200 and < 300)
            {
                Acknowledged[channel] += count;
                Events += count;
                Requests++;
            }
            else
            {
                Errors++;
                if (status is 429 or 503)
                {
                    await Task.Delay(10, cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Default);
                }
            }
        }
    }
}

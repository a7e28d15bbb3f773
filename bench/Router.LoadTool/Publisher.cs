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

    /// <summary>
    /// A paced publisher runs on a thread of its own with blocking calls: in the tool's thread pool its sends and
    /// wake-ups would queue behind the subscribers' receive work (a thousand completions per fan-out round), and
    /// that wait would hold it back from its schedule. Unpaced (ingest) publishers share the pool.
    /// </summary>
    public Task RunAsync(CancellationToken cancellationToken) => Rate > 0
        ? Task.Factory.StartNew(() => RunAsync(blocking: true, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()
        : RunAsync(blocking: false, cancellationToken);

    /// <summary>With <paramref name="blocking"/>, nothing here awaits an incomplete task, so the loop stays on its thread.</summary>
    private async Task RunAsync(bool blocking, CancellationToken cancellationToken)
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
                if (blocking)
                {
                    Thread.Sleep(1);
                }
                else
                {
                    await Task.Delay(1, cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Default);
                }
                continue;
            }
            var channel = next;
            next = (next + 1) % channels.Length;
            var count = (int)Math.Min(Batch, MaxEvents - Events);
            body.Clear();
            var sent = Stopwatch.GetTimestamp();
            // Event number `attempted` was due at start + attempted / Rate; unpaced, every event is due when it is sent.
            var late = Rate > 0 ? Math.Max(0, (long)((sent - start) * s_microsPerTick - attempted * 1_000_000.0 / Rate)) : 0;
            target.WriteBody(body, channels[channel], id, Acknowledged[channel] + 1, count, sent, late);
            attempted += count;
            int status;
            try
            {
                status = blocking ? connection.Post(paths[channel], body) : await connection.PostAsync(paths[channel], body, cancellationToken);
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
                    if (blocking)
                    {
                        Thread.Sleep(10);
                    }
                    else
                    {
                        await Task.Delay(10, cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Default);
                    }
                }
            }
        }
    }
}

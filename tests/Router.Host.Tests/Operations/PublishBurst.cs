using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Router.Host.Operations;

/// <summary>
/// Several publishers posting small batches with known ids as fast as the router takes them, until the router
/// refuses or goes away. Records exactly which ids were acknowledged (201), the set that must survive.
/// </summary>
internal sealed class PublishBurst
{
    private const int EventsPerBatch = 5;
    private const int MaxBatchesPerWorker = 20_000;

    private readonly ConcurrentQueue<string> _acknowledged = new();
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _threshold;
    private readonly Task _workers;

    public PublishBurst(Uri address, string tenant, int workers, int threshold)
    {
        _threshold = threshold;
        _workers = Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => RunAsync(address, tenant, w))));
    }

    public IReadOnlyCollection<string> Acknowledged => _acknowledged;

    /// <summary>Completes once at least the threshold of events has been acknowledged.</summary>
    public Task Reached => _reached.Task;

    /// <summary>Completes when every publisher has stopped (refused or disconnected).</summary>
    public Task Completion => _workers;

    private async Task RunAsync(Uri address, string tenant, int worker)
    {
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(20) };
        for (var batch = 0; batch < MaxBatchesPerWorker; batch++)
        {
            var ids = Enumerable.Range(0, EventsPerBatch).Select(i => $"w{worker}-b{batch}-e{i}").ToArray();
            var body = "[" + string.Join(',', ids.Select((id, i) => $$$"""{"type":"burst.event.v1","queue":"q{{{i % 2}}}","id":"{{{id}}}","data":{"worker":{{{worker}}}}}""")) + "]";
            try
            {
                using var response = await client.PostAsync($"/v1/tenants/{tenant}/events", new StringContent(body, Encoding.UTF8, "application/json"));
                if (response.StatusCode != HttpStatusCode.Created)
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException)
            {
                return; // the router went away: this batch was not acknowledged
            }
            foreach (var id in ids)
            {
                _acknowledged.Enqueue(id);
            }
            if (_acknowledged.Count >= _threshold)
            {
                _reached.TrySetResult();
            }
        }
        _reached.TrySetResult();
    }
}

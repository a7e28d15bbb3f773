using System.Text.Json;
using Router.TestKit;

namespace Router.Host.Operations;

/// <summary>Reads a tenant's whole history back through the router (a stream from position 0), as a client would.</summary>
internal static class JournalCheck
{
    /// <summary>Every event of <paramref name="tenant"/> in position order: (sequence, producer id).</summary>
    public static async Task<IReadOnlyList<(long Sequence, string Id)>> ReadAllAsync(HttpClient client, string tenant)
    {
        using var health = await client.GetAsync($"/v1/tenants/{tenant}/health").DefaultTimeout();
        health.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await health.Content.ReadAsStringAsync().DefaultTimeout());
        var head = long.Parse(body.RootElement.GetProperty("head").GetString()!);
        var events = new List<(long, string)>();
        if (head == 0)
        {
            return events;
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/tenants/{tenant}/stream?queue=*");
        request.Headers.Add("Last-Event-ID", "0");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).DefaultTimeout();
        response.EnsureSuccessStatusCode();
        await using var reader = new SseReader(await response.Content.ReadAsStreamAsync().DefaultTimeout());
        while (events.Count < head)
        {
            var item = await reader.NextNonHeartbeatAsync();
            if (item.EventType == "message")
            {
                var envelope = JsonDocument.Parse(item.Data).RootElement;
                events.Add((long.Parse(item.EventId!), envelope.GetProperty("id").GetString()!));
            }
        }
        return events;
    }
}

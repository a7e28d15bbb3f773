using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Router.Connections;
using Router.Journal;
using Router.Queues;
using Router.Tenants;
using Router.TestKit;

namespace Router.Host.Streaming;

/// <summary>A stream whose registration fails before anything is written still gets a problem, and gives its slots back.</summary>
public sealed class StreamRefusedTests
{
    [Fact]
    public async Task QueueStream_JournalUnavailableAtRegistration_503ProblemAndSlotsGivenBack()
    {
        await using var host = await RouterTestHost.StartAsync(
            new Dictionary<string, string?>
            {
                // The failing tenant's actor stops at its first failed start, so the follow is refused at once.
                ["router:actors:maxrestarts"] = "0",
                ["router:actors:minbackoff"] = "00:00:00",
                ["router:limits:maxconnectionsperaddress"] = "1",
            },
            configureServices: services => DecorateJournal(services, journal => new HeadlessTenantJournal(journal, TenantId.Parse("down"))));

        await using (var refused = await host.StreamAsync("/v1/tenants/down/queues/town-hall/stream"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Response.StatusCode);
            Assert.NotNull(refused.Response.Headers.RetryAfter);
            Assert.Equal("application/problem+json", refused.Response.Content.Headers.ContentType?.MediaType);
            var problem = JsonDocument.Parse(await refused.Response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("https://router.example/problems/unavailable", problem.GetProperty("type").GetString());
        }

        // The refused stream held this address's only slot and a place in the node's count until it ended.
        await Eventually.UntilAsync(() => host.Services.GetRequiredService<ConnectionRegistry>().Count == 0, "the refused stream leaving the registry");
        await using var healthy = await host.StreamAsync("/v1/tenants/acme/queues/town-hall/stream");
        Assert.Equal(HttpStatusCode.OK, healthy.Response.StatusCode);
        await healthy.ConnectionEventAsync();
    }

    private static void DecorateJournal(IServiceCollection services, Func<IEventJournal, IEventJournal> decorate)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IEventJournal));
        var create = registered.ImplementationFactory ?? throw new InvalidOperationException("The journal is expected to be registered by a factory.");
        services.Remove(registered);
        services.AddSingleton(sp => decorate((IEventJournal)create(sp)));
    }

    /// <summary>The real journal, except that one tenant's head cannot be read: its tenant actor cannot start.</summary>
    private sealed class HeadlessTenantJournal(IEventJournal inner, TenantId failing) : IEventJournal
    {
        public ValueTask<Position> ReadHeadAsync(TenantId tenant, CancellationToken cancellationToken) =>
            tenant == failing ? throw new JournalUnavailableException("The test journal cannot read this tenant.") : inner.ReadHeadAsync(tenant, cancellationToken);

        public ValueTask InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

        public ValueTask<IReadOnlyList<BatchResult>> AppendAsync(TenantId tenant, IReadOnlyList<IReadOnlyList<EventToAppend>> batches, CancellationToken cancellationToken) =>
            inner.AppendAsync(tenant, batches, cancellationToken);

        public ValueTask<IReadOnlyList<JournalEvent>> ReadAsync(TenantId tenant, JournalQuery query, CancellationToken cancellationToken) => inner.ReadAsync(tenant, query, cancellationToken);

        public ValueTask<Position> ReadQueueHeadAsync(TenantId tenant, QueueName queue, CancellationToken cancellationToken) => inner.ReadQueueHeadAsync(tenant, queue, cancellationToken);

        public ValueTask<Position> ReadEarliestAsync(TenantId tenant, CancellationToken cancellationToken) => inner.ReadEarliestAsync(tenant, cancellationToken);

        public ValueTask<long> PruneAsync(TenantId tenant, DateTimeOffset olderThan, long keepNewest, CancellationToken cancellationToken) =>
            inner.PruneAsync(tenant, olderThan, keepNewest, cancellationToken);

        public ValueTask<IReadOnlyList<TenantId>> ReadTenantsAsync(CancellationToken cancellationToken) => inner.ReadTenantsAsync(cancellationToken);

        public ValueTask<bool> PingAsync(CancellationToken cancellationToken) => inner.PingAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}

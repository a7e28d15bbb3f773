using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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
            configureServices: services => DecorateJournal(services, journal => new HeadHookedJournal(journal, (tenant, cancellationToken) =>
                tenant == TenantId.Parse("down")
                    ? throw new JournalUnavailableException("The test journal cannot read this tenant.")
                    : journal.ReadHeadAsync(tenant, cancellationToken))));

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

    [Fact]
    public async Task QueueStream_ClientLeavesBeforeRegistrationFinishes_EndsWithoutALoggedError()
    {
        var logs = new WarningLogRecorder();
        var headAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var headGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var host = await RouterTestHost.StartAsync(configureServices: services =>
        {
            services.AddSingleton<ILoggerProvider>(logs);
            // The tenant's head is read when its actor starts; holding it keeps the stream waiting in its registration.
            DecorateJournal(services, journal => new HeadHookedJournal(journal, async (tenant, cancellationToken) =>
            {
                headAsked.TrySetResult();
                await headGate.Task.WaitAsync(cancellationToken);
                return await journal.ReadHeadAsync(tenant, cancellationToken);
            }));
        });
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host.Address.Host, host.Address.Port).DefaultTimeout();
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /v1/tenants/acme/queues/q1/stream HTTP/1.1\r\nHost: {host.Address.Authority}\r\n\r\n")).DefaultTimeout();
            await headAsked.Task.DefaultTimeout();

            client.Client.Shutdown(SocketShutdown.Send);
            await Eventually.UntilAsync(() => host.Services.GetRequiredService<ConnectionRegistry>().Count == 0, "the stream ending");
        }
        finally
        {
            headGate.TrySetResult();
            // Stopping waits for every request to finish, so whatever Kestrel logs about this one is logged by then.
            await host.DisposeAsync();
        }

        Assert.True(logs.Messages.Count == 0, string.Join("\n", logs.Messages));
    }

    private static void DecorateJournal(IServiceCollection services, Func<IEventJournal, IEventJournal> decorate)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IEventJournal));
        var create = registered.ImplementationFactory ?? throw new InvalidOperationException("The journal is expected to be registered by a factory.");
        services.Remove(registered);
        services.AddSingleton(sp => decorate((IEventJournal)create(sp)));
    }

    /// <summary>The real journal, except that reading a tenant's head (what its actor does to start) goes through <paramref name="readHead"/>.</summary>
    private sealed class HeadHookedJournal(IEventJournal inner, Func<TenantId, CancellationToken, ValueTask<Position>> readHead) : IEventJournal
    {
        public ValueTask<Position> ReadHeadAsync(TenantId tenant, CancellationToken cancellationToken) => readHead(tenant, cancellationToken);

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

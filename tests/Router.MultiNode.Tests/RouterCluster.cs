using Router.Host;
using Router.Journal.Postgres;

namespace Router.MultiNode;

/// <summary>Router nodes, each a real host (Kestrel on its own loopback port, its own actors and pool), on one PostgreSQL store.</summary>
internal sealed class RouterCluster : IAsyncDisposable
{
    private readonly PostgresTestStore _store;
    private readonly List<RouterTestHost?> _nodes = [];

    private RouterCluster(PostgresTestStore store) => _store = store;

    public PostgresTestStore Store => _store;

    public IReadOnlyList<RouterTestHost> Nodes => [.. _nodes.OfType<RouterTestHost>()];

    public RouterTestHost this[int index] => _nodes[index] ?? throw new InvalidOperationException($"Node {index} was stopped.");

    /// <summary>Starts <paramref name="count"/> nodes together, as a deployment would (they race to create the schema).</summary>
    public static async Task<RouterCluster> StartAsync(PostgresTestStore store, int count)
    {
        var cluster = new RouterCluster(store);
        var nodes = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => RouterTestHost.StartAsync(Settings(store))));
        cluster._nodes.AddRange(nodes);
        return cluster;
    }

    /// <summary>Stops one node as SIGTERM would: its streams get <c>event: shutdown</c> and end.</summary>
    public async Task StopAsync(int index)
    {
        var node = this[index];
        _nodes[index] = null;
        await node.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes.OfType<RouterTestHost>())
        {
            await node.DisposeAsync();
        }
    }

    private static Dictionary<string, string?> Settings(PostgresTestStore store) => new()
    {
        ["router:journal:provider"] = "postgres",
        ["router:journal:postgres:ConnectionString"] = store.ConnectionString,
        ["router:journal:postgres:Schema"] = store.Schema,
        ["router:journal:postgres:MaxPoolSize"] = "6",
        ["router:publish:RetryAfter"] = "00:00:01",
    };
}

using System.Text;
using Router.Connections;
using Router.Events;
using Router.Journal;
using Router.Queues;
using Router.Routing;
using Router.Tenants;

namespace Router.Benchmarks;

/// <summary>The event the benchmarks move around: shaped like the load tool's (small data) plus a typical payload.</summary>
internal static class Fixtures
{
    public static readonly TenantId Tenant = TenantId.Parse("acme");

    public static readonly QueueName Queue = QueueName.Parse("town-hall");

    /// <summary>A ~200-byte payload, typical of a live Q&amp;A question.</summary>
    public static readonly byte[] Data = Encoding.UTF8.GetBytes(
        "{\"text\":\"When will the new office open, and will there be parking for bicycles?\",\"author\":{\"id\":\"u-1842\",\"name\":\"Ada\"},\"votes\":3,\"tags\":[\"office\",\"facilities\"]}");

    public static JournalEvent Stored(long position, string type = "question.created.v1", string? origin = "tab-1") => new(
        new Position(position),
        "0197f6b2-7c1e-7a4e-9d0c-4b1f2a3c4d5e",
        type,
        Queue.Value,
        new DateTimeOffset(2026, 11, 22, 10, 0, 0, 123, TimeSpan.Zero),
        Data,
        null,
        origin);

    public static RoutedEvent Routed(long position, string type = "question.created.v1", string? origin = "tab-1") =>
        RoutedEvent.From(Tenant, Stored(position, type, origin), RoutingTable.Default)!;

    public static SubscriptionFilter QueueFilter(string[] types, string? clientId) =>
        new(StreamScope.ForQueue(Tenant, Queue), TypePatternSet.Parse(types), clientId, TypePatternSet.Empty);
}

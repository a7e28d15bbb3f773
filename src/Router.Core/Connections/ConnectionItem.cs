using Router.Events;

namespace Router.Connections;

/// <summary>
/// An entry of a connection's outbound buffer: an event or, when <see cref="Event"/> is null, a heartbeat or (with
/// <see cref="IsHandOver"/>) a wake-up for the run loop to finish a write-through whose flush could not complete at once.
/// </summary>
internal readonly record struct ConnectionItem(RoutedEvent? Event, bool IsHandOver = false)
{
    public static ConnectionItem Heartbeat => default;

    public static ConnectionItem HandOver => new(null, IsHandOver: true);
}

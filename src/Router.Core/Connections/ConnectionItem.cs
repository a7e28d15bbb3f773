using Router.Events;

namespace Router.Connections;

/// <summary>An entry of a connection's outbound buffer: an event, or (when <see cref="Event"/> is null) a heartbeat.</summary>
internal readonly record struct ConnectionItem(RoutedEvent? Event)
{
    public static ConnectionItem Heartbeat => default;
}

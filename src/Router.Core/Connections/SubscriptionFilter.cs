using Router.Events;

namespace Router.Connections;

/// <summary>
/// Decides whether one event reaches one connection: its scope, its <c>types=</c> patterns and the echo
/// filter (SPEC §4, §5). Immutable, so the queue actor can evaluate it on its own thread during fan-out and
/// the connection can evaluate the same rule during replay.
/// </summary>
internal sealed class SubscriptionFilter
{
    public SubscriptionFilter(StreamScope scope, TypePatternSet types, string? clientId, TypePatternSet alwaysDeliver)
    {
        Scope = scope;
        Types = types;
        ClientId = clientId;
        AlwaysDeliver = alwaysDeliver;
    }

    public StreamScope Scope { get; }

    /// <summary>Empty means every type.</summary>
    public TypePatternSet Types { get; }

    /// <summary>The connection's tab id; events published by the same tab are not echoed back.</summary>
    public string? ClientId { get; }

    /// <summary>Types delivered even to the tab that published them (locks, progress).</summary>
    public TypePatternSet AlwaysDeliver { get; }

    public bool Matches(RoutedEvent e)
    {
        if (!Scope.Matches(e))
        {
            return false;
        }
        if (!Types.IsEmpty && !Types.Matches(e.Type))
        {
            return false;
        }
        if (ClientId is not null
            && string.Equals(ClientId, e.Stored.OriginClientId, StringComparison.Ordinal)
            && !AlwaysDeliver.Matches(e.Type))
        {
            return false;
        }
        return true;
    }
}

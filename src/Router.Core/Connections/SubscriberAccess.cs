using Router.Events;

namespace Router.Connections;

/// <summary>
/// What a connection's token grants once the stream is open (SPEC §8): who it is (for private events) and which
/// queues it may read (for <c>?queue=*</c>, which must not leak queues the token cannot read, including queues
/// created after the stream opened). Immutable; evaluated by the queue actor and by replay alike.
/// </summary>
internal sealed class SubscriberAccess
{
    private readonly Func<string, bool>? _canReadQueue;

    public SubscriberAccess(string? userId, IEnumerable<string> groups, IEnumerable<string> roles, Func<string, bool>? canReadQueue)
    {
        UserId = userId;
        Groups = groups.ToHashSet(StringComparer.Ordinal);
        Roles = roles.ToHashSet(StringComparer.Ordinal);
        _canReadQueue = canReadQueue;
    }

    /// <summary>No token (auth open): every queue is readable, and no private event matches (fails closed).</summary>
    public static SubscriberAccess Anonymous { get; } = new(null, [], [], null);

    /// <summary>The token's <c>sub</c>; null without a token.</summary>
    public string? UserId { get; }

    public IReadOnlySet<string> Groups { get; }

    public IReadOnlySet<string> Roles { get; }

    public bool CanReadQueue(string queue) => _canReadQueue?.Invoke(queue) ?? true;

    public bool Admits(Audience audience) => audience.Admits(UserId, Groups, Roles);
}

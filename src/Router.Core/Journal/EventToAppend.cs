namespace Router.Journal;

/// <summary>An event accepted by the router and not yet in the journal; the journal assigns its position.</summary>
public sealed record EventToAppend(
    string EventId,
    string Type,
    string? Queue,
    DateTimeOffset Time,
    ReadOnlyMemory<byte> Data,
    ReadOnlyMemory<byte>? Audience,
    string? OriginClientId)
{
    /// <summary>
    /// True when the router generated <see cref="EventId"/> (a fresh UUIDv7) because the producer sent none. Such an
    /// id cannot already be stored nor repeat in the call, so a journal may skip its idempotency lookup; the
    /// per-tenant unique index on the id stays the last word. False (the default) means a producer's id: look it up.
    /// </summary>
    public bool IdGenerated { get; init; }
}

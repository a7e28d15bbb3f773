namespace Router.Journal;

/// <summary>
/// One event exactly as it is stored in a tenant's journal. <see cref="Data"/> and
/// <see cref="Audience"/> are UTF-8 JSON kept byte for byte as the producer sent them.
/// </summary>
/// <param name="Position">The tenant-wide position, the SSE id.</param>
/// <param name="EventId">The producer's id, or one the router generated; unique per tenant.</param>
/// <param name="Type">The versioned type as published, e.g. <c>question.created.v2</c>.</param>
/// <param name="Queue">The queue name, or null for a tenant-level event.</param>
/// <param name="Time">When the router accepted the event.</param>
/// <param name="Data">The payload, UTF-8 JSON.</param>
/// <param name="Audience">The private-event audience as UTF-8 JSON, or null for a public event.</param>
/// <param name="OriginClientId">The publishing tab's id, for echo filtering, or null.</param>
public sealed record JournalEvent(
    Position Position,
    string EventId,
    string Type,
    string? Queue,
    DateTimeOffset Time,
    ReadOnlyMemory<byte> Data,
    ReadOnlyMemory<byte>? Audience,
    string? OriginClientId);

namespace Router.Journal;

/// <summary>An event accepted by the router and not yet in the journal; the journal assigns its position.</summary>
public sealed record EventToAppend(
    string EventId,
    string Type,
    string? Queue,
    DateTimeOffset Time,
    ReadOnlyMemory<byte> Data,
    ReadOnlyMemory<byte>? Audience,
    string? OriginClientId);

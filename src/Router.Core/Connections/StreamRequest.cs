using Router.Journal;
using Router.Versioning;

namespace Router.Connections;

/// <summary>What a client asked for when it opened a stream, after validation.</summary>
/// <param name="Filter">Scope, types and echo filter.</param>
/// <param name="ResumeFrom">The Last-Event-ID position, or null to start live at the head.</param>
/// <param name="TypeAsEventField">Put the type in the SSE <c>event:</c> field (<c>sseEvent=type</c>).</param>
/// <param name="Pins">Versions pinned with <c>accept=</c>; other types go out at their newest registered version.</param>
/// <param name="ExpiresAt">The token's <c>exp</c>: the stream ends then with <c>event: shutdown</c>, token-expired; null never.</param>
internal sealed record StreamRequest(SubscriptionFilter Filter, Position? ResumeFrom, bool TypeAsEventField, VersionPins Pins, DateTimeOffset? ExpiresAt = null);

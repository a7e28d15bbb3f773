namespace Router.Journal;

/// <summary>What became of one event of an append: newly stored, or a duplicate of an earlier event with the same id.</summary>
/// <param name="Event">The stored event: the new one, or for a duplicate the one stored earlier.</param>
/// <param name="Duplicate">True when nothing was appended because the id was already in the journal.</param>
public readonly record struct AppendedEvent(JournalEvent Event, bool Duplicate);

/// <summary>The outcome of one batch, in the order of the batch's events.</summary>
public sealed record BatchResult(IReadOnlyList<AppendedEvent> Events);

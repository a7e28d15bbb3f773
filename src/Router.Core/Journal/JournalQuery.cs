using Router.Queues;

namespace Router.Journal;

/// <summary>One page of a tenant's journal: events with a position above <paramref name="After"/>, in order.</summary>
/// <param name="After">Exclusive lower bound.</param>
/// <param name="Limit">At most this many events (a page).</param>
/// <param name="Queue">When set, only events of this queue; otherwise every event of the tenant.</param>
public readonly record struct JournalQuery(Position After, int Limit, QueueName? Queue = null);

using System.Runtime.CompilerServices;
using Router.Queues;

namespace Router.Journal;

/// <summary>One page of a tenant's journal: events with a position above <paramref name="After"/>, in order.</summary>
/// <param name="After">Exclusive lower bound.</param>
/// <param name="Limit">At most this many events (a page).</param>
/// <param name="Queue">When set, only events of this queue; otherwise every event of the tenant.</param>
public readonly record struct JournalQuery(Position After, int Limit, QueueName? Queue = null)
{
    /// <summary>Refuses a limit below 1 and a <c>default(QueueName)</c> queue: an argument check for the journals' reads.</summary>
    public static void ThrowIfInvalid(JournalQuery query, [CallerArgumentExpression(nameof(query))] string? paramName = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, paramName);
        if (query.Queue is { Value: null })
        {
            throw new ArgumentException("The query's queue is default(QueueName).", paramName);
        }
    }
}

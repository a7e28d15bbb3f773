namespace Router.Journal;

/// <summary>
/// Wake-ups for appends that other processes (other router nodes) made to a shared journal. A change carries
/// no events and no position: it only says which tenant to re-read, by position, from what the reader has
/// already delivered. So a change that arrives twice, late, or for the reader's own append costs one read and
/// loses nothing.
/// </summary>
/// <remarks>
/// Consume it from one long-lived loop per process:
/// <list type="bullet">
/// <item><see cref="JournalChange.IsResync"/> false: if the tenant has local followers, read its journal after the
/// last position delivered to them and deliver what is new. Tenants without local followers are ignored.</item>
/// <item><see cref="JournalChange.IsResync"/> true: notifications may have been missed (the feed has just
/// (re)connected, its buffer overflowed, or a quiet interval passed): do the same for every tenant with local
/// followers.</item>
/// </list>
/// The first change of every enumeration is a resync. Enumeration ends only when its token is cancelled;
/// storage outages are retried inside the feed, with a resync after each reconnect.
/// </remarks>
public interface IJournalChangeFeed
{
    /// <summary>Changes in arrival order until <paramref name="cancellationToken"/> is cancelled.</summary>
    IAsyncEnumerable<JournalChange> ListenAsync(CancellationToken cancellationToken);
}

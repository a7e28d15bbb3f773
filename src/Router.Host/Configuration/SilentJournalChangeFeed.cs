using System.Runtime.CompilerServices;
using Router.Journal;

namespace Router.Host.Configuration;

/// <summary>
/// The change feed of a journal with one writer, this process (SQLite): no other node appends, so there is
/// never anything to hear. Enumeration just waits for its cancellation.
/// </summary>
internal sealed class SilentJournalChangeFeed : IJournalChangeFeed
{
    public static SilentJournalChangeFeed Instance { get; } = new();

    public async IAsyncEnumerable<JournalChange> ListenAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield break;
    }
}

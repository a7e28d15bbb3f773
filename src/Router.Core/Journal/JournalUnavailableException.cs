namespace Router.Journal;

/// <summary>The journal's storage cannot be reached or is shutting down; the operation stored nothing.</summary>
public sealed class JournalUnavailableException : Exception
{
    public JournalUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

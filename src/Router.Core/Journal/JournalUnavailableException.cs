namespace Router.Journal;

/// <summary>The journal's storage cannot be reached or is shutting down; the operation stored nothing.</summary>
public sealed class JournalUnavailableException : Exception
{
    public JournalUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>"The {journal} journal is shutting down.": appends and reads after the journal began to close.</summary>
    internal static JournalUnavailableException ShuttingDown(string journal, Exception? innerException = null) =>
        new($"The {journal} journal is shutting down.", innerException);
}

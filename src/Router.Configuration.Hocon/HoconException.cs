namespace Router.Configuration.Hocon;

/// <summary>
/// A HOCON document could not be read: bad syntax, an unresolved substitution, a cycle or a missing required
/// include. The message starts with <c>file(line,column):</c> so it can be pasted into an editor's go-to-line.
/// </summary>
public sealed class HoconException : Exception
{
    internal HoconException(SourcePosition position, string message, Exception? innerException = null)
        : base($"{position}: {message}", innerException)
    {
        Origin = position.Origin;
        Line = position.Line;
        Column = position.Column;
        Reason = message;
    }

    /// <summary>The file the error is in, or <c>&lt;string&gt;</c> for text parsed from memory.</summary>
    public string Origin { get; }

    /// <summary>1-based line.</summary>
    public int Line { get; }

    /// <summary>1-based column, counted in UTF-16 characters; a tab counts as one.</summary>
    public int Column { get; }

    /// <summary>The message without the position prefix.</summary>
    public string Reason { get; }
}

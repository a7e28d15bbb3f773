namespace Router.Journal;

/// <summary>
/// Whether a journal with one group-commit writer is open, the same for SQLite and PostgreSQL: opened at most once,
/// closed at most once, and "shutting down" for every caller from the moment closing begins (before the writer has
/// drained), so nothing new is accepted while the last commits finish.
/// </summary>
/// <typeparam name="TWriter">The journal's writer, made by <see cref="OpenAsync"/>.</typeparam>
internal sealed class JournalLifecycle<TWriter>(string journal)
    where TWriter : class
{
    /// <summary>Serializes <see cref="OpenAsync"/> and <see cref="CloseAsync"/>.</summary>
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Set once <see cref="OpenAsync"/> has made the writer; never cleared.</summary>
    private volatile TWriter? _writer;

    /// <summary>Set when <see cref="CloseAsync"/> begins.</summary>
    private volatile bool _closing;

    /// <summary>Set when <see cref="CloseAsync"/> has run its close; guarded by <see cref="_gate"/>.</summary>
    private bool _closed;

    public bool IsClosing => _closing;

    /// <summary>The writer if the journal was opened, closing or not; for figures and readiness, never for work.</summary>
    public TWriter? Current => _writer;

    /// <summary>The writer of an open journal; throws "shutting down" once closing began, and before it is opened.</summary>
    public TWriter Writer
    {
        get
        {
            ThrowIfClosing();
            return _writer ?? throw new InvalidOperationException($"The {journal} journal is not initialized: call InitializeAsync first.");
        }
    }

    public void ThrowIfClosing()
    {
        if (_closing)
        {
            throw JournalUnavailableException.ShuttingDown(journal);
        }
    }

    /// <summary>Makes the writer with <paramref name="open"/> unless it exists; refused once closing began.</summary>
    public async ValueTask OpenAsync(Func<CancellationToken, ValueTask<TWriter>> open, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ThrowIfClosing();
            _writer ??= await open(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Marks the journal closing at once, then (after an open in progress, and only the first time) runs
    /// <paramref name="close"/> with the writer, or null if the journal was never opened.
    /// </summary>
    public async ValueTask CloseAsync(Func<TWriter?, ValueTask> close)
    {
        _closing = true;
        await _gate.WaitAsync();
        try
        {
            if (_closed)
            {
                return;
            }
            _closed = true;
            await close(_writer);
        }
        finally
        {
            _gate.Release();
        }
    }
}

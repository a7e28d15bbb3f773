using Router.TestKit;

namespace Router.Journal;

public sealed class JournalLifecycleTests
{
    private sealed class Writer;

    [Fact]
    public void Writer_BeforeOpen_ThrowsNotInitialized()
    {
        var lifecycle = new JournalLifecycle<Writer>("Test");

        var refused = Assert.Throws<InvalidOperationException>(() => lifecycle.Writer);

        Assert.Equal("The Test journal is not initialized: call InitializeAsync first.", refused.Message);
        Assert.Null(lifecycle.Current);
    }

    [Fact]
    public async Task OpenAsync_Twice_MakesOneWriter()
    {
        var lifecycle = new JournalLifecycle<Writer>("Test");
        var made = 0;
        ValueTask<Writer> Open(CancellationToken _)
        {
            made++;
            return ValueTask.FromResult(new Writer());
        }

        await lifecycle.OpenAsync(Open, CancellationToken.None).DefaultTimeout();
        var first = lifecycle.Writer;
        await lifecycle.OpenAsync(Open, CancellationToken.None).DefaultTimeout();

        Assert.Equal(1, made);
        Assert.Same(first, lifecycle.Writer);
    }

    [Fact]
    public async Task CloseAsync_AfterOpen_ClosesTheWriterOnceAndRefusesEverythingAfter()
    {
        var lifecycle = new JournalLifecycle<Writer>("Test");
        await lifecycle.OpenAsync(_ => ValueTask.FromResult(new Writer()), CancellationToken.None).DefaultTimeout();
        var writer = lifecycle.Writer;
        var closed = new List<Writer?>();

        await lifecycle.CloseAsync(w => { closed.Add(w); return ValueTask.CompletedTask; }).DefaultTimeout();
        await lifecycle.CloseAsync(w => { closed.Add(w); return ValueTask.CompletedTask; }).DefaultTimeout();

        Assert.Equal([writer], closed);
        Assert.True(lifecycle.IsClosing);
        Assert.Equal("The Test journal is shutting down.", Assert.Throws<JournalUnavailableException>(() => lifecycle.Writer).Message);
        await Assert.ThrowsAsync<JournalUnavailableException>(
            () => lifecycle.OpenAsync(_ => ValueTask.FromResult(new Writer()), CancellationToken.None).AsTask()).DefaultTimeout();
        Assert.Same(writer, lifecycle.Current);
    }

    [Fact]
    public async Task CloseAsync_NeverOpened_ClosesWithNoWriter()
    {
        var lifecycle = new JournalLifecycle<Writer>("Test");
        var closedWith = new List<Writer?>();

        await lifecycle.CloseAsync(w => { closedWith.Add(w); return ValueTask.CompletedTask; }).DefaultTimeout();

        Assert.Equal([null], closedWith);
    }

    [Fact]
    public async Task CloseAsync_WhileOpening_RefusesAtOnceThenClosesTheWriterTheOpenMade()
    {
        var lifecycle = new JournalLifecycle<Writer>("Test");
        var opening = new TaskCompletionSource<Writer>(TaskCreationOptions.RunContinuationsAsynchronously);
        var open = lifecycle.OpenAsync(_ => new ValueTask<Writer>(opening.Task), CancellationToken.None).AsTask();
        Writer? closedWith = null;

        var close = lifecycle.CloseAsync(w => { closedWith = w; return ValueTask.CompletedTask; }).AsTask();

        Assert.Throws<JournalUnavailableException>(() => lifecycle.Writer);
        Assert.False(close.IsCompleted);
        var writer = new Writer();
        opening.SetResult(writer);
        await Task.WhenAll(open, close).DefaultTimeout();
        Assert.Same(writer, closedWith);
    }
}

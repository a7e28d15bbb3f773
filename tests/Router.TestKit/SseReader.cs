using System.Net.ServerSentEvents;

namespace Router.TestKit;

/// <summary>
/// Reads SSE items from a stream (an HTTP response, or a pipe in actor tests) with the framework's own
/// <see cref="SseParser"/>, so tests parse exactly as a spec-following client does. Every read is bounded.
/// </summary>
public sealed class SseReader : IAsyncDisposable
{
    private readonly IAsyncEnumerator<SseItem<string>> _items;
    private Task<bool>? _pending;

    public SseReader(Stream stream)
    {
        _items = SseParser.Create(stream).EnumerateAsync().GetAsyncEnumerator();
    }

    /// <summary>The next item (of any type), or an exception if the stream ended or nothing came in time.</summary>
    public async Task<SseItem<string>> NextAsync(TimeSpan? timeout = null)
    {
        var next = _pending ?? _items.MoveNextAsync().AsTask();
        _pending = next;
        var hasItem = await next.DefaultTimeout(timeout);
        _pending = null;
        return hasItem ? _items.Current : throw new EndOfStreamException("The SSE stream ended.");
    }

    /// <summary>The next item that is not a heartbeat.</summary>
    public async Task<SseItem<string>> NextNonHeartbeatAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var item = await NextAsync(timeout);
            if (item.EventType != "heartbeat")
            {
                return item;
            }
        }
    }

    /// <summary>True when the stream ends (the server closed it) within the timeout, skipping items before that.</summary>
    public async Task<bool> EndsAsync(TimeSpan? timeout = null)
    {
        try
        {
            while (true)
            {
                await NextAsync(timeout);
            }
        }
        catch (EndOfStreamException)
        {
            return true;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>Checks that no item arrives within <paramref name="within"/>; the pending read is kept for the next call.</summary>
    public async Task ExpectNoneAsync(TimeSpan within)
    {
        var next = _pending ?? _items.MoveNextAsync().AsTask();
        _pending = next;
        if (await Task.WhenAny(next, Task.Delay(within)) == next)
        {
            _pending = null;
            var item = await next ? $"{_items.Current.EventType}: {_items.Current.Data}" : "end of stream";
            throw new Xunit.Sdk.XunitException($"Expected nothing, got {item}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _items.DisposeAsync();
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException or NotSupportedException)
        {
            // A pending read on a closed stream: nothing left to release.
        }
    }
}

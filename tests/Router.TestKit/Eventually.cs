namespace Router.TestKit;

/// <summary>
/// Waits for a condition that another thread makes true (an actor passivating, a count dropping), yielding
/// between checks and failing with a clear message at the default timeout. For state with no event to await.
/// </summary>
public static class Eventually
{
    public static async Task UntilAsync(Func<bool> condition, string? what = null)
    {
        var deadline = DateTime.UtcNow + TaskTimeoutExtensions.DefaultTimeoutSpan;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Condition not reached: {what ?? "(unnamed)"}.");
            }
            await Task.Yield();
        }
    }
}

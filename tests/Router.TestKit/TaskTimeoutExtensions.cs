using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Router.TestKit;

/// <summary>Every await in a test is bounded, so a hang fails at the line that hung instead of stalling the run.</summary>
public static class TaskTimeoutExtensions
{
    /// <summary>Generous on a loaded 2-core CI machine; a passing test never waits this long.</summary>
    public static TimeSpan DefaultTimeoutSpan => Debugger.IsAttached ? TimeSpan.FromMinutes(10) : TimeSpan.FromSeconds(30);

    public static Task DefaultTimeout(this Task task, TimeSpan? timeout = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0) =>
        task.WaitAsync(timeout ?? DefaultTimeoutSpan).ContinueWith(
            t => t.Exception?.InnerException is TimeoutException ? throw new TimeoutException($"Timed out at {file}:{line}") : t,
            TaskScheduler.Default).Unwrap();

    public static async Task<T> DefaultTimeout<T>(this Task<T> task, TimeSpan? timeout = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0)
    {
        try
        {
            return await task.WaitAsync(timeout ?? DefaultTimeoutSpan);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out at {file}:{line}");
        }
    }

    public static Task DefaultTimeout(this ValueTask task, TimeSpan? timeout = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0) =>
        task.AsTask().DefaultTimeout(timeout, file, line);

    public static Task<T> DefaultTimeout<T>(this ValueTask<T> task, TimeSpan? timeout = null, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0) =>
        task.AsTask().DefaultTimeout(timeout, file, line);
}

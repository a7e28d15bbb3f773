namespace Router.Actors;

/// <summary>
/// How a parent treats a failing child: a decider maps the exception to a <see cref="Directive"/>;
/// restarts back off exponentially from <see cref="MinBackoff"/> to <see cref="MaxBackoff"/>, and more than
/// <see cref="MaxRestarts"/> restarts within <see cref="Window"/> turn into a stop so a poisoned actor cannot spin.
/// </summary>
public sealed class SupervisorStrategy
{
    public SupervisorStrategy(Func<Exception, Directive> decider, int maxRestarts, TimeSpan window, TimeSpan minBackoff, TimeSpan maxBackoff)
    {
        ArgumentNullException.ThrowIfNull(decider);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRestarts);
        Decider = decider;
        MaxRestarts = maxRestarts;
        Window = window;
        MinBackoff = minBackoff;
        MaxBackoff = maxBackoff < minBackoff ? minBackoff : maxBackoff;
    }

    /// <summary>Every failure stops the actor (used where a restart cannot rebuild anything useful).</summary>
    public static SupervisorStrategy StopOnFailure { get; } = new(_ => Directive.Stop, 0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);

    public Func<Exception, Directive> Decider { get; }

    public int MaxRestarts { get; }

    public TimeSpan Window { get; }

    public TimeSpan MinBackoff { get; }

    public TimeSpan MaxBackoff { get; }

    /// <summary>Restart on every failure with the given limits.</summary>
    public static SupervisorStrategy Restart(int maxRestarts, TimeSpan window, TimeSpan minBackoff, TimeSpan maxBackoff) =>
        new(_ => Directive.Restart, maxRestarts, window, minBackoff, maxBackoff);

    /// <summary>Backoff before the n-th consecutive restart (1-based): min, 2·min, 4·min, … capped at max.</summary>
    internal TimeSpan BackoffFor(int restartNumber)
    {
        if (MinBackoff <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }
        var factor = Math.Pow(2, Math.Min(restartNumber - 1, 30));
        var ticks = Math.Min(MinBackoff.Ticks * factor, MaxBackoff.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }
}

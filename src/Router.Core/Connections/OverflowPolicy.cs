namespace Router.Connections;

/// <summary>What a live connection does when its outbound buffer is full (SPEC §7).</summary>
internal enum OverflowPolicy
{
    /// <summary>Close the connection; the client reconnects with Last-Event-ID and catches up from the journal, losing nothing.</summary>
    Disconnect,

    /// <summary>Drop the oldest buffered events and tell the client with <c>event: reset</c> (reason <c>overflow</c>).</summary>
    DropOldest,
}

internal static class OverflowPolicyNames
{
    public static OverflowPolicy Parse(string? text) => text?.ToLowerInvariant() switch
    {
        "disconnect" => OverflowPolicy.Disconnect,
        "drop-oldest" or "dropoldest" => OverflowPolicy.DropOldest,
        _ => throw new FormatException($"router.streams.overflow: '{text}' is not a policy; use disconnect or drop-oldest."),
    };
}

namespace Router.Connections;

/// <summary>Why a connection ended; logged and counted, and for some a farewell frame is sent.</summary>
internal enum CloseReason
{
    None = 0,

    /// <summary>The client went away (request aborted).</summary>
    ClientGone,

    /// <summary>The server is stopping; the client gets <c>event: shutdown</c> with <c>server-shutdown</c>.</summary>
    ServerShutdown,

    /// <summary>The token's <c>exp</c> passed; the client gets <c>event: shutdown</c> with <c>token-expired</c>.</summary>
    TokenExpired,

    /// <summary>The live buffer overflowed under the <c>disconnect</c> policy; the client resumes from the journal.</summary>
    Overflow,

    /// <summary>A write made no progress within the write timeout: the client stopped reading.</summary>
    SlowClient,

    /// <summary>The queue or tenant actor feeding it stopped (fault or shutdown); the client resumes from the journal.</summary>
    SourceStopped,

    /// <summary>Writing to the response failed or the connection faulted.</summary>
    Faulted,
}

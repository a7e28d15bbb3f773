namespace Router.Host.Security;

/// <summary>How the router authenticates, once <c>router.auth.mode</c> and the configured keys are combined.</summary>
internal enum AuthMode
{
    /// <summary>Every publish and stream needs a valid JWT.</summary>
    Jwt,

    /// <summary>No keys and <c>mode = auto</c>: no authentication, and the router listens on loopback only.</summary>
    OpenLoopback,

    /// <summary><c>mode = open</c>: no authentication on any address, chosen explicitly.</summary>
    Open,
}

internal static class AuthModeNames
{
    /// <summary>The name <c>/ready</c> reports.</summary>
    public static string Name(this AuthMode mode) => mode switch
    {
        AuthMode.Jwt => "jwt",
        AuthMode.OpenLoopback => "open-loopback",
        _ => "open",
    };
}

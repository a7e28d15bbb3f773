namespace Router.Host.Security;

/// <summary>The configuration is unsafe or unusable (e.g. open on a public address); the message says what to change.</summary>
internal sealed class StartupRefusedException(string message) : Exception(message);

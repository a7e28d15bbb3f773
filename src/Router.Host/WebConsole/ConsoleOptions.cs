namespace Router.Host.WebConsole;

/// <summary>The live console page (HOCON <c>router.console</c>).</summary>
public sealed class ConsoleOptions
{
    /// <summary>Serve the page under <c>/console/</c>; off by default, and then <c>/console/</c> is a 404.</summary>
    public bool Enabled { get; set; }
}

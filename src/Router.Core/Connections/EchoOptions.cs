namespace Router.Connections;

/// <summary>Echo filtering (HOCON <c>router.echo</c>, SPEC §5).</summary>
public sealed class EchoOptions
{
    /// <summary>Type patterns delivered even to the tab that published them (a lock or progress event).</summary>
    public List<string> AlwaysDeliver { get; set; } = null!;
}

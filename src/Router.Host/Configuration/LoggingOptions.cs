namespace Router.Host.Configuration;

/// <summary>Console log format (HOCON <c>router.logging</c>).</summary>
public sealed class LoggingOptions
{
    /// <summary><c>text</c>: one readable line per entry. <c>json</c>: one JSON object per line, for log collectors in containers.</summary>
    public string Format { get; set; } = null!;
}

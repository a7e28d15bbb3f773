namespace Router.Host.Cli;

/// <summary>The streams a command talks to: the process's console, or writers a test reads.</summary>
internal sealed record CliConsole(TextWriter Out, TextWriter Error, TextReader In, bool IsInputRedirected)
{
    public static CliConsole System { get; } = new(Console.Out, Console.Error, Console.In, Console.IsInputRedirected);
}

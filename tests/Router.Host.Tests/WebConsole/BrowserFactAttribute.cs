namespace Router.Host.WebConsole;

/// <summary>
/// A test that drives Debian's Chromium (<c>apt-get install chromium</c>) with Node.js. Where either is missing it
/// is reported as skipped, with the reason; on CI (<c>CI=true</c>) it always runs, since .ci/run installs both,
/// and a missing browser fails it instead of hiding it. (xunit 2 has no dynamic skip: the attribute decides.)
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public BrowserFactAttribute()
    {
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        if (!File.Exists(ChromiumPath))
        {
            Skip = $"Browser tests need Chromium at {ChromiumPath} (apt-get install -y chromium). CI installs it and never skips them.";
        }
        else if (FindOnPath("node") is null || FindOnPath("npm") is null)
        {
            Skip = "Browser tests need Node.js and npm on PATH (apt-get install -y nodejs npm). CI never skips them.";
        }
    }

    public static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
}

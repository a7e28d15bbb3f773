using Router.Configuration.Hocon;

namespace Router.Host.Configuration;

/// <summary>
/// Layers the configuration (SPEC §1): the shipped <c>hocon/router.conf</c> (every default), then the user's
/// HOCON file (<c>--config FILE</c> or <c>ROUTER_CONFIG</c>), then environment variables
/// (<c>Router__Streams__Heartbeat</c>), then command-line switches (<c>--router:streams:heartbeat=00:00:10</c>,
/// <c>--urls</c>). Later layers win.
/// </summary>
internal static class RouterConfiguration
{
    public const string DefaultsFileName = "router.conf";

    /// <summary>The shipped defaults, next to the binary.</summary>
    public static string DefaultsPath => Path.Combine(AppContext.BaseDirectory, "hocon", DefaultsFileName);

    public static void Apply(ConfigurationManager configuration, string[] args, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        configuration.Sources.Clear();
        configuration.AddHoconFile(DefaultsPath, optional: false);
        var userFile = UserFile(args);
        if (userFile is not null)
        {
            configuration.AddHoconFile(Path.GetFullPath(userFile), optional: false);
        }
        configuration.AddEnvironmentVariables();
        configuration.AddCommandLine(args, new Dictionary<string, string>
        {
            ["--urls"] = "router:urls",
            ["--config"] = "router:configfile",
        });
        if (overrides is not null)
        {
            configuration.AddInMemoryCollection(overrides);
        }
    }

    private static string? UserFile(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--config" && i + 1 < args.Length)
            {
                return args[i + 1];
            }
            if (args[i].StartsWith("--config=", StringComparison.Ordinal))
            {
                return args[i]["--config=".Length..];
            }
        }
        var fromEnvironment = Environment.GetEnvironmentVariable("ROUTER_CONFIG");
        return string.IsNullOrEmpty(fromEnvironment) ? null : fromEnvironment;
    }
}

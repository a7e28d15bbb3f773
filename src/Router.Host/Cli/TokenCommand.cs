using System.CommandLine;
using System.Globalization;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Router.Host.Configuration;

namespace Router.Host.Cli;

/// <summary>
/// <c>router token</c>: mints a development HS256 JWT (SPEC §8) carrying the <c>router</c> claim, signed with the
/// configured secret. The secret's UTF-8 bytes are the HMAC key, so it must be at least 32 bytes long.
/// </summary>
internal static class TokenCommand
{
    /// <summary>HS256 needs a key of at least 256 bits.</summary>
    public const int MinimumSecretBytes = 32;

    public static Command Create(CliConsole console)
    {
        var secret = new Option<string>("--secret")
        {
            Description = "The HS256 secret (at least 32 bytes). Default: ROUTER_JWT_SECRET, else router.auth.jwt-secret from the configuration.",
            HelpName = "secret",
        };
        var config = new Option<FileInfo>("--config") { Description = "A HOCON file to read router.auth.jwt-secret from (also: ROUTER_CONFIG).", HelpName = "file" };
        var subject = new Option<string>("--sub") { Description = "The user id (claim sub).", DefaultValueFactory = _ => "dev", HelpName = "user" };
        var publish = Selectors("--publish", "May publish to these tenant/queue patterns, e.g. acme/* (repeatable).");
        var subscribe = Selectors("--subscribe", "May subscribe to these tenant/queue patterns, e.g. acme/town-hall (repeatable).");
        var groups = Selectors("--groups", "Groups of the user, for private events (repeatable).");
        var roles = Selectors("--roles", "Roles of the user, for private events (repeatable).");
        var ttl = new Option<TimeSpan>("--ttl")
        {
            Description = "How long the token is valid: 30m, 1h, 7d, or 01:00:00.",
            DefaultValueFactory = _ => TimeSpan.FromHours(1),
            CustomParser = result => ParseDuration(result.Tokens.Single().Value) ?? ReportBadDuration(result),
            HelpName = "duration",
        };
        var issuer = new Option<string>("--issuer") { Description = "Optional iss claim.", HelpName = "iss" };
        var audience = new Option<string>("--audience") { Description = "Optional aud claim.", HelpName = "aud" };

        var command = new Command("token", """
            Mint a development JWT (HS256) and print it. Example:
              router token --sub alice --publish 'acme/*' --subscribe 'acme/*' --ttl 8h
            Use it as 'Authorization: Bearer <token>', or ?access_token=<token> on a stream.
            """)
        {
            secret, config, subject, publish, subscribe, groups, roles, ttl, issuer, audience,
        };
        command.SetAction(async (parseResult, _) =>
        {
            var key = parseResult.GetValue(secret) ?? ConfiguredSecret(parseResult.GetValue(config));
            if (string.IsNullOrEmpty(key))
            {
                await console.Error.WriteLineAsync("No secret: pass --secret, set ROUTER_JWT_SECRET, or set router.auth.jwt-secret in your configuration.");
                return ExitCodes.Usage;
            }
            if (Encoding.UTF8.GetByteCount(key) < MinimumSecretBytes)
            {
                await console.Error.WriteLineAsync($"The secret must be at least {MinimumSecretBytes} bytes (256 bits) for HS256.");
                return ExitCodes.Usage;
            }
            var token = Mint(
                key,
                parseResult.GetValue(subject)!,
                new RouterClaim(Values(parseResult, publish), Values(parseResult, subscribe), Values(parseResult, groups), Values(parseResult, roles)),
                parseResult.GetValue(ttl),
                TimeProvider.System.GetUtcNow(),
                parseResult.GetValue(issuer),
                parseResult.GetValue(audience));
            await console.Out.WriteLineAsync(token);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The <c>router</c> claim (SPEC §8).</summary>
    public sealed record RouterClaim(string[] Publish, string[] Subscribe, string[] Groups, string[] Roles);

    public static string Mint(string secret, string subject, RouterClaim claim, TimeSpan ttl, DateTimeOffset now, string? issuer = null, string? audience = null)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object>
            {
                ["sub"] = subject,
                ["router"] = new Dictionary<string, object>
                {
                    ["publish"] = claim.Publish,
                    ["subscribe"] = claim.Subscribe,
                    ["groups"] = claim.Groups,
                    ["roles"] = claim.Roles,
                },
            },
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + ttl).UtcDateTime,
            Issuer = issuer,
            Audience = audience,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    private static Option<string[]> Selectors(string name, string description) => new(name)
    {
        Description = description,
        AllowMultipleArgumentsPerToken = false,
        DefaultValueFactory = _ => [],
        HelpName = "value",
    };

    private static string[] Values(ParseResult parseResult, Option<string[]> option) =>
        [.. (parseResult.GetValue(option) ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    /// <summary>ROUTER_JWT_SECRET, else <c>router.auth.jwt-secret</c> from the same configuration layers serve uses.</summary>
    private static string? ConfiguredSecret(FileInfo? configFile)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("ROUTER_JWT_SECRET");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }
        var configuration = new ConfigurationManager();
        RouterConfiguration.Apply(configuration, configFile is null ? [] : ["--config", configFile.FullName]);
        return configuration["router:auth:jwtsecret"];
    }

    internal static TimeSpan? ParseDuration(string text)
    {
        text = text.Trim();
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && text.Contains(':', StringComparison.Ordinal))
        {
            return span > TimeSpan.Zero ? span : null;
        }
        var unit = text.Length > 0 ? text[^1] : ' ';
        if (!double.TryParse(text[..^Math.Min(1, text.Length)], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            return null;
        }
        return unit switch
        {
            's' => TimeSpan.FromSeconds(amount),
            'm' => TimeSpan.FromMinutes(amount),
            'h' => TimeSpan.FromHours(amount),
            'd' => TimeSpan.FromDays(amount),
            _ => null,
        };
    }

    private static TimeSpan ReportBadDuration(System.CommandLine.Parsing.ArgumentResult result)
    {
        result.AddError($"'{result.Tokens.Single().Value}' is not a duration: write 30m, 1h, 7d or 01:00:00.");
        return default;
    }
}

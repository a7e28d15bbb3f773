using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Router.Tenants;

/// <summary>A tenant's name: <c>^[a-z0-9][a-z0-9_-]{0,63}$</c> (SPEC §2).</summary>
public readonly partial record struct TenantId
{
    private TenantId(string value) => Value = value;

    public string Value { get; }

    public static bool TryParse([NotNullWhen(true)] string? text, out TenantId tenant)
    {
        tenant = default;
        if (text is null || !NamePattern().IsMatch(text))
        {
            return false;
        }
        tenant = new TenantId(text);
        return true;
    }

    public static TenantId Parse(string text) =>
        TryParse(text, out var tenant) ? tenant : throw new FormatException($"'{text}' is not a valid tenant name.");

    public override string ToString() => Value;

    /// <summary>Refuses <c>default(TenantId)</c>, which no parse returns: an argument check for the journals' entry points.</summary>
    public static void ThrowIfDefault(TenantId tenant, [CallerArgumentExpression(nameof(tenant))] string? paramName = null)
    {
        if (tenant.Value is null)
        {
            throw new ArgumentException("The tenant is default(TenantId).", paramName);
        }
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9_-]{0,63}\z", RegexOptions.CultureInvariant)]
    internal static partial Regex NamePattern();
}

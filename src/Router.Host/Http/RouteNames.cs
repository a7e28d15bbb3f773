using System.Diagnostics.CodeAnalysis;
using Router.Queues;
using Router.Tenants;

namespace Router.Host.Http;

/// <summary>
/// Tenant and queue names as they arrive from a request (route values are percent-decoded, so <c>acme%0A</c>
/// arrives as <c>acme\n</c>). The name patterns end in <c>$</c>, which in .NET also matches before a final
/// <c>\n</c>; until the core types anchor with <c>\z</c>, a name with a control character is refused here so
/// it can never become a tenant, a queue or part of a log line.
/// </summary>
internal static class RouteNames
{
    public static bool TryParseTenant([NotNullWhen(true)] string? text, out TenantId tenant)
    {
        tenant = default;
        return text is not null && !HasControl(text) && TenantId.TryParse(text, out tenant);
    }

    public static bool TryParseQueue([NotNullWhen(true)] string? text, out QueueName queue)
    {
        queue = default;
        return text is not null && !HasControl(text) && QueueName.TryParse(text, out queue);
    }

    public static bool HasControl(string text) => text.Any(char.IsControl);
}

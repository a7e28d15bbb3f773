using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Router.Tenants;

namespace Router.Queues;

/// <summary>A queue's name inside a tenant; same rule as tenant names (SPEC §2).</summary>
public readonly record struct QueueName
{
    private QueueName(string value) => Value = value;

    public string Value { get; }

    public static bool TryParse([NotNullWhen(true)] string? text, out QueueName queue)
    {
        queue = default;
        if (text is null || !TenantId.NamePattern().IsMatch(text))
        {
            return false;
        }
        queue = new QueueName(text);
        return true;
    }

    public static QueueName Parse(string text) =>
        TryParse(text, out var queue) ? queue : throw new FormatException($"'{text}' is not a valid queue name.");

    public override string ToString() => Value;

    /// <summary>Refuses <c>default(QueueName)</c>, which no parse returns: an argument check for the journals' entry points.</summary>
    public static void ThrowIfDefault(QueueName queue, [CallerArgumentExpression(nameof(queue))] string? paramName = null)
    {
        if (queue.Value is null)
        {
            throw new ArgumentException("The queue is default(QueueName).", paramName);
        }
    }
}

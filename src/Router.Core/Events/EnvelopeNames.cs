using System.Text.Json;
using Router.Tenants;

namespace Router.Events;

/// <summary>
/// The envelope attributes that depend only on where an event lives (<c>tenant</c>, <c>queue</c>, <c>source</c>),
/// JSON-encoded once so that a replay writing thousands of events of one queue does not escape or build them per
/// event. Encoded with the frame writer's own encoder, so the bytes are exactly what writing the strings would give.
/// </summary>
internal sealed class EnvelopeNames
{
    private EnvelopeNames(string? queue, JsonEncodedText tenant, JsonEncodedText? encodedQueue, JsonEncodedText source)
    {
        Queue = queue;
        Tenant = tenant;
        EncodedQueue = encodedQueue;
        Source = source;
    }

    /// <summary>The queue as stored, or null for a tenant-level event.</summary>
    public string? Queue { get; }

    public JsonEncodedText Tenant { get; }

    /// <summary>Null for a tenant-level event (the envelope then has no <c>queue</c>).</summary>
    public JsonEncodedText? EncodedQueue { get; }

    public JsonEncodedText Source { get; }

    public static EnvelopeNames For(TenantId tenant, string? queue)
    {
        var source = queue is null ? $"/tenants/{tenant.Value}" : $"/tenants/{tenant.Value}/queues/{queue}";
        return new EnvelopeNames(
            queue,
            SseFrames.Encode(tenant.Value),
            queue is null ? null : SseFrames.Encode(queue),
            SseFrames.Encode(source));
    }
}

using System.Net;
using System.Text;

namespace Router.LoadTool;

/// <summary>What differs between the systems under test: URL shapes and the publish body.</summary>
internal abstract class Target
{
    protected Target(IPEndPoint endPoint) => EndPoint = endPoint;

    public IPEndPoint EndPoint { get; }

    public abstract string Name { get; }

    /// <summary>Whether one request can carry many events (Router: a JSON array; Nchan: no).</summary>
    public abstract bool SupportsBatches { get; }

    /// <summary>
    /// Channels live in a namespace (a Router tenant, an Nchan channel prefix) so scenarios of one run never
    /// see each other's events.
    /// </summary>
    public abstract string PublishPath(string space, string channel);

    /// <summary>The subscription path; <paramref name="fromStart"/> asks for everything retained (replay).</summary>
    public abstract string SubscribePath(string space, string channel, bool fromStart);

    /// <summary>Extra request header lines (each ending in CRLF) for a subscription.</summary>
    public abstract string SubscribeHeaders(bool fromStart);

    /// <summary>Appends the body of one request carrying <paramref name="count"/> events to <paramref name="body"/>.</summary>
    /// <remarks><paramref name="lateMicros"/>: how long after its due time (a paced publisher's schedule) the request is sent.</remarks>
    public abstract void WriteBody(StringBuilder body, string channel, int publisher, long firstSeq, int count, long timestamp, long lateMicros);

    /// <summary>
    /// The payload every event carries: [publisher, sequence, send timestamp, µs sent late]; subscribers find it by its
    /// key. The last figure lets a subscriber also measure from the due time, so a server that slows its publisher
    /// down shows that wait in its latency (coordinated omission, as wrk2 corrects it), not only in its publish rate.
    /// </summary>
    protected static void WritePayload(StringBuilder body, int publisher, long seq, long timestamp, long lateMicros) =>
        body.Append("{\"b\":[").Append(publisher).Append(',').Append(seq).Append(',').Append(timestamp).Append(',').Append(lateMicros).Append("]}");

    public static Target Create(string name, IPEndPoint endPoint) => name switch
    {
        "router" => new RouterTarget(endPoint),
        "nchan" => new NchanTarget(endPoint),
        _ => throw new ArgumentException($"Unknown target '{name}': use router or nchan."),
    };
}

internal sealed class RouterTarget(IPEndPoint endPoint) : Target(endPoint)
{
    public override string Name => "router";

    public override bool SupportsBatches => true;

    public override string PublishPath(string space, string channel) => $"/v1/tenants/{space}/events";

    public override string SubscribePath(string space, string channel, bool fromStart) => $"/v1/tenants/{space}/queues/{channel}/stream";

    public override string SubscribeHeaders(bool fromStart) => fromStart ? "Last-Event-ID: 0\r\n" : "";

    public override void WriteBody(StringBuilder body, string channel, int publisher, long firstSeq, int count, long timestamp, long lateMicros)
    {
        if (count > 1)
        {
            body.Append('[');
        }
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                body.Append(',');
            }
            body.Append("{\"type\":\"bench.event.v1\",\"queue\":\"").Append(channel).Append("\",\"data\":");
            WritePayload(body, publisher, firstSeq + i, timestamp, lateMicros);
            body.Append('}');
        }
        if (count > 1)
        {
            body.Append(']');
        }
    }
}

internal sealed class NchanTarget(IPEndPoint endPoint) : Target(endPoint)
{
    public override string Name => "nchan";

    public override bool SupportsBatches => false;

    public override string PublishPath(string space, string channel) => $"/pub/{space}-{channel}";

    // Nchan's ids are not positions; /replay/ is configured with nchan_subscriber_first_message oldest.
    public override string SubscribePath(string space, string channel, bool fromStart) =>
        fromStart ? $"/replay/{space}-{channel}" : $"/sub/{space}-{channel}";

    public override string SubscribeHeaders(bool fromStart) => "";

    public override void WriteBody(StringBuilder body, string channel, int publisher, long firstSeq, int count, long timestamp, long lateMicros)
    {
        if (count != 1)
        {
            throw new NotSupportedException("Nchan publishes one message per request.");
        }
        WritePayload(body, publisher, firstSeq, timestamp, lateMicros);
    }
}

using Microsoft.Extensions.Primitives;
using Router.Connections;
using Router.Events;
using Router.Host.Http;
using Router.Host.Ingest;
using Router.Journal;
using Router.Queues;
using Router.Tenants;
using Router.Versioning;

namespace Router.Host.Streaming;

/// <summary>Validates a stream request (SPEC §4) into a <see cref="StreamRequest"/>, or the first field at fault.</summary>
internal static class StreamRequestParser
{
    /// <summary>One connection may multiplex many queues, but not unboundedly many (hostile input).</summary>
    private const int MaxQueues = 256;

    private const int MaxTypePatterns = 64;

    public static (StreamRequest? Request, string? Field, string? Error) Parse(
        string tenant, string? queue, HttpRequest request, TypePatternSet alwaysDeliver)
    {
        if (!TenantId.TryParse(tenant, out var tenantId))
        {
            return Fail("tenant", "The tenant must match ^[a-z0-9][a-z0-9_-]{0,63}$.");
        }
        StreamScope scope;
        var query = QueryValues.Of(request);
        if (queue is not null)
        {
            if (!QueueName.TryParse(queue, out var queueName))
            {
                return Fail("queue", "The queue must match ^[a-z0-9][a-z0-9_-]{0,63}$.");
            }
            if (query["queue"].Count > 0)
            {
                return Fail("queue", "?queue= is for the tenant stream; a queue stream follows its own queue.");
            }
            scope = StreamScope.ForQueue(tenantId, queueName);
        }
        else
        {
            var values = query["queue"];
            if (values.Count > MaxQueues)
            {
                return Fail("queue", $"At most {MaxQueues} queues can be followed on one connection.");
            }
            var all = false;
            var queues = new List<QueueName>();
            foreach (var value in values)
            {
                if (value == "*")
                {
                    all = true;
                }
                else if (QueueName.TryParse(value, out var name))
                {
                    queues.Add(name);
                }
                else
                {
                    return Fail("queue", $"'{Printable(value)}' is not a queue name (^[a-z0-9][a-z0-9_-]{{0,63}}$) or *.");
                }
            }
            scope = StreamScope.ForTenant(tenantId, queues, all);
        }

        var types = new List<TypePattern>();
        foreach (var part in Split(query["types"]))
        {
            if (!TypePattern.TryParse(part, out var pattern))
            {
                return Fail("types", $"'{Printable(part)}' is not a type pattern such as question.* or answer.posted.v1.");
            }
            types.Add(pattern!);
        }
        if (types.Count > MaxTypePatterns)
        {
            return Fail("types", $"At most {MaxTypePatterns} type patterns are allowed.");
        }

        var clientId = FirstNonEmpty(request.Headers["X-Client-Id"], query["clientId"]);
        if (clientId is not null && !EventBatchParser.IsCleanText(clientId, 128))
        {
            return Fail("clientId", "The client id must be at most 128 characters without control characters.");
        }

        Position? resume = null;
        var lastEventId = FirstNonEmpty(request.Headers["Last-Event-ID"], query["lastEventId"]);
        if (lastEventId is not null)
        {
            if (!Position.TryParse(lastEventId, out var position))
            {
                return Fail("Last-Event-ID", "Last-Event-ID must be a position: the digits of an SSE id this stream sent.");
            }
            resume = position;
        }

        var sseEvent = query["sseEvent"].ToString();
        if (sseEvent.Length > 0 && sseEvent != "type")
        {
            return Fail("sseEvent", "sseEvent takes one value, 'type'.");
        }

        if (!VersionPins.TryParse(string.Join(',', Split(query["accept"])), out var pins, out var pinError))
        {
            return Fail("accept", pinError);
        }

        // Most streams name no types: they share the empty set (a stream keeps its filter for hours).
        var filter = new SubscriptionFilter(scope, types.Count == 0 ? TypePatternSet.Empty : new TypePatternSet(types), clientId, alwaysDeliver);
        return (new StreamRequest(filter, resume, sseEvent == "type", pins), null, null);
    }

    private static (StreamRequest?, string?, string?) Fail(string field, string error) => (null, field, error);

    private static string? FirstNonEmpty(StringValues first, StringValues second)
    {
        var value = first.Count > 0 ? first.ToString() : second.ToString();
        return string.IsNullOrEmpty(value) ? null : value;
    }

    private static IEnumerable<string> Split(StringValues values) =>
        // Most streams name no types and no pins: nothing to split, and no iterator made for it.
        StringValues.IsNullOrEmpty(values) ? [] : values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string Printable(string? text) =>
        text is null ? "" : text.Length > 64 || text.Any(char.IsControl) ? "(unprintable)" : text;
}

using System.Buffers;
using Router.Events;
using Router.Journal;

namespace Router.Connections;

/// <summary>
/// Opening a stream: the preamble (<c>retry</c> and the connection event) and the catch-up from the journal, page
/// by page from the resume position, until the live buffer can take over without a gap or a duplicate.
/// </summary>
internal partial class ConnectionActor
{
    private async ValueTask WritePreambleAsync(Position head, CancellationToken token)
    {
        if (_request.ResumeFrom > head)
        {
            // The tenant's routed head trails the journal while a commit is being routed; a client may
            // already hold a committed position above it (read during its own replay). Only a position
            // above the journal's head is unknown.
            var committed = await _services.Journal.ReadHeadAsync(Tenant, token);
            head = committed > head ? committed : head;
        }
        var earliest = _request.ResumeFrom is not null ? await _services.Journal.ReadEarliestAsync(Tenant, token) : Position.Start;
        WritePreamble(head, earliest);
        await FlushAsync(token);
    }

    private void WritePreamble(Position head, Position earliest)
    {
        var resume = _request.ResumeFrom;
        _lastWritten = resume ?? head;
        _output.Write(SseFrames.RetryFrame(_services.Options.Retry));
        SseFrames.WriteControlFrame(_output, "connection", (Self: this, Head: head), static (json, s) => s.Self.WriteConnectionBody(json, s.Head));
        if (resume is { } requested && requested > head)
        {
            // A position this tenant never had (another tenant's id, a wiped journal): continue live from the head.
            SseFrames.WriteControlFrame(_output, "reset", (Requested: requested, Head: head), static (json, s) =>
            {
                json.WriteString("reason", "unknown-position");
                json.WriteString("requested", s.Requested.ToString());
                json.WriteString("head", s.Head.ToString());
            });
            _lastWritten = head;
        }
        else if (resume is { } from && earliest.Value > from.Value + 1)
        {
            // Retention pruned part of what the client missed: it must refetch state; replay goes on from the earliest.
            SseFrames.WriteControlFrame(_output, "reset", (From: from, Earliest: earliest), static (json, s) =>
            {
                json.WriteString("reason", "history-truncated");
                json.WriteString("requested", s.From.ToString());
                json.WriteString("earliest", s.Earliest.ToString());
            });
        }
    }

    /// <summary>The <c>connection</c> event's body (SPEC §4).</summary>
    private void WriteConnectionBody(System.Text.Json.Utf8JsonWriter json, Position head)
    {
        json.WriteString("type", "connection.established");
        Span<char> id = stackalloc char[32];
        _id.TryFormat(id, out _, "N");
        json.WriteString("connectionId", id);
        json.WriteString("tenant", Tenant.Value);
        json.WriteStartArray("queues");
        foreach (var queue in Filter.Scope.Queues)
        {
            json.WriteStringValue(queue);
        }
        json.WriteEndArray();
        if (_request.ResumeFrom is { } from)
        {
            json.WriteString("resumedFrom", from.ToString());
        }
        else
        {
            json.WriteNull("resumedFrom");
        }
        json.WriteString("head", head.ToString());
        json.WriteNumber("heartbeatMs", (long)_services.Options.Heartbeat.TotalMilliseconds);
        SseFrames.WriteTimeProperty(json, "time", _services.Time.GetUtcNow());
    }

    /// <summary>Replays from the journal until it is exhausted and no live event was lost meanwhile, then goes live.</summary>
    private async Task CatchUpAsync(CancellationToken token)
    {
        var pageSize = _services.Options.ReplayPageSize;
        // A fresh connection also reads here, to close the gap between the head it was given and the live feed;
        // only a resuming one's rows are replays (the metric pairs with router_replays_total).
        var resuming = _request.ResumeFrom is not null;
        // Created on the first replayed row and dropped after catch-up: an idle connection never holds one.
        ReplayWriter? replay = null;
        while (true)
        {
            var page = await ReadPageAsync(pageSize, token);
            while (true)
            {
                var written = 0;
                foreach (var stored in page)
                {
                    replay ??= new ReplayWriter(Tenant, _services.Routing, _services.Versions, _request.Pins, _request.TypeAsEventField, _output);
                    if (replay.TypeOf(stored.Type) is { } type && Matches(stored, type))
                    {
                        replay.Write(stored, type);
                        written++;
                    }
                    _lastWritten = stored.Position;
                }
                replay?.Drain();
                // Counted once per page: a counter's Add reaches every metrics listener, which cost ~1.5% per row.
                if (written > 0)
                {
                    _delivered += written;
                    _services.Tenants.Metrics.EventsDelivered(written);
                    if (resuming)
                    {
                        _services.Tenants.Metrics.EventsReplayed(written);
                    }
                }
                var flushing = FlushAsync(token);
                if (page.Count < pageSize)
                {
                    await flushing;
                    break;
                }
                // The next page is read while this one is being sent (nothing is written to the response until the
                // flush is done), so the journal read on this thread overlaps the socket's send on another.
                try
                {
                    page = await ReadPageAsync(pageSize, token);
                }
                finally
                {
                    await flushing;
                }
            }

            if (Interlocked.CompareExchange(ref _phase, Live, CatchingUp) == CatchingUp)
            {
                return;
            }
            // The buffer overflowed while we read: what it held (or refused) is in the journal. Empty it, read again.
            while (_buffer.TryRead(out _))
            {
            }
            Volatile.Write(ref _phase, CatchingUp);
        }
    }

    /// <summary>One replay page, read in its turn among the node's replays (<see cref="StreamOptions.ReplayConcurrency"/>).</summary>
    private async ValueTask<IReadOnlyList<JournalEvent>> ReadPageAsync(int pageSize, CancellationToken token)
    {
        await _services.ReplayReads.WaitAsync(token);
        try
        {
            return await _services.Journal.ReadAsync(Tenant, new JournalQuery(_lastWritten, pageSize, Filter.Scope.SingleQueue), token);
        }
        finally
        {
            _services.ReplayReads.Release();
        }
    }

    /// <summary>The live filter's rule for a journal row (the audience parsed only for a private event).</summary>
    private bool Matches(JournalEvent stored, ReplayedType type) =>
        Filter.Matches(type.Type, type.TiersFor(stored.Queue), stored.Queue, stored.OriginClientId, Audience.Parse(stored.Audience));
}

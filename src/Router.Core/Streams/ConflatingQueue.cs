using Router.Events;

namespace Router.Streams;

/// <summary>
/// Events waiting to be written by one connection, in position order. An event whose type matches the
/// conflation patterns replaces a waiting event of the same (type, queue): the older one is removed and the
/// newer appended, so order (and the SSE ids a client resumes from) stays increasing. Only superseded
/// conflatable events are ever dropped; every other event waits its turn.
/// </summary>
internal sealed class ConflatingQueue
{
    private readonly TypePatternSet _conflate;
    // Made on first use: an idle connection (most of them) never holds either.
    private LinkedList<RoutedEvent>? _events;
    private Dictionary<(string Type, string? Queue), LinkedListNode<RoutedEvent>>? _latest;

    public ConflatingQueue(TypePatternSet conflate) => _conflate = conflate;

    public int Count => _events?.Count ?? 0;

    /// <summary>Superseded events dropped so far.</summary>
    public long Conflated { get; private set; }

    public void Enqueue(RoutedEvent e)
    {
        _events ??= new LinkedList<RoutedEvent>();
        if (_conflate.IsEmpty || !_conflate.Matches(e.Type))
        {
            _events.AddLast(e);
            return;
        }
        _latest ??= [];
        var key = (e.Type.Name, e.Queue);
        if (_latest.TryGetValue(key, out var older))
        {
            _events.Remove(older);
            Conflated++;
        }
        _latest[key] = _events.AddLast(e);
    }

    public bool TryDequeue(out RoutedEvent e)
    {
        var first = _events?.First;
        if (first is null)
        {
            e = null!;
            return false;
        }
        _events!.RemoveFirst();
        e = first.Value;
        if (_latest is not null)
        {
            var key = (e.Type.Name, e.Queue);
            if (_latest.TryGetValue(key, out var node) && node == first)
            {
                _latest.Remove(key);
            }
        }
        return true;
    }
}

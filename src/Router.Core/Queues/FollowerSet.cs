using System.Runtime.InteropServices;
using Router.Journal;

namespace Router.Queues;

/// <summary>
/// The connections following one queue, each with the position the queue has offered it events up to: added and
/// removed in constant time (each has a slot; a removal moves the last follower into the freed slot, so order is not
/// kept: fan-out order among connections means nothing), and iterated as spans, with no copy. The queue actor used to
/// rebuild an array on every follow and unfollow, which made 10,000 connections joining one queue allocate ~400 MB of
/// arrays (the sum of 1..10,000 references), all garbage at once, for the GC to sweep out of gen1 and gen2 while the
/// streams stayed open. Owned by the queue actor's loop.
/// </summary>
/// <typeparam name="T">The follower: a <see cref="Connections.ConnectionActor"/>, compared by reference.</typeparam>
internal sealed class FollowerSet<T>
    where T : class
{
    private readonly List<T> _followers = [];

    /// <summary>Each follower's offered-up-to position, in the follower's slot.</summary>
    private readonly List<Position> _offered = [];

    /// <summary>Each follower's index in <see cref="_followers"/>.</summary>
    private readonly Dictionary<T, int> _slots = new(ReferenceEqualityComparer.Instance);

    public int Count => _followers.Count;

    /// <summary>The followers now; valid until the next <see cref="Add"/>, <see cref="Remove"/> or <see cref="Clear"/>.</summary>
    public ReadOnlySpan<T> AsSpan() => CollectionsMarshal.AsSpan(_followers);

    /// <summary>How far each follower (same index as in <see cref="AsSpan"/>) has been offered events; the queue moves it.</summary>
    public Span<Position> OfferedUpTo => CollectionsMarshal.AsSpan(_offered);

    /// <summary>Adds a follower that has had every event up to <paramref name="offeredUpTo"/>; false if it already follows.</summary>
    public bool Add(T follower, Position offeredUpTo = default)
    {
        if (!_slots.TryAdd(follower, _followers.Count))
        {
            return false;
        }
        _followers.Add(follower);
        _offered.Add(offeredUpTo);
        return true;
    }

    /// <summary>Removes a follower; false if it was not following.</summary>
    public bool Remove(T follower)
    {
        if (!_slots.Remove(follower, out var slot))
        {
            return false;
        }
        var last = _followers.Count - 1;
        if (slot != last)
        {
            var moved = _followers[last];
            _followers[slot] = moved;
            _offered[slot] = _offered[last];
            _slots[moved] = slot;
        }
        _followers.RemoveAt(last);
        _offered.RemoveAt(last);
        return true;
    }

    public void Clear()
    {
        _followers.Clear();
        _offered.Clear();
        _slots.Clear();
    }
}

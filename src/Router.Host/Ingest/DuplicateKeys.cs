using System.Text;
using System.Text.Json;

namespace Router.Host.Ingest;

/// <summary>
/// The duplicate-key check of a forward pass over a JSON body: the keys of every object open at the reader's position
/// (a stack, one frame per open object), compared as unescaped UTF-8. It refuses what <c>JsonDocument</c> with
/// <c>AllowDuplicateProperties = false</c> refused, and names the same key: that check ran after the whole body had
/// parsed, object by object in the order they close, reporting an object's first key that repeats an earlier one.
/// </summary>
/// <remarks>
/// An event object has a handful of keys, so a frame compares a new key with its earlier ones byte by byte (no
/// hashing, no allocation: an unescaped key is a slice of the body). Past <see cref="LinearLimit"/> keys a frame moves
/// to a hash set, so an object with thousands of keys costs linear time, not quadratic.
/// </remarks>
internal sealed class DuplicateKeys
{
    private const int LinearLimit = 8;

    /// <summary>Keys of the open objects, outermost first; each frame owns <c>[Start, next frame's Start)</c>.</summary>
    private ReadOnlyMemory<byte>[] _keys = new ReadOnlyMemory<byte>[8];
    private int _count;

    // Sized for an event: the batch array holds no keys, the event object and its data do.
    private Frame[] _frames = new Frame[4];
    private int _depth;

    /// <summary>Per open object (by depth), its first key that repeats an earlier one; made at the first duplicate.</summary>
    private ReadOnlyMemory<byte>?[]? _duplicates;

    /// <summary>Hash sets of closed large objects, kept for the next one.</summary>
    private List<HashSet<ReadOnlyMemory<byte>>>? _spareSets;

    /// <summary>The first duplicate key of the first object to close that has one, unescaped; null while there is none.</summary>
    public string? FirstDuplicate { get; private set; }

    /// <summary>Why an escaped key could not be unescaped (a lone surrogate, <c>"\ud800"</c>); null while every key could.</summary>
    public string? InvalidKey { get; private set; }

    /// <summary>The reader is at a <c>StartObject</c>.</summary>
    public void Open()
    {
        if (_depth == _frames.Length)
        {
            Array.Resize(ref _frames, _depth * 2);
            if (_duplicates is not null)
            {
                Array.Resize(ref _duplicates, _frames.Length);
            }
        }
        _frames[_depth++] = new Frame { Start = _count };
    }

    /// <summary>The reader is at an <c>EndObject</c>.</summary>
    public void Close()
    {
        ref var frame = ref _frames[--_depth];
        if (_duplicates is not null && _duplicates[_depth] is { } duplicate)
        {
            FirstDuplicate ??= Encoding.UTF8.GetString(duplicate.Span);
            _duplicates[_depth] = null;
        }
        if (frame.Set is { } set)
        {
            set.Clear();
            (_spareSets ??= []).Add(set);
        }
        _count = frame.Start;
        frame = default;
    }

    /// <summary>
    /// Adds the key at the reader (a <c>PropertyName</c> token) to the innermost open object. <paramref name="body"/>
    /// is the memory the reader reads, so an unescaped key is kept as a slice of it.
    /// </summary>
    public void Add(ref readonly Utf8JsonReader reader, ReadOnlyMemory<byte> body)
    {
        ref var frame = ref _frames[_depth - 1];
        if (_duplicates is not null && _duplicates[_depth - 1] is not null)
        {
            return; // only an object's first duplicate is ever reported
        }
        ReadOnlyMemory<byte> key;
        if (!reader.ValueIsEscaped)
        {
            key = body.Slice((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length); // past the opening quote
        }
        else if (Unescape(in reader) is { } unescaped)
        {
            key = unescaped;
        }
        else
        {
            return;
        }
        if (frame.Set is { } set)
        {
            if (!set.Add(key))
            {
                Found(key);
            }
            return;
        }
        var span = key.Span;
        for (var i = frame.Start; i < _count; i++)
        {
            if (_keys[i].Span.SequenceEqual(span))
            {
                Found(key);
                return;
            }
        }
        if (_count - frame.Start == LinearLimit)
        {
            set = TakeSet();
            for (var i = frame.Start; i < _count; i++)
            {
                set.Add(_keys[i]);
            }
            set.Add(key);
            frame.Set = set;
            return;
        }
        if (_count == _keys.Length)
        {
            Array.Resize(ref _keys, _count * 2);
        }
        _keys[_count++] = key;
    }

    private void Found(ReadOnlyMemory<byte> key) => (_duplicates ??= new ReadOnlyMemory<byte>?[_frames.Length])[_depth - 1] = key;

    private ReadOnlyMemory<byte>? Unescape(ref readonly Utf8JsonReader reader)
    {
        // Unescaping never lengthens a key.
        var buffer = new byte[reader.ValueSpan.Length];
        try
        {
            return buffer.AsMemory(0, reader.CopyString(buffer));
        }
        catch (InvalidOperationException exception)
        {
            // JsonDocument threw this out of its duplicate check (a 500); it is the body's fault.
            InvalidKey ??= exception.Message;
            return null;
        }
    }

    private HashSet<ReadOnlyMemory<byte>> TakeSet()
    {
        if (_spareSets is { Count: > 0 } spare)
        {
            var set = spare[^1];
            spare.RemoveAt(spare.Count - 1);
            return set;
        }
        return new HashSet<ReadOnlyMemory<byte>>(KeyComparer.Instance);
    }

    private struct Frame
    {
        /// <summary>Where this object's keys start in <see cref="_keys"/>.</summary>
        public int Start;

        /// <summary>All of this object's keys once it has more than <see cref="LinearLimit"/>.</summary>
        public HashSet<ReadOnlyMemory<byte>>? Set;
    }

    private sealed class KeyComparer : IEqualityComparer<ReadOnlyMemory<byte>>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals(ReadOnlyMemory<byte> x, ReadOnlyMemory<byte> y) => x.Span.SequenceEqual(y.Span);

        public int GetHashCode(ReadOnlyMemory<byte> key)
        {
            // HashCode is seeded per process, so a body cannot be built to collide.
            var hash = new HashCode();
            hash.AddBytes(key.Span);
            return hash.ToHashCode();
        }
    }
}

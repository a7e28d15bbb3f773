using System.Globalization;

namespace Router.Journal;

/// <summary>
/// A position in one tenant's journal: 1, 2, 3, … with no gaps and no reuse (SPEC §2).
/// <see cref="Start"/> (0) is "before the first event".
/// </summary>
public readonly record struct Position(long Value) : IComparable<Position>
{
    public static Position Start => new(0);

    public Position Next => new(Value + 1);

    public int CompareTo(Position other) => Value.CompareTo(other.Value);

    public static bool operator <(Position left, Position right) => left.Value < right.Value;
    public static bool operator >(Position left, Position right) => left.Value > right.Value;
    public static bool operator <=(Position left, Position right) => left.Value <= right.Value;
    public static bool operator >=(Position left, Position right) => left.Value >= right.Value;

    /// <summary>Parses a client-supplied position (an SSE id): digits only, no sign, no spaces.</summary>
    public static bool TryParse(string? text, out Position position)
    {
        position = default;
        if (string.IsNullOrEmpty(text) || text.Length > 19 || !text.All(char.IsAsciiDigit))
        {
            return false;
        }
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }
        position = new Position(value);
        return true;
    }

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

using System.Buffers;

namespace Router.Events;

/// <summary>
/// Checks that stored data is one whole JSON value (RFC 8259) before it is written raw into a frame, so that a
/// corrupt row cannot break one. By hand because it runs for every replayed event: <see cref="System.Text.Json.Utf8JsonReader"/>
/// took ~210 ns of a ~300 ns frame for a 200-byte payload; this is one pass with a vectorized scan of each string.
/// It accepts exactly what the reader accepts with its default options (no comments, no trailing commas, depth up to
/// 64; string contents not checked as UTF-8, which the reader does not check either, and which cannot break a
/// frame), and StoredJsonTests compare the two on mutated inputs.
/// </summary>
internal static class StoredJson
{
    /// <summary>The reader's default maximum depth (ingest parses a whole request with this depth, so data is shallower).</summary>
    public const int MaxDepth = 64;

    /// <summary>What ends the plain run of a string: its closing quote, an escape, or a control character (never allowed raw).</summary>
    private static readonly SearchValues<byte> s_stringSpecial = SearchValues.Create(
        [(byte)'"', (byte)'\\', 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]);

    public static bool IsValid(ReadOnlySpan<byte> json)
    {
        // One bit per open container (1: object); the depth says how many are in use.
        ulong objects = 0;
        var depth = 0;
        var at = SkipWhitespace(json, 0);
        while (true)
        {
            // A value is expected at 'at'.
            if (at >= json.Length)
            {
                return false;
            }
            switch (json[at])
            {
                case (byte)'{':
                case (byte)'[':
                    if (depth == MaxDepth)
                    {
                        return false;
                    }
                    var isObject = json[at] == (byte)'{';
                    objects = isObject ? objects | (1UL << depth) : objects & ~(1UL << depth);
                    depth++;
                    at = SkipWhitespace(json, at + 1);
                    if (at < json.Length && json[at] == (isObject ? (byte)'}' : (byte)']'))
                    {
                        // Empty container: closed below like any other.
                        break;
                    }
                    if (isObject && !TryMember(json, ref at))
                    {
                        return false;
                    }
                    continue;
                case (byte)'"':
                    if (!TryString(json, ref at))
                    {
                        return false;
                    }
                    at = SkipWhitespace(json, at);
                    goto AfterValue;
                case (byte)'t':
                    if (!TryLiteral(json, ref at, "true"u8))
                    {
                        return false;
                    }
                    at = SkipWhitespace(json, at);
                    goto AfterValue;
                case (byte)'f':
                    if (!TryLiteral(json, ref at, "false"u8))
                    {
                        return false;
                    }
                    at = SkipWhitespace(json, at);
                    goto AfterValue;
                case (byte)'n':
                    if (!TryLiteral(json, ref at, "null"u8))
                    {
                        return false;
                    }
                    at = SkipWhitespace(json, at);
                    goto AfterValue;
                default:
                    if (!TryNumber(json, ref at))
                    {
                        return false;
                    }
                    at = SkipWhitespace(json, at);
                    goto AfterValue;
            }

            // 'at' is on the closing bracket of an empty container.
            at = SkipWhitespace(json, at + 1);
            depth--;

        AfterValue:
            // After a value: the end of the input (at depth 0), a comma, or the closing bracket of the container.
            while (true)
            {
                if (depth == 0)
                {
                    return at == json.Length;
                }
                if (at >= json.Length)
                {
                    return false;
                }
                var inObject = (objects & (1UL << (depth - 1))) != 0;
                if (json[at] == (byte)',')
                {
                    at = SkipWhitespace(json, at + 1);
                    if (inObject && !TryMember(json, ref at))
                    {
                        return false;
                    }
                    break;
                }
                if (json[at] != (inObject ? (byte)'}' : (byte)']'))
                {
                    return false;
                }
                depth--;
                at = SkipWhitespace(json, at + 1);
            }
        }
    }

    /// <summary>An object member's name and colon; leaves 'at' on its value.</summary>
    private static bool TryMember(ReadOnlySpan<byte> json, ref int at)
    {
        if (at >= json.Length || json[at] != (byte)'"' || !TryString(json, ref at))
        {
            return false;
        }
        at = SkipWhitespace(json, at);
        if (at >= json.Length || json[at] != (byte)':')
        {
            return false;
        }
        at = SkipWhitespace(json, at + 1);
        return true;
    }

    /// <summary>A string from its opening quote at 'at'; leaves 'at' after the closing quote.</summary>
    private static bool TryString(ReadOnlySpan<byte> json, ref int at)
    {
        at++;
        while (true)
        {
            var run = json[at..].IndexOfAny(s_stringSpecial);
            if (run < 0)
            {
                return false;
            }
            at += run;
            switch (json[at])
            {
                case (byte)'"':
                    at++;
                    return true;
                case (byte)'\\':
                    if (at + 1 >= json.Length)
                    {
                        return false;
                    }
                    switch (json[at + 1])
                    {
                        case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                            at += 2;
                            break;
                        case (byte)'u':
                            if (at + 6 > json.Length || !IsHex(json[at + 2]) || !IsHex(json[at + 3]) || !IsHex(json[at + 4]) || !IsHex(json[at + 5]))
                            {
                                return false;
                            }
                            at += 6;
                            break;
                        default:
                            return false;
                    }
                    break;
                default:
                    return false; // a raw control character
            }
        }
    }

    /// <summary>-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</summary>
    private static bool TryNumber(ReadOnlySpan<byte> json, ref int at)
    {
        if (json[at] == (byte)'-')
        {
            at++;
        }
        if (at >= json.Length || !IsDigit(json[at]))
        {
            return false;
        }
        if (json[at] == (byte)'0')
        {
            at++;
        }
        else
        {
            at = SkipDigits(json, at);
        }
        if (at < json.Length && json[at] == (byte)'.')
        {
            at++;
            if (at >= json.Length || !IsDigit(json[at]))
            {
                return false;
            }
            at = SkipDigits(json, at);
        }
        if (at < json.Length && (json[at] | 0x20) == (byte)'e')
        {
            at++;
            if (at < json.Length && json[at] is (byte)'+' or (byte)'-')
            {
                at++;
            }
            if (at >= json.Length || !IsDigit(json[at]))
            {
                return false;
            }
            at = SkipDigits(json, at);
        }
        // A number must end at a delimiter: "12a" or "01" is not a number followed by something else.
        return at >= json.Length || json[at] is (byte)',' or (byte)'}' or (byte)']' or (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
    }

    private static bool TryLiteral(ReadOnlySpan<byte> json, ref int at, ReadOnlySpan<byte> literal)
    {
        if (!json[at..].StartsWith(literal))
        {
            return false;
        }
        at += literal.Length;
        return true;
    }

    private static int SkipDigits(ReadOnlySpan<byte> json, int at)
    {
        while (at < json.Length && IsDigit(json[at]))
        {
            at++;
        }
        return at;
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> json, int at)
    {
        while (at < json.Length && json[at] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            at++;
        }
        return at;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static bool IsHex(byte b) => IsDigit(b) || (uint)((b | 0x20) - 'a') <= 5;
}

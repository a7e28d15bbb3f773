using System.Globalization;
using System.Text;

namespace Router.Configuration.Hocon.Lexing;

/// <summary>Quoted strings with JSON escapes, and triple-quoted strings without them.</summary>
internal sealed partial class HoconLexer
{
    /// <summary>Reads a quoted or triple-quoted string starting at the opening quote; returns its unescaped content.</summary>
    private string ReadQuoted()
    {
        var start = Here;
        if (PeekAt(1) == '"' && PeekAt(2) == '"')
        {
            return ReadTripleQuoted(start);
        }
        Advance();
        var content = new StringBuilder();
        while (true)
        {
            if (AtEnd || Current == '\n')
            {
                throw new HoconException(start, "unterminated quoted string; close it with '\"' on the same line or use \"\"\" for multi-line text");
            }
            var c = Current;
            if (c == '"')
            {
                Advance();
                return content.ToString();
            }
            if (c == '\\')
            {
                content.Append(ReadEscape());
                continue;
            }
            content.Append(c);
            Advance();
        }
    }

    private string ReadEscape()
    {
        var start = Here;
        Advance();
        if (AtEnd)
        {
            throw new HoconException(start, "unterminated escape sequence at the end of the input");
        }
        var c = Current;
        Advance();
        switch (c)
        {
            case '"': return "\"";
            case '\\': return "\\";
            case '/': return "/";
            case 'b': return "\b";
            case 'f': return "\f";
            case 'n': return "\n";
            case 'r': return "\r";
            case 't': return "\t";
            case 'u':
                var hex = _index + 4 <= _text.Length ? _text.Substring(_index, 4) : string.Empty;
                if (!ushort.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                {
                    throw new HoconException(start, "invalid escape: '\\u' must be followed by four hex digits");
                }
                for (var i = 0; i < 4; i++)
                {
                    Advance();
                }
                return ((char)code).ToString();
            default:
                throw new HoconException(start, $"invalid escape sequence '\\{c}' in a quoted string");
        }
    }

    /// <summary>
    /// Triple-quoted strings have no escapes and may span lines. Like Scala, any run of three or more quotes
    /// ends the string and the quotes beyond the last three belong to it, so <c>"""a""""</c> is <c>a"</c>.
    /// </summary>
    private string ReadTripleQuoted(SourcePosition start)
    {
        Advance();
        Advance();
        Advance();
        var begin = _index;
        while (!AtEnd)
        {
            if (Current == '"' && PeekAt(1) == '"' && PeekAt(2) == '"')
            {
                var quotes = 0;
                while (PeekAt(quotes) == '"')
                {
                    quotes++;
                }
                var content = _text[begin..(_index + quotes - 3)];
                for (var i = 0; i < quotes; i++)
                {
                    Advance();
                }
                return content;
            }
            Advance();
        }
        throw new HoconException(start, "unterminated triple-quoted string; close it with \"\"\"");
    }
}

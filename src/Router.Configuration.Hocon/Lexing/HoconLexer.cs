using System.Globalization;
using System.Text;

namespace Router.Configuration.Hocon.Lexing;

/// <summary>
/// Turns HOCON text into tokens. Comments are dropped here (their newline stays, because newlines separate
/// fields); whitespace is kept as tokens because value concatenation preserves the whitespace between values.
/// Numbers, booleans and null are lexed as unquoted text and classified by the parser, which gives the same
/// result as the spec's "number then unquoted string" rule because concatenation keeps the original text.
/// </summary>
internal sealed class HoconLexer
{
    private readonly string _text;
    private readonly string _origin;
    private readonly List<Token> _tokens = [];
    private int _index;
    private int _line = 1;
    private int _column = 1;

    private HoconLexer(string text, string origin)
    {
        _text = text;
        _origin = origin;
    }

    public static List<Token> Tokenize(string text, string origin)
    {
        var lexer = new HoconLexer(text, origin);
        lexer.Run();
        return lexer._tokens;
    }

    private SourcePosition Here => new(_origin, _line, _column);

    private bool AtEnd => _index >= _text.Length;

    private char Current => _text[_index];

    private char PeekAt(int offset) => _index + offset < _text.Length ? _text[_index + offset] : '\0';

    private void Run()
    {
        while (!AtEnd)
        {
            var start = Here;
            var c = Current;
            if (c == '\n')
            {
                Advance();
                Add(TokenKind.Newline, "\n", start);
            }
            else if (HoconCharacters.IsWhitespace(c))
            {
                Add(TokenKind.Whitespace, ReadWhile(HoconCharacters.IsWhitespace), start);
            }
            else if (StartsComment())
            {
                ReadWhile(ch => ch != '\n');
            }
            else
            {
                LexSignificant(c, start);
            }
        }
        Add(TokenKind.End, string.Empty, Here);
    }

    private void LexSignificant(char c, SourcePosition start)
    {
        switch (c)
        {
            case ',': Punctuation(TokenKind.Comma, start); break;
            case ':': Punctuation(TokenKind.Colon, start); break;
            case '=': Punctuation(TokenKind.Equals, start); break;
            case '{': Punctuation(TokenKind.OpenBrace, start); break;
            case '}': Punctuation(TokenKind.CloseBrace, start); break;
            case '[': Punctuation(TokenKind.OpenBracket, start); break;
            case ']': Punctuation(TokenKind.CloseBracket, start); break;
            case '+':
                if (PeekAt(1) != '=')
                {
                    throw new HoconException(start, "'+' is only valid as part of '+='; quote the value if it contains '+'");
                }
                Advance();
                Advance();
                Add(TokenKind.PlusEquals, "+=", start);
                break;
            case '"':
                Add(TokenKind.Quoted, ReadQuoted(), start);
                break;
            case '$':
                LexSubstitution(start);
                break;
            default:
                if (HoconCharacters.IsForbiddenInUnquoted(c))
                {
                    throw new HoconException(start, $"unexpected character '{c}'; quote the value if it is part of a string");
                }
                Add(TokenKind.Unquoted, ReadUnquoted(), start);
                break;
        }
    }

    private bool StartsComment() => Current == '#' || (Current == '/' && PeekAt(1) == '/');

    private void Punctuation(TokenKind kind, SourcePosition start)
    {
        Add(kind, Current.ToString(), start);
        Advance();
    }

    private void Add(TokenKind kind, string text, SourcePosition start) => _tokens.Add(new Token(kind, text, start));

    private void Advance()
    {
        if (_text[_index] == '\n')
        {
            _line++;
            _column = 1;
        }
        else
        {
            _column++;
        }
        _index++;
    }

    private string ReadWhile(Func<char, bool> predicate)
    {
        var begin = _index;
        while (!AtEnd && predicate(Current))
        {
            Advance();
        }
        return _text[begin.._index];
    }

    private string ReadUnquoted()
    {
        var begin = _index;
        while (!AtEnd && Current != '\n' && !HoconCharacters.IsWhitespace(Current)
               && !HoconCharacters.IsForbiddenInUnquoted(Current) && !StartsComment())
        {
            Advance();
        }
        return _text[begin.._index];
    }

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

    /// <summary>Lexes <c>${path}</c> or <c>${?path}</c> into one token whose path is already split into segments.</summary>
    private void LexSubstitution(SourcePosition start)
    {
        if (PeekAt(1) != '{')
        {
            throw new HoconException(start, "'$' must start a substitution such as ${path}; quote the value if it contains '$'");
        }
        var begin = _index;
        Advance();
        Advance();
        var optional = false;
        if (!AtEnd && Current == '?')
        {
            optional = true;
            Advance();
        }
        var path = new PathBuilder();
        var hasContent = false;
        string? pendingWhitespace = null;
        while (true)
        {
            if (AtEnd || Current == '\n')
            {
                throw new HoconException(start, "unterminated substitution; close it with '}' on the same line");
            }
            var c = Current;
            if (c == '}')
            {
                Advance();
                break;
            }
            if (HoconCharacters.IsWhitespace(c))
            {
                // Whitespace inside a path is kept only between pieces, as in keys; around the path it is trimmed.
                var whitespace = ReadWhile(HoconCharacters.IsWhitespace);
                pendingWhitespace = hasContent ? whitespace : null;
                continue;
            }
            if (pendingWhitespace is not null)
            {
                path.AppendWhitespace(pendingWhitespace);
                pendingWhitespace = null;
            }
            if (c == '"')
            {
                if (PeekAt(1) == '"' && PeekAt(2) == '"')
                {
                    throw new HoconException(Here, "triple-quoted strings are not allowed in a substitution path");
                }
                path.AppendQuoted(ReadQuoted());
            }
            else if (HoconCharacters.IsForbiddenInUnquoted(c) || StartsComment())
            {
                throw new HoconException(Here, $"unexpected character '{c}' in substitution path; quote path segments that contain it");
            }
            else
            {
                path.AppendUnquoted(ReadUnquoted());
            }
            hasContent = true;
        }
        var text = _text[begin.._index];
        if (!hasContent)
        {
            throw new HoconException(start, $"empty substitution '{text}'; name a path, e.g. ${{a.b}}");
        }
        var segments = path.Build()
            ?? throw new HoconException(start, $"invalid path in substitution '{text}': a path may not start or end with '.' or contain '..'");
        _tokens.Add(new Token(TokenKind.Substitution, text, start) { Path = segments, Optional = optional });
    }
}

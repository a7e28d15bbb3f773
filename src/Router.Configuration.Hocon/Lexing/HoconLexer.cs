namespace Router.Configuration.Hocon.Lexing;

/// <summary>
/// Turns HOCON text into tokens. Comments are dropped here (their newline stays, because newlines separate
/// fields); whitespace is kept as tokens because value concatenation preserves the whitespace between values.
/// Numbers, booleans and null are lexed as unquoted text and classified by the parser, which gives the same
/// result as the spec's "number then unquoted string" rule because concatenation keeps the original text.
/// </summary>
internal sealed partial class HoconLexer
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
}

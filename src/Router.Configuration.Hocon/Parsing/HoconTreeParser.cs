using Router.Configuration.Hocon.Lexing;
using Router.Configuration.Hocon.Tree;

namespace Router.Configuration.Hocon.Parsing;

/// <summary>
/// Recursive-descent parser from tokens to a <see cref="HoconObject"/> tree. Duplicate keys are merged as they
/// are read (<see cref="HoconObject.Assign"/>); substitutions stay in the tree for the resolver. This file holds
/// the document and object grammar; values and includes are in the sibling partial files.
/// </summary>
internal sealed partial class HoconTreeParser
{
    /// <summary>Deeper nesting than any real configuration; it turns hostile input into an error, not a stack overflow.</summary>
    private const int MaxDepth = 256;

    private readonly List<Token> _tokens;
    private readonly string? _directory;
    private readonly IReadOnlyList<string> _includePrefix;
    private readonly IncludeLoader _includes;
    private int _index;
    private int _depth;

    /// <param name="tokens">The document's tokens, ending with <see cref="TokenKind.End"/>.</param>
    /// <param name="directory">Directory of the file being parsed, for relative includes; null for in-memory text.</param>
    /// <param name="includePrefix">Path at which this document is included; empty for the root document.</param>
    /// <param name="includes">Loads included files and detects include cycles.</param>
    public HoconTreeParser(List<Token> tokens, string? directory, IReadOnlyList<string> includePrefix, IncludeLoader includes)
    {
        _tokens = tokens;
        _directory = directory;
        _includePrefix = includePrefix;
        _includes = includes;
    }

    private Token Peek => _tokens[_index];

    /// <summary>A document is an object, with or without its braces; the spec's array roots are not configuration.</summary>
    public HoconObject ParseDocument()
    {
        SkipWhitespaceAndNewlines();
        var first = Peek;
        if (first.Kind == TokenKind.OpenBracket)
        {
            throw new HoconException(first.Position, "the document root must be an object, not an array");
        }
        if (first.Kind != TokenKind.OpenBrace)
        {
            return ParseObjectBody(braced: false, _includePrefix, first.Position);
        }

        Next();
        var root = ParseObjectBody(braced: true, _includePrefix, first.Position);
        SkipWhitespaceAndNewlines();
        if (Peek.Kind != TokenKind.End)
        {
            throw new HoconException(Peek.Position, $"unexpected {Peek.Describe()} after the document's closing '}}'");
        }
        return root;
    }

    /// <summary>Fields up to the closing brace (or the end of input for a root without braces).</summary>
    private HoconObject ParseObjectBody(bool braced, IReadOnlyList<string> path, SourcePosition opened)
    {
        EnterNested(opened);
        var obj = new HoconObject(opened);
        while (true)
        {
            SkipWhitespaceAndNewlines();
            var token = Peek;
            switch (token.Kind)
            {
                case TokenKind.CloseBrace when braced:
                    Next();
                    _depth--;
                    return obj;
                case TokenKind.CloseBrace:
                    throw new HoconException(token.Position, "unexpected '}' without a matching '{'");
                case TokenKind.End when braced:
                    throw new HoconException(token.Position, $"missing '}}' to close the object opened at ({opened.Line},{opened.Column})");
                case TokenKind.End:
                    _depth--;
                    return obj;
                case TokenKind.Comma:
                    throw new HoconException(token.Position, "unexpected ','; a field is missing before it (or there are two commas in a row)");
            }

            var description = IsIncludeStatement() ? ParseInclude(obj, path) : ParseField(obj, path);
            ExpectFieldSeparator(description, closing: TokenKind.CloseBrace);
        }
    }

    /// <summary>After a field or element: a comma, a newline, or the closing bracket/brace (or the end of a root without braces).</summary>
    private void ExpectFieldSeparator(string after, TokenKind closing)
    {
        SkipWhitespace();
        var token = Peek;
        if (token.Kind == TokenKind.Comma)
        {
            Next();
            return;
        }
        if (token.Kind == TokenKind.Newline || token.Kind == closing || token.Kind == TokenKind.End)
        {
            return;
        }
        var hint = token.Kind is TokenKind.Colon or TokenKind.Equals
            ? "; quote the value if it contains ':' or '='"
            : string.Empty;
        throw new HoconException(token.Position, $"expected ',' or a newline after {after}, found {token.Describe()}{hint}");
    }

    /// <summary>Parses <c>key = value</c>, <c>key : value</c>, <c>key { ... }</c> or <c>key += value</c> and merges it into <paramref name="obj"/>.</summary>
    private string ParseField(HoconObject obj, IReadOnlyList<string> path)
    {
        var keyStart = Peek.Position;
        var (key, keyText) = ParseKey();
        var fieldPath = path.Concat(key).ToArray();

        // Newlines may come between a key and its separator or brace, as in JSON and the reference
        // implementation; it also lets C# users put an object's opening brace on its own line.
        SkipWhitespaceAndNewlines();
        var separator = Peek;
        HoconNode value;
        switch (separator.Kind)
        {
            case TokenKind.Colon or TokenKind.Equals:
                Next();
                value = ParseValue(fieldPath, $"key '{keyText}'");
                break;
            case TokenKind.OpenBrace:
                value = ParseValue(fieldPath, $"key '{keyText}'");
                break;
            case TokenKind.PlusEquals:
                Next();
                value = AppendTo(fieldPath, ParseValue(fieldPath, $"key '{keyText}'"), separator.Position);
                break;
            default:
                // Pointing at the key, not at whatever follows it, lands the editor on the line that needs the fix
                // even when the key is the last thing on its line.
                throw new HoconException(keyStart, $"expected '=' or ':' after key '{keyText}'");
        }

        // a.b.c = v is a { b { c = v } }: build the nested objects from the inside out, then merge as usual.
        for (var i = key.Count - 1; i > 0; i--)
        {
            var nested = new HoconObject(separator.Position);
            nested.Assign(key[i], value);
            value = nested;
        }
        obj.Assign(key[0], value);
        return $"the value of '{keyText}'";
    }

    /// <summary>The spec's expansion of <c>a += v</c>: <c>a = ${?a} [v]</c>, with the path taken from the document root.</summary>
    private static HoconConcatenation AppendTo(IReadOnlyList<string> fieldPath, HoconNode element, SourcePosition at) =>
        new([new HoconSubstitution(fieldPath, optional: true, includePrefix: [], at), new HoconArray([element], element.Position)], at, isAppend: true);

    /// <summary>A path expression: unquoted text split at dots, quoted text kept whole, inner whitespace kept.</summary>
    private (IReadOnlyList<string> Segments, string Text) ParseKey()
    {
        var start = Peek;
        var pieces = new List<Token>();
        while (Peek.Kind is TokenKind.Unquoted or TokenKind.Quoted or TokenKind.Whitespace)
        {
            pieces.Add(Next());
        }
        while (pieces.Count > 0 && pieces[^1].Kind == TokenKind.Whitespace)
        {
            pieces.RemoveAt(pieces.Count - 1);
        }
        if (Peek.Kind == TokenKind.Substitution)
        {
            throw new HoconException(Peek.Position, "substitutions are not allowed in keys");
        }
        if (pieces.Count == 0)
        {
            throw new HoconException(start.Position, $"expected a key, found {start.Describe()}");
        }

        var builder = new PathBuilder();
        foreach (var piece in pieces)
        {
            switch (piece.Kind)
            {
                case TokenKind.Unquoted: builder.AppendUnquoted(piece.Text); break;
                case TokenKind.Quoted: builder.AppendQuoted(piece.Text); break;
                default: builder.AppendWhitespace(piece.Text); break;
            }
        }
        var text = string.Concat(pieces.Select(p => p.Kind == TokenKind.Quoted ? $"\"{p.Text}\"" : p.Text));
        var segments = builder.Build()
            ?? throw new HoconException(start.Position, $"invalid key '{text}': a path may not start or end with '.' or contain '..'; quote a key that contains dots");
        return (segments, text);
    }

    private void EnterNested(SourcePosition at)
    {
        if (++_depth > MaxDepth)
        {
            throw new HoconException(at, $"objects and arrays are nested more than {MaxDepth} deep");
        }
    }

    private Token Next() => _tokens[_index++];

    private void SkipWhitespace()
    {
        while (Peek.Kind == TokenKind.Whitespace)
        {
            _index++;
        }
    }

    private void SkipWhitespaceAndNewlines()
    {
        while (Peek.Kind is TokenKind.Whitespace or TokenKind.Newline)
        {
            _index++;
        }
    }
}

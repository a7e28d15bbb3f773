using Router.Configuration.Hocon.Lexing;
using Router.Configuration.Hocon.Tree;

namespace Router.Configuration.Hocon.Parsing;

/// <summary>Values: scalars, objects, arrays and the concatenations of them written on one line.</summary>
internal sealed partial class HoconTreeParser
{
    /// <summary>
    /// Collects everything up to the end of the line (or a comma or closing bracket) as one value. Several parts,
    /// e.g. <c>30 seconds</c> or <c>${base}/data</c>, form a concatenation; literal ones are folded right away.
    /// </summary>
    private HoconNode ParseValue(IReadOnlyList<string> path, string owner)
    {
        SkipWhitespaceAndNewlines();
        var start = Peek;
        var parts = new List<HoconNode>();
        while (TryParsePart(path, parts))
        {
        }
        while (parts.Count > 0 && parts[^1] is HoconWhitespace)
        {
            parts.RemoveAt(parts.Count - 1);
        }
        if (parts.Count == 0)
        {
            throw new HoconException(start.Position, $"expected a value for {owner}, found {start.Describe()}");
        }
        if (parts.Count == 1)
        {
            // A lone unquoted token keeps its type (true, 42, null); only concatenations become strings.
            return parts[0] is HoconScalar { IsQuoted: false } single ? HoconScalar.FromUnquoted(single.Text, single.Position) : parts[0];
        }
        return parts.Any(p => p is HoconSubstitution)
            ? new HoconConcatenation(parts, parts[0].Position)
            : HoconConcatenation.Join(parts, parts[0].Position)!;
    }

    private bool TryParsePart(IReadOnlyList<string> path, List<HoconNode> parts)
    {
        var token = Peek;
        switch (token.Kind)
        {
            case TokenKind.Unquoted or TokenKind.Quoted:
                Next();
                parts.Add(new HoconScalar(ScalarKind.String, token.Text, token.Kind == TokenKind.Quoted, token.Position));
                return true;
            case TokenKind.Substitution:
                Next();
                parts.Add(new HoconSubstitution(token.Path!, token.Optional, _includePrefix, token.Position));
                return true;
            case TokenKind.OpenBrace:
                Next();
                parts.Add(ParseObjectBody(braced: true, path, token.Position));
                return true;
            case TokenKind.OpenBracket:
                Next();
                parts.Add(ParseArray(path, token.Position));
                return true;
            case TokenKind.Whitespace:
                Next();
                if (parts.Count > 0)
                {
                    parts.Add(new HoconWhitespace(token.Text, token.Position));
                }
                return true;
            default:
                return false;
        }
    }

    /// <summary>Elements separated by commas or newlines; one trailing comma is allowed, as the spec says.</summary>
    private HoconArray ParseArray(IReadOnlyList<string> path, SourcePosition opened)
    {
        EnterNested(opened);
        var elements = new List<HoconNode>();
        while (true)
        {
            SkipWhitespaceAndNewlines();
            var token = Peek;
            switch (token.Kind)
            {
                case TokenKind.CloseBracket:
                    Next();
                    _depth--;
                    return new HoconArray(elements, opened);
                case TokenKind.End:
                    throw new HoconException(token.Position, $"missing ']' to close the array opened at ({opened.Line},{opened.Column})");
                case TokenKind.Comma:
                    throw new HoconException(token.Position, "unexpected ','; an array element is missing before it (or there are two commas in a row)");
            }
            elements.Add(ParseValue(path, "an array element"));
            ExpectFieldSeparator("an array element", closing: TokenKind.CloseBracket);
        }
    }
}

using System.Text;
using Router.Configuration.Hocon.Lexing;
using Router.Configuration.Hocon.Tree;

namespace Router.Configuration.Hocon.Parsing;

/// <summary><c>include "file"</c>, <c>include file("file")</c> and <c>include required("file")</c>.</summary>
internal sealed partial class HoconTreeParser
{
    /// <summary>
    /// The spec makes an unquoted <c>include</c> at the start of a key special whatever follows it, so
    /// <c>include = 1</c> is an error rather than a key; a quoted <c>"include"</c> is an ordinary key.
    /// </summary>
    private bool IsIncludeStatement() => Peek is { Kind: TokenKind.Unquoted, Text: "include" };

    private string ParseInclude(HoconObject obj, IReadOnlyList<string> path)
    {
        var at = Next().Position;
        SkipWhitespaceAndNewlines();

        // "required(" lexes as unquoted text (parentheses are legal there), so the wrapper is read as text.
        var wrapper = new StringBuilder();
        while (Peek.Kind == TokenKind.Unquoted)
        {
            wrapper.Append(Next().Text);
            SkipWhitespace();
        }
        if (Peek.Kind != TokenKind.Quoted)
        {
            throw new HoconException(Peek.Position, $"'include' must be followed by a quoted file name, e.g. include \"other.conf\" or include required(\"other.conf\"), found {Peek.Describe()}; quote \"include\" to use it as a key");
        }
        var name = Next();
        var opened = wrapper.ToString().Count(c => c == '(');
        var closed = 0;
        SkipWhitespace();
        while (closed < opened && Peek.Kind == TokenKind.Unquoted && Peek.Text.All(c => c == ')'))
        {
            closed += Next().Text.Length;
            SkipWhitespace();
        }
        if (closed != opened)
        {
            throw new HoconException(Peek.Position, $"expected ')' to close include {wrapper}\"{name.Text}\"");
        }

        var required = wrapper.ToString() switch
        {
            "" or "file(" => false,
            "required(" or "required(file(" => true,
            var form when form.Contains("url(") || form.Contains("classpath(") =>
                throw new HoconException(at, "include url(...) and include classpath(...) are not supported; include a file path"),
            var form => throw new HoconException(at, $"malformed include '{form}': expected include \"name\", include file(\"name\") or include required(\"name\")"),
        };

        var included = _includes.Include(name.Text, required, _directory, path, at);
        if (included is not null)
        {
            // The included keys stand where the include statement stands: they merge over earlier fields and
            // later fields merge over them, exactly like duplicate keys in one file.
            foreach (var (key, node) in included.Fields)
            {
                obj.Assign(key, node);
            }
        }
        return $"include \"{name.Text}\"";
    }
}

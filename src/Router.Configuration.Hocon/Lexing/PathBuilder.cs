using System.Text;

namespace Router.Configuration.Hocon.Lexing;

/// <summary>
/// Builds a path expression (a key or the inside of <c>${...}</c>) from its pieces: dots split segments only
/// in unquoted text, so <c>a."b.c"</c> has two segments and <c>"question.created"</c> is one key.
/// </summary>
internal sealed class PathBuilder
{
    private readonly List<string> _segments = [];
    private readonly StringBuilder _current = new();
    private bool _currentHasQuoted;
    private bool _hasEmptyUnquotedSegment;

    public void AppendUnquoted(string text)
    {
        var pieces = text.Split('.');
        _current.Append(pieces[0]);
        for (var i = 1; i < pieces.Length; i++)
        {
            EndSegment();
            _current.Append(pieces[i]);
        }
    }

    public void AppendQuoted(string text)
    {
        _current.Append(text);
        _currentHasQuoted = true;
    }

    /// <summary>Whitespace between pieces is kept, as in a value concatenation: <c>a b c = 1</c> is the key "a b c".</summary>
    public void AppendWhitespace(string text) => _current.Append(text);

    /// <summary>The segments, or null when an unquoted segment is empty (<c>a..b</c>, <c>.a</c>, <c>a.</c>), which the spec makes an error.</summary>
    public IReadOnlyList<string>? Build()
    {
        EndSegment();
        return _hasEmptyUnquotedSegment ? null : _segments;
    }

    private void EndSegment()
    {
        if (_current.Length == 0 && !_currentHasQuoted)
        {
            _hasEmptyUnquotedSegment = true;
        }
        _segments.Add(_current.ToString());
        _current.Clear();
        _currentHasQuoted = false;
    }
}

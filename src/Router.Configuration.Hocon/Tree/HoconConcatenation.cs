using System.Text;

namespace Router.Configuration.Hocon.Tree;

/// <summary>
/// Values written next to each other on one line where at least one is a substitution, e.g.
/// <c>${base}/data</c> or <c>${defaults} { name = east }</c>. Concatenations of literals are folded by the
/// parser; these wait for the resolver because the kind of the result depends on what the substitutions hold.
/// </summary>
internal sealed class HoconConcatenation : HoconNode
{
    public HoconConcatenation(IReadOnlyList<HoconNode> parts, SourcePosition position, bool isAppend = false)
        : base(position)
    {
        Parts = parts;
        IsAppend = isAppend;
    }

    public IReadOnlyList<HoconNode> Parts { get; }

    /// <summary>True for the expansion of <c>a += v</c>, so a mismatch can be reported in those terms.</summary>
    public bool IsAppend { get; }

    /// <summary>
    /// The spec's three kinds of concatenation over parts that are values, whitespace, or null for an undefined
    /// <c>${?x}</c>: objects merge (later wins), arrays append, simple values join as a string keeping the
    /// whitespace between them. Returns null when no part is defined, so the field is not created.
    /// </summary>
    public static HoconValue? Join(IReadOnlyList<HoconNode?> parts, SourcePosition position, bool isAppend = false)
    {
        var values = parts.OfType<HoconValue>().ToList();
        if (values.Count == 0)
        {
            return null;
        }
        if (values.All(v => v is HoconObject))
        {
            return values.Cast<HoconObject>().Aggregate(HoconObject.Merge);
        }
        if (values.All(v => v is HoconArray))
        {
            return new HoconArray([.. values.Cast<HoconArray>().SelectMany(a => a.Elements)], position);
        }
        if (values.All(v => v is HoconScalar))
        {
            var text = new StringBuilder();
            var quoted = false;
            foreach (var part in parts)
            {
                switch (part)
                {
                    case HoconScalar scalar:
                        text.Append(scalar.Text);
                        quoted |= scalar.IsQuoted;
                        break;
                    case HoconWhitespace whitespace:
                        text.Append(whitespace.Text);
                        break;
                }
            }
            return new HoconScalar(ScalarKind.String, text.ToString(), quoted, position);
        }
        if (isAppend)
        {
            throw new HoconException(position, $"'+=' appends to an array, but the earlier value is {Describe(values[0])}");
        }
        var kinds = values.Select(Describe).Distinct();
        throw new HoconException(position, $"cannot concatenate {string.Join(" with ", kinds)}; only simple values with simple values, arrays with arrays and objects with objects");
    }

    private static string Describe(HoconValue value) => value switch
    {
        HoconObject => "an object",
        HoconArray => "an array",
        HoconScalar { Kind: ScalarKind.Number } => "a number",
        HoconScalar { Kind: ScalarKind.Boolean } => "a boolean",
        HoconScalar { Kind: ScalarKind.Null } => "null",
        _ => "a string",
    };
}

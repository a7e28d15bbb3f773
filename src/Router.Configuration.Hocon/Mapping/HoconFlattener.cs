using System.Globalization;
using Router.Configuration.Hocon.Tree;

namespace Router.Configuration.Hocon.Mapping;

/// <summary>
/// Turns a resolved document into IConfiguration's flat key/value form. The rules are listed on
/// <see cref="HoconConfigurationProvider"/>; this is their only implementation.
/// </summary>
internal static class HoconFlattener
{
    public static Dictionary<string, string?> Flatten(HoconObject root)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        VisitObject(root, prefix: null, data);
        return data;
    }

    /// <summary>
    /// Dashes are dropped so that HOCON's conventional <c>max-body</c> matches the C# property <c>MaxBody</c>
    /// and the environment override <c>Router__Publish__MaxBody</c>; IConfiguration ignores case already.
    /// </summary>
    public static string ToConfigurationSegment(string key) => key.Replace("-", string.Empty, StringComparison.Ordinal);

    private static void VisitObject(HoconObject obj, string? prefix, Dictionary<string, string?> data)
    {
        foreach (var (key, node) in obj.Fields)
        {
            Visit((HoconValue)node, Combine(prefix, ToConfigurationSegment(key)), data);
        }
    }

    private static void Visit(HoconValue value, string key, Dictionary<string, string?> data)
    {
        switch (value)
        {
            case HoconObject obj:
                VisitObject(obj, key, data);
                break;
            case HoconArray array:
                for (var i = 0; i < array.Elements.Count; i++)
                {
                    Visit((HoconValue)array.Elements[i], Combine(key, i.ToString(CultureInfo.InvariantCulture)), data);
                }
                break;
            case HoconScalar { Kind: ScalarKind.Null }:
                // null means "no value": the key is left out, so a bound property keeps its default.
                break;
            case HoconScalar { Kind: ScalarKind.String, IsQuoted: false } text:
                data[key] = ConvertUnits(text);
                break;
            case HoconScalar scalar:
                data[key] = scalar.Text;
                break;
        }
    }

    private static string ConvertUnits(HoconScalar text) => UnitConversion.TryConvert(text.Text, out var converted) switch
    {
        UnitConversion.Outcome.Converted => converted,
        UnitConversion.Outcome.OutOfRange => throw new HoconException(text.Position, $"'{text.Text}' has a duration or size unit but cannot be converted: the amount is out of range or not a whole number of bytes; quote it to keep it as text"),
        _ => text.Text,
    };

    private static string Combine(string? prefix, string segment) => prefix is null ? segment : $"{prefix}:{segment}";
}

using System.Text;
using System.Text.Json.Nodes;
using Router.Events;

namespace Router.Versioning;

/// <summary>Builders for conversions and a text-in, text-out view of <see cref="EventTypeRegistry.TryConvert"/>.</summary>
internal static class VersioningTestData
{
    public const string Question = "question.created";

    public static ConversionOptions Conversion(string type, int from, int to, params TransformStepOptions[] steps) =>
        new() { Type = type, From = from, To = to, Steps = [.. steps] };

    public static TransformStepOptions Step(string op, string? path = null, string? from = null, string? to = null, string? value = null) =>
        new() { Op = op, Path = path, From = from, To = to, Value = value };

    public static EventTypeRegistry Registry(params ConversionOptions[] conversions) =>
        EventTypeRegistry.Build(new VersioningOptions { Conversions = [.. conversions] }, []);

    /// <summary>Runs one upcast of <see cref="Question"/> from v1 to v2 made of <paramref name="steps"/>.</summary>
    public static string Upcast(string json, params TransformStepOptions[] steps) =>
        Convert(Registry(Conversion(Question, 1, 2, steps)), $"{Question}.v1", 2, json);

    public static string Convert(EventTypeRegistry registry, string storedType, int targetVersion, string json)
    {
        Assert.True(registry.TryConvert(EventType.Parse(storedType), targetVersion, Encoding.UTF8.GetBytes(json), out var converted));
        return Encoding.UTF8.GetString(converted.Span);
    }

    /// <summary>Compact form of JSON text written readably in a test.</summary>
    public static string Compact(string json) => JsonNode.Parse(json)?.ToJsonString() ?? "null";
}

/// <summary>A C# converter whose conversion is a delegate.</summary>
internal sealed class DelegateConverter(string baseType, int fromVersion, int toVersion, Func<JsonNode?, JsonNode?> convert) : IEventConverter
{
    public string BaseType { get; } = baseType;

    public int FromVersion { get; } = fromVersion;

    public int ToVersion { get; } = toVersion;

    public JsonNode? Convert(JsonNode? data) => convert(data);
}

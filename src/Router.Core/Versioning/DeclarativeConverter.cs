using System.Globalization;
using System.Text.Json.Nodes;

namespace Router.Versioning;

/// <summary>A conversion declared in configuration: its steps applied in order to the data object.</summary>
internal sealed class DeclarativeConverter : IEventConverter
{
    private readonly TransformStep[] _steps;

    public DeclarativeConverter(string baseType, int fromVersion, int toVersion, TransformStep[] steps)
    {
        BaseType = baseType;
        FromVersion = fromVersion;
        ToVersion = toVersion;
        _steps = steps;
    }

    public string BaseType { get; }

    public int FromVersion { get; }

    public int ToVersion { get; }

    /// <summary>Applies the steps to an object; any other JSON value passes through unchanged.</summary>
    public JsonNode? Convert(JsonNode? data)
    {
        if (data is JsonObject target)
        {
            foreach (var step in _steps)
            {
                step.Apply(target);
            }
        }
        return data;
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{BaseType} v{FromVersion}→v{ToVersion}");

    /// <summary>
    /// Compiles declared steps (none is allowed: the versions then differ in meaning only), or adds
    /// every problem to <paramref name="errors"/> and returns null. <paramref name="label"/> names the
    /// conversion, e.g. <c>question.created v1→v2</c>.
    /// </summary>
    public static TransformStep[]? CompileSteps(List<TransformStepOptions>? declared, string label, List<string> errors)
    {
        if (declared is null)
        {
            return [];
        }
        var steps = new TransformStep[declared.Count];
        var valid = true;
        for (var i = 0; i < declared.Count; i++)
        {
            var step = TransformStep.Compile(declared[i], string.Create(CultureInfo.InvariantCulture, $"{label}, step {i + 1}"), errors);
            valid &= step is not null;
            steps[i] = step!;
        }
        return valid ? steps : null;
    }
}

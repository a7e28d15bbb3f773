namespace Router.Versioning;

/// <summary>
/// Declared upcasters and downcasters (SPEC §6). Bound from configuration; every property is
/// nullable and has no initialiser because the defaults live in the configuration file, and a
/// missing value is reported by <see cref="EventTypeRegistry.Build"/> rather than guessed.
/// </summary>
public sealed class VersioningOptions
{
    /// <summary>Each entry converts one base type's <c>data</c> between two adjacent versions.</summary>
    public List<ConversionOptions>? Conversions { get; set; }
}

/// <summary>
/// One conversion step of a base type: an upcast (<see cref="To"/> = <see cref="From"/> + 1) or a
/// downcast (<see cref="To"/> = <see cref="From"/> − 1). The steps run in order on the event's
/// <c>data</c> object; data that is not a JSON object passes through unchanged. A conversion with
/// no steps is allowed: it declares that the versions differ in meaning only.
/// </summary>
public sealed class ConversionOptions
{
    /// <summary>The base type without its version suffix, e.g. <c>question.created</c>.</summary>
    public string? Type { get; set; }

    /// <summary>The version converted from, 1 to 9999.</summary>
    public int From { get; set; }

    /// <summary>The version converted to: <see cref="From"/> + 1 or <see cref="From"/> − 1.</summary>
    public int To { get; set; }

    public List<TransformStepOptions>? Steps { get; set; }
}

/// <summary>
/// One transformation of the <c>data</c> object. Paths are dotted property names of nested
/// objects (<c>author.name</c>), each segment of <c>[A-Za-z0-9_$-]</c>; arrays are plain values.
/// <list type="bullet">
/// <item><c>rename</c>, <c>move</c>: <see cref="From"/> → <see cref="To"/> (any two paths; the value at
/// <see cref="To"/> is overwritten, missing parents are created, emptied parents are kept).</item>
/// <item><c>copy</c>: as <c>move</c>, but the source stays.</item>
/// <item><c>set</c>: <see cref="Path"/> = <see cref="Value"/>, overwriting, creating missing parents.</item>
/// <item><c>default</c>: <see cref="Path"/> = <see cref="Value"/> only where the field is missing or null.</item>
/// <item><c>remove</c>: deletes <see cref="Path"/>.</item>
/// </list>
/// A missing source field makes <c>rename</c>, <c>move</c>, <c>copy</c> and <c>remove</c> a no-op,
/// since old events may lack optional fields. A step whose target runs through a value that is not
/// an object (e.g. <c>set author.name</c> where <c>author</c> is a string) leaves the data unchanged
/// rather than destroy that value.
/// </summary>
public sealed class TransformStepOptions
{
    /// <summary><c>rename</c>, <c>set</c>, <c>default</c>, <c>remove</c>, <c>move</c> or <c>copy</c>.</summary>
    public string? Op { get; set; }

    /// <summary>The field written or removed by <c>set</c>, <c>default</c> and <c>remove</c>.</summary>
    public string? Path { get; set; }

    /// <summary>The source field of <c>rename</c>, <c>move</c> and <c>copy</c>.</summary>
    public string? From { get; set; }

    /// <summary>The target field of <c>rename</c>, <c>move</c> and <c>copy</c>.</summary>
    public string? To { get; set; }

    /// <summary>
    /// JSON text for <c>set</c> and <c>default</c>: <c>0</c>, <c>true</c>, <c>"x"</c>, <c>{}</c>.
    /// Text that does not parse as JSON is taken as a string, so <c>value = pending</c> works.
    /// </summary>
    public string? Value { get; set; }
}

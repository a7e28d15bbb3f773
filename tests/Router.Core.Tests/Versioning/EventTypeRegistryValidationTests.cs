using static Router.Versioning.VersioningTestData;

namespace Router.Versioning;

public sealed class EventTypeRegistryValidationTests
{
    private const string ConverterName = "Router.Versioning.DelegateConverter";

    private static string BuildError(params ConversionOptions[] conversions) =>
        Assert.Throws<VersioningConfigurationException>(() => Registry(conversions)).Message;

    private static string BuildError(ConversionOptions[] conversions, params IEventConverter[] converters) =>
        Assert.Throws<VersioningConfigurationException>(
            () => EventTypeRegistry.Build(new VersioningOptions { Conversions = [.. conversions] }, converters)).Message;

    private static string StepError(TransformStepOptions step) =>
        BuildError(Conversion(Question, 1, 2, Step("remove", path: "ok"), step));

    [Fact]
    public void Build_UnknownOp_NamesTheOpAndTheChoices()
    {
        Assert.Equal(
            "question.created v1→v2, step 2 (rname): unknown op; expected rename, set, default, remove, move or copy",
            StepError(Step("rname", from: "a", to: "b")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Build_MissingOp_SaysOpIsRequired(string? op)
    {
        Assert.Equal("question.created v1→v2, step 2: 'op' is required", StepError(new TransformStepOptions { Op = op, Path = "a" }));
    }

    [Fact]
    public void Build_NullStep_SaysTheStepIsEmpty()
    {
        var conversion = Conversion(Question, 1, 2);
        conversion.Steps = [null!];

        Assert.Equal("question.created v1→v2, step 1: the step is empty", BuildError(conversion));
    }

    [Theory]
    [InlineData("rename", null, "b", "'from' is required")]
    [InlineData("rename", "a", null, "'to' is required")]
    [InlineData("move", null, "b", "'from' is required")]
    [InlineData("move", "a", null, "'to' is required")]
    [InlineData("copy", null, "b", "'from' is required")]
    [InlineData("copy", "a", null, "'to' is required")]
    public void Build_PathPairOpMissingAnArgument_SaysWhichIsRequired(string op, string? from, string? to, string expected)
    {
        Assert.Equal($"question.created v1→v2, step 2 ({op}): {expected}", StepError(Step(op, from: from, to: to)));
    }

    [Theory]
    [InlineData("set", null, "1", "'path' is required")]
    [InlineData("set", "a", null, "'value' is required")]
    [InlineData("default", null, "1", "'path' is required")]
    [InlineData("default", "a", null, "'value' is required")]
    [InlineData("remove", null, null, "'path' is required")]
    public void Build_PathOpMissingAnArgument_SaysWhichIsRequired(string op, string? path, string? value, string expected)
    {
        Assert.Equal($"question.created v1→v2, step 2 ({op}): {expected}", StepError(Step(op, path: path, value: value)));
    }

    [Fact]
    public void Build_RenameMissingBothPaths_ListsBoth()
    {
        var exception = Assert.Throws<VersioningConfigurationException>(() => Registry(Conversion(Question, 1, 2, Step("rename"))));

        Assert.Equal(
            ["question.created v1→v2, step 1 (rename): 'from' is required", "question.created v1→v2, step 1 (rename): 'to' is required"],
            exception.Errors);
    }

    [Theory]
    [InlineData("remove", "'value' does not apply to remove")]
    [InlineData("set", "'from' does not apply to set")]
    [InlineData("rename", "'path' does not apply to rename")]
    public void Build_ArgumentTheOpDoesNotUse_IsRefused(string op, string expected)
    {
        var step = op switch
        {
            "remove" => Step(op, path: "a", value: "1"),
            "set" => Step(op, path: "a", value: "1", from: "b"),
            _ => Step(op, from: "a", to: "b", path: "c"),
        };

        Assert.Equal($"question.created v1→v2, step 2 ({op}): {expected}", StepError(step));
    }

    [Fact]
    public void Build_MoveOntoItself_IsRefused()
    {
        Assert.Equal("question.created v1→v2, step 2 (move): 'to' must differ from 'from'", StepError(Step("move", from: "a.b", to: "a.b")));
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData(".a", "leading dot")]
    [InlineData("a.", "trailing dot")]
    [InlineData(".", "leading dot")]
    [InlineData("a..b", "empty segment")]
    [InlineData("a b", "character U+0020 at index 1 is outside [A-Za-z0-9_$-]")]
    [InlineData("a/b", "character '/' at index 1 is outside [A-Za-z0-9_$-]")]
    [InlineData("tags[0]", "character '[' at index 4 is outside [A-Za-z0-9_$-]")]
    [InlineData("é", "character 'é' at index 0 is outside [A-Za-z0-9_$-]")]
    public void Build_InvalidPath_SaysWhatIsWrong(string path, string problem)
    {
        Assert.Equal(
            $"question.created v1→v2, step 2 (remove): 'path' '{path}' is not a valid path ({problem})",
            StepError(Step("remove", path: path)));
        Assert.Equal(
            $"question.created v1→v2, step 2 (copy): 'to' '{path}' is not a valid path ({problem})",
            StepError(Step("copy", from: "ok", to: path)));
    }

    [Theory]
    [InlineData(0, 1, "question.created v0→v1: 'from' must be a version from 1 to 9999")]
    [InlineData(-1, 0, "question.created v-1→v0: 'from' must be a version from 1 to 9999\nquestion.created v-1→v0: 'to' must be a version from 1 to 9999")]
    [InlineData(1, 0, "question.created v1→v0: 'to' must be a version from 1 to 9999")]
    [InlineData(9999, 10000, "question.created v9999→v10000: 'to' must be a version from 1 to 9999")]
    [InlineData(1, 3, "question.created v1→v3: 'to' must be 'from' + 1 (upcast) or 'from' - 1 (downcast)")]
    [InlineData(4, 1, "question.created v4→v1: 'to' must be 'from' + 1 (upcast) or 'from' - 1 (downcast)")]
    [InlineData(2, 2, "question.created v2→v2: 'to' must be 'from' + 1 (upcast) or 'from' - 1 (downcast)")]
    public void Build_BadVersions_AreRefused(int from, int to, string expected)
    {
        Assert.Equal(expected.Replace("\n", Environment.NewLine, StringComparison.Ordinal), BuildError(Conversion(Question, from, to)));
    }

    [Theory]
    [InlineData("Question.Created")]
    [InlineData("question.created.v1")]
    [InlineData("question created")]
    [InlineData("1question")]
    [InlineData("question.")]
    [InlineData("question..created")]
    [InlineData("question.*")]
    public void Build_InvalidBaseType_IsRefused(string type)
    {
        Assert.Equal(
            $"{type} v1→v2: 'type' must be a base event type such as 'question.created' (lowercase, dot-separated, without the '.vN' suffix)",
            BuildError(Conversion(type, 1, 2)));
    }

    [Fact]
    public void Build_BaseTypeTooLongForAVersion_IsRefused()
    {
        var type = new string('a', 250);

        Assert.Contains("'type' must be a base event type", BuildError(Conversion(type, 1, 2)), StringComparison.Ordinal);
        Assert.Equal(2, Registry(Conversion(new string('a', 249), 1, 2)).NewestVersion(new string('a', 249)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Build_MissingType_NamesTheConversionByPosition(string? type)
    {
        var error = BuildError(Conversion(Question, 1, 2), new ConversionOptions { Type = type, From = 1, To = 2 });

        Assert.Equal("conversion 2 v1→v2: 'type' is required", error);
    }

    [Fact]
    public void Build_NullConversion_SaysItIsEmpty()
    {
        Assert.Equal("conversion 1: the conversion is empty", BuildError(new ConversionOptions[] { null! }));
    }

    [Fact]
    public void Build_SameStepDeclaredTwice_NamesBothDefinitions()
    {
        Assert.Equal(
            "question.created v1→v2: defined more than once (conversion 1, conversion 3)",
            BuildError(Conversion(Question, 1, 2), Conversion(Question, 2, 1), Conversion(Question, 1, 2)));
    }

    [Fact]
    public void Build_SameStepDeclaredAndInCSharp_NamesBothDefinitions()
    {
        var error = BuildError([Conversion(Question, 1, 2)], new DelegateConverter(Question, 1, 2, d => d));

        Assert.Equal($"question.created v1→v2: defined more than once (conversion 1, C# converter {ConverterName})", error);
    }

    [Fact]
    public void Build_SameStepTwiceInCSharp_IsRefused()
    {
        var error = BuildError([], new DelegateConverter(Question, 2, 1, d => d), new DelegateConverter(Question, 2, 1, d => d));

        Assert.Equal($"question.created v2→v1: defined more than once (C# converter {ConverterName}, C# converter {ConverterName})", error);
    }

    [Fact]
    public void Build_GapInUpcasts_NamesTheMissingStep()
    {
        Assert.Equal(
            "question.created: the upcast chain has a gap: v2→v3 is missing between v1→v2 and v3→v4",
            BuildError(Conversion(Question, 1, 2), Conversion(Question, 3, 4)));
    }

    [Fact]
    public void Build_GapInDowncasts_NamesTheMissingStep()
    {
        Assert.Equal(
            "question.created: the downcast chain has a gap: v3→v2 is missing between v4→v3 and v2→v1",
            BuildError(Conversion(Question, 2, 1), Conversion(Question, 4, 3)));
    }

    [Theory]
    [InlineData(5, "v2→v3, v3→v4, v4→v5 are missing between v1→v2 and v5→v6")]
    [InlineData(9, "v2→v3 … v8→v9 are missing between v1→v2 and v9→v10")]
    public void Build_WideGap_DescribesTheMissingRange(int resumeAt, string expected)
    {
        Assert.Equal(
            $"question.created: the upcast chain has a gap: {expected}",
            BuildError(Conversion(Question, 1, 2), Conversion(Question, resumeAt, resumeAt + 1)));
    }

    [Fact]
    public void Build_GapBetweenDeclaredAndCSharpSteps_IsRefused()
    {
        var error = BuildError([Conversion(Question, 1, 2)], new DelegateConverter(Question, 3, 4, d => d));

        Assert.Equal("question.created: the upcast chain has a gap: v2→v3 is missing between v1→v2 and v3→v4", error);
    }

    [Fact]
    public void Build_ChainsNotStartingAtOneOrWithDifferentRanges_AreAccepted()
    {
        var registry = Registry(Conversion(Question, 2, 3), Conversion(Question, 3, 4), Conversion(Question, 4, 3), Conversion("answer.posted", 1, 2));

        Assert.Equal(4, registry.NewestVersion(Question));
    }

    [Fact]
    public void Build_InvalidCSharpConverter_NamesItsClass()
    {
        var error = BuildError([], new DelegateConverter("Question", 1, 3, d => d));

        Assert.Equal(
            $"Question v1→v3 (C# converter {ConverterName}): 'BaseType' must be a base event type such as 'question.created' (lowercase, dot-separated, without the '.vN' suffix)"
            + Environment.NewLine
            + $"Question v1→v3 (C# converter {ConverterName}): 'ToVersion' must be 'FromVersion' + 1 (upcast) or 'FromVersion' - 1 (downcast)",
            error);
    }

    [Fact]
    public void Build_NullCSharpConverter_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => EventTypeRegistry.Build(null, [null!]));
    }

    [Fact]
    public void Build_SeveralProblems_ReportsEveryOne()
    {
        var exception = Assert.Throws<VersioningConfigurationException>(() => Registry(
            Conversion("Bad", 1, 2, Step("remove", path: "a..b")),
            Conversion(Question, 1, 2, Step("explode")),
            Conversion("answer.posted", 1, 2),
            Conversion("answer.posted", 3, 4)));

        Assert.Equal(
            [
                "Bad v1→v2: 'type' must be a base event type such as 'question.created' (lowercase, dot-separated, without the '.vN' suffix)",
                "Bad v1→v2, step 1 (remove): 'path' 'a..b' is not a valid path (empty segment)",
                "question.created v1→v2, step 1 (explode): unknown op; expected rename, set, default, remove, move or copy",
                "answer.posted: the upcast chain has a gap: v2→v3 is missing between v1→v2 and v3→v4",
            ],
            exception.Errors);
        Assert.Equal(string.Join(Environment.NewLine, exception.Errors), exception.Message);
    }
}

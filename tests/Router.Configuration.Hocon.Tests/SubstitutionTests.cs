namespace Router.Configuration.Hocon.Tests;

public sealed class SubstitutionTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Fact]
    public void Parse_Substitution_CopiesValueFromPath()
    {
        var data = Hocon.Parse("a.b = 42\nc = ${a.b}");

        Assert.Equal("42", data["c"]);
    }

    [Fact]
    public void Parse_ForwardReference_UsesLaterValue()
    {
        var data = Hocon.Parse("c = ${a}\na = 1\na = 2");

        Assert.Equal("2", data["c"]);
    }

    [Fact]
    public void Parse_SubstitutionOfObject_CopiesWholeObject()
    {
        var data = Hocon.Parse("defaults { timeout = 5, retries = 3 }\nservice = ${defaults}");

        Assert.Equal("5", data["service:timeout"]);
        Assert.Equal("3", data["service:retries"]);
    }

    [Fact]
    public void Parse_DottedKeyAfterSubstitutedObject_MergesIntoCopyOnly()
    {
        var data = Hocon.Parse("defaults { timeout = 5 }\nservice = ${defaults}\nservice.retries = 3");

        Assert.Equal("defaults:timeout=5\nservice:retries=3\nservice:timeout=5", Hocon.Dump(data));
    }

    [Fact]
    public void Parse_SubstitutionAndLiteralOnOneLine_ConcatenateAsString()
    {
        var data = Hocon.Parse("base = /var/router\npath = ${base}/data\nlabel = ${base} is home");

        Assert.Equal("/var/router/data", data["path"]);
        Assert.Equal("/var/router is home", data["label"]);
    }

    [Fact]
    public void Parse_SubstitutionWithQuotedSuffix_Concatenates()
    {
        Assert.Equal("a:b:c:d", Hocon.Parse("path = \"a:b:c\"\npath = ${path}\":d\"")["path"]);
    }

    [Fact]
    public void Parse_ObjectInheritance_MergesSubstitutedObjectWithLiteral()
    {
        var data = Hocon.Parse("generic = { cluster-size = 6 }\neast = ${generic} { name = \"east\" }");

        Assert.Equal("clustersize=6\nname=east", string.Join("\n", data.Where(kv => kv.Key.StartsWith("east:")).OrderBy(kv => kv.Key).Select(kv => $"{kv.Key[5..]}={kv.Value}")));
    }

    [Fact]
    public void Parse_RequiredSubstitutionMissingEverywhere_ReportsPathAndPosition()
    {
        var error = Hocon.ParseError("a = 1\nb = ${nope.x}", NoEnvironment);

        Assert.Equal((2, 5), (error.Line, error.Column));
        Assert.Contains("could not resolve substitution ${nope.x}", error.Message);
    }

    [Fact]
    public void Parse_RequiredSubstitutionNotInDocument_FallsBackToEnvironment()
    {
        var data = Hocon.Parse("home = ${HOME}", new Dictionary<string, string> { ["HOME"] = "/home/router" });

        Assert.Equal("/home/router", data["home"]);
    }

    [Fact]
    public void Parse_PathInDocument_WinsOverEnvironment()
    {
        var data = Hocon.Parse("HOME = /doc\nhome = ${HOME}", new Dictionary<string, string> { ["HOME"] = "/env" });

        Assert.Equal("/doc", data["home"]);
    }

    [Fact]
    public void Parse_PathSetToNull_DoesNotFallBackToEnvironment()
    {
        var data = Hocon.Parse("HOME = null\nhome = ${HOME}", new Dictionary<string, string> { ["HOME"] = "/env" });

        Assert.False(data.ContainsKey("home"));
    }

    [Fact]
    public void Parse_OptionalSubstitutionWithEnvironmentVariable_OverridesDefault()
    {
        var data = Hocon.Parse(
            "urls = \"http://127.0.0.1:5080\"\nurls = ${?ROUTER_URLS}",
            new Dictionary<string, string> { ["ROUTER_URLS"] = "http://0.0.0.0:80" });

        Assert.Equal("http://0.0.0.0:80", data["urls"]);
    }

    [Fact]
    public void Parse_OptionalSubstitutionUndefined_KeepsEarlierValue()
    {
        var data = Hocon.Parse("urls = \"http://127.0.0.1:5080\"\nurls = ${?ROUTER_URLS}", NoEnvironment);

        Assert.Equal("http://127.0.0.1:5080", data["urls"]);
    }

    [Fact]
    public void Parse_OptionalSubstitutionUndefinedWithoutEarlierValue_DropsField()
    {
        var data = Hocon.Parse("a = 1\nsecret = ${?ROUTER_JWT_SECRET}", NoEnvironment);

        Assert.False(data.ContainsKey("secret"));
    }

    [Fact]
    public void Parse_OptionalSubstitutionInNestedObject_KeepsEarlierNestedValue()
    {
        var data = Hocon.Parse("""
            router {
              journal {
                provider = sqlite
                provider = ${?ROUTER_JOURNAL_PROVIDER}
                path = "./data/router.db"
                path = ${?ROUTER_JOURNAL_PATH}
              }
            }
            """,
            new Dictionary<string, string> { ["ROUTER_JOURNAL_PATH"] = "/data/r.db" });

        Assert.Equal("sqlite", data["router:journal:provider"]);
        Assert.Equal("/data/r.db", data["router:journal:path"]);
    }

    [Fact]
    public void Parse_OptionalSubstitutionOfObjectOverride_KeepsEarlierObjectWhenUndefined()
    {
        var data = Hocon.Parse("a { x = 1 }\na = ${?OVERRIDE}\na { y = 2 }", NoEnvironment);

        Assert.Equal("a:x=1\na:y=2", Hocon.Dump(data));
    }

    [Fact]
    public void Parse_UndefinedOptionalArrayElement_IsLeftOut()
    {
        var data = Hocon.Parse("a = [1, ${?MISSING}, 3]", NoEnvironment);

        Assert.Equal("a:0=1\na:1=3", Hocon.Dump(data));
    }

    [Fact]
    public void Parse_UndefinedOptionalInStringConcatenation_IsEmpty()
    {
        Assert.Equal("prefix-", Hocon.Parse("a = prefix-${?MISSING}", NoEnvironment)["a"]);
    }

    [Fact]
    public void Parse_OptionalSelfReferenceConcatenation_LooksBackToUndefined()
    {
        // The spec: `a = ${?a}foo` is "foo", not "foofoo".
        Assert.Equal("foo", Hocon.Parse("a = ${?a}foo", NoEnvironment)["a"]);
    }

    [Fact]
    public void Parse_SelfReference_UsesEarlierValue()
    {
        var data = Hocon.Parse("path = [ /bin ]\npath = ${path} [ /usr/bin ]");

        Assert.Equal("path:0=/bin\npath:1=/usr/bin", Hocon.Dump(data));
    }

    [Fact]
    public void Parse_TwoFieldCycle_IsAnError()
    {
        var error = Hocon.ParseError("bar : ${foo}\nfoo : ${bar}", NoEnvironment);

        Assert.Contains("substitution cycle", error.Message);
        Assert.Contains("${foo}", error.Message);
        Assert.Contains("${bar}", error.Message);
    }

    [Fact]
    public void Parse_ThreeFieldCycle_IsAnError()
    {
        var error = Hocon.ParseError("a : ${b}\nb : ${c}\nc : ${a}", NoEnvironment);

        Assert.Contains("substitution cycle", error.Message);
    }

    [Fact]
    public void Parse_SelfReferenceWithoutEarlierValue_IsAnError()
    {
        var error = Hocon.ParseError("foo : ${foo}", NoEnvironment);

        Assert.Contains("substitution cycle: ${foo}", error.Message);
        Assert.Equal((1, 7), (error.Line, error.Column));
    }

    [Fact]
    public void Parse_ObjectContainingSubstitutionOfItself_IsAnError()
    {
        var error = Hocon.ParseError("a : { b : ${a} }", NoEnvironment);

        Assert.Contains("substitution cycle", error.Message);
    }

    [Fact]
    public void Parse_ArrayContainingSubstitutionOfItself_IsAnError()
    {
        var error = Hocon.ParseError("a : [ ${a} ]", NoEnvironment);

        Assert.Contains("substitution cycle", error.Message);
    }

    [Fact]
    public void Parse_OptionalSelfReferenceAlone_DropsField()
    {
        Assert.Empty(Hocon.Parse("foo : ${?foo}", NoEnvironment));
    }

    [Fact]
    public void Parse_HiddenBrokenSubstitution_IsNeverEvaluated()
    {
        // The spec: a substitution hidden by a later non-object value is never evaluated, so no error.
        Assert.Equal("42", Hocon.Parse("foo : ${does-not-exist}\nfoo : 42", NoEnvironment)["foo"]);
    }

    [Fact]
    public void Parse_EnvironmentValue_IsNotParsedAsHocon()
    {
        var data = Hocon.Parse("a = ${?X}", new Dictionary<string, string> { ["X"] = "{ not = hocon } ${y}" });

        Assert.Equal("{ not = hocon } ${y}", data["a"]);
    }

    [Fact]
    public void Parse_EmptyEnvironmentValue_IsAnEmptyString()
    {
        Assert.Equal(string.Empty, Hocon.Parse("a = 1\na = ${?X}", new Dictionary<string, string> { ["X"] = "" })["a"]);
    }

    [Fact]
    public void Parse_LongChainOfSubstitutions_Resolves()
    {
        var lines = Enumerable.Range(0, 500).Select(i => $"k{i} = ${{k{i + 1}}}").Append("k500 = end");

        Assert.Equal("end", Hocon.Parse(string.Join("\n", lines))["k0"]);
    }

    [Fact]
    public void Parse_PathologicallyLongChain_IsAnErrorNotAStackOverflow()
    {
        var lines = Enumerable.Range(0, 5000).Select(i => $"k{i} = ${{k{i + 1}}}").Append("k5000 = end");

        var error = Hocon.ParseError(string.Join("\n", lines));

        Assert.Contains("more than 1000 deep", error.Message);
    }

    [Fact]
    public void Parse_SubstitutionInKey_IsAnError()
    {
        var error = Hocon.ParseError("${a} = 1");

        Assert.Contains("substitutions are not allowed in keys", error.Message);
    }
}

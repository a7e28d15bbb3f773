using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Router.Events;
using Router.Host.Streaming;

namespace Router.Host.Http;

public sealed class QueryValuesTests
{
    [Theory]
    [InlineData("?queue=a&queue=b", "queue", "a,b")]
    [InlineData("?QUEUE=a&Queue=b", "queue", "a,b")]
    [InlineData("?types=a.b%2Cc.*&x=1", "types", "a.b,c.*")]
    [InlineData("?clientId=tab+one", "clientId", "tab one")]
    [InlineData("?lastEventId=", "lastEventId", "")]
    [InlineData("?lastEventId", "lastEventId", "")]
    [InlineData("?other=1", "queue", null)]
    [InlineData("", "queue", null)]
    [InlineData("?%71ueue=x", "queue", "x")]
    public void Indexer_Query_ReadsAsRequestQueryDoes(string query, string name, string? expected)
    {
        var values = new QueryValues(query)[name];

        Assert.Equal(expected, expected is null ? (values.Count == 0 ? null : values.ToString()) : values.ToString());
        Assert.Equal(QueryHelpers.ParseQuery(query).TryGetValue(name, out var reference) ? reference.ToArray() : [], values.ToArray());
    }

    [Fact]
    public void Indexer_RandomQueries_SameValuesAsQueryHelpers()
    {
        var random = new Random(6);
        const string alphabet = "aqQ=&+%2C0x";
        for (var i = 0; i < 5_000; i++)
        {
            var query = "?" + new string(Enumerable.Range(0, random.Next(0, 24)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            var reference = QueryHelpers.ParseQuery(query);
            foreach (var name in new[] { "a", "q", "aq", "" })
            {
                var expected = reference.TryGetValue(name, out var found) ? found.ToArray() : [];
                Assert.True(expected.SequenceEqual(new QueryValues(query)[name].ToArray()), $"{query} [{name}]");
            }
        }
    }

    [Fact]
    public void Parse_StreamRequest_LeavesNoParsedQueryOnTheRequest()
    {
        // A stream keeps its request for hours: Request.Query would leave its dictionary and feature on it.
        var http = new DefaultHttpContext();
        http.Request.QueryString = new QueryString("?queue=a&types=q.*&sseEvent=type");

        var (request, field, _) = StreamRequestParser.Parse("acme", null, http.Request, TypePatternSet.Parse(null));

        Assert.Null(field);
        Assert.Equal(["a"], request!.Filter.Scope.Queues);
        Assert.True(request.TypeAsEventField);
        Assert.Null(http.Features.Get<IQueryFeature>());
    }
}

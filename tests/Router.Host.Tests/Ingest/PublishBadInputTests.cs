using System.Net;
using System.Text;
using System.Text.Json;
using Router.TestKit;

namespace Router.Host.Ingest;

/// <summary>
/// Every refused publish (SPEC §3) is an RFC 9457 problem with the right status, <c>field</c> and (in a batch)
/// <c>index</c>, and appends nothing: each test publishes one good event first and checks the head stays at 1.
/// </summary>
public sealed class PublishBadInputTests
{
    private const string Good = """{"type":"question.created.v1"}""";

    [Theory]
    [InlineData("Acme")]
    [InlineData("a b")]
    [InlineData("-acme")]
    [InlineData("acme.corp")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task Publish_InvalidTenantName_Returns400FieldTenant(string tenant)
    {
        await using var host = await RouterTestHost.StartAsync();

        using var response = await host.PostRawAsync(Uri.EscapeDataString(tenant), Good);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "tenant");
        await AssertHeadAsync(host, "acme", "0");
    }

    [Fact]
    public async Task Publish_TenantNameWithTrailingNewline_Returns400FieldTenant()
    {
        await using var host = await RouterTestHost.StartAsync();

        using var response = await host.PostRawAsync("acme%0A", Good);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "tenant");
        await AssertHeadAsync(host, "acme", "0");
    }

    [Fact]
    public async Task Publish_TenantNameOf64Characters_IsAccepted()
    {
        await using var host = await RouterTestHost.StartAsync();

        var sequences = await host.PublishAsync(new string('a', 64), Good);

        Assert.Equal([1L], sequences);
    }

    [Theory]
    [InlineData("""{"type":"question.created.v1" """)]
    [InlineData("""{"type":"question.created.v1",}""")]
    [InlineData("""{"type":'question.created.v1'}""")]
    [InlineData("""{"type":"question.created.v1"} /* comment */""")]
    [InlineData("""{"type":"question.created.v1"}{"type":"question.created.v1"}""")]
    [InlineData("")]
    public async Task Publish_MalformedJson_Returns400FieldBody(string body)
    {
        await using var host = await RouterTestHost.StartAsync();
        await host.PublishAsync("acme", Good);

        using var response = await host.PostRawAsync("acme", body);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "body");
        Assert.Equal("https://router.example/problems/malformed-json", problem.GetProperty("type").GetString());
        await AssertHeadAsync(host, "acme", "1");
    }

    [Theory]
    [InlineData("42")]
    [InlineData("\"question.created.v1\"")]
    [InlineData("null")]
    [InlineData("true")]
    public async Task Publish_BodyNotObjectOrArray_Returns400FieldBody(string body)
    {
        await using var host = await RouterTestHost.StartAsync();
        await host.PublishAsync("acme", Good);

        using var response = await host.PostRawAsync("acme", body);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "body");
        await AssertHeadAsync(host, "acme", "1");
    }

    [Fact]
    public async Task Publish_EmptyArray_Returns400FieldBody()
    {
        await using var host = await RouterTestHost.StartAsync();
        await host.PublishAsync("acme", Good);

        using var response = await host.PostRawAsync("acme", "[]");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "body");
        await AssertHeadAsync(host, "acme", "1");
    }

    [Theory]
    [InlineData("""[1]""")]
    [InlineData("""["question.created.v1"]""")]
    [InlineData("""[null]""")]
    [InlineData("""[[{"type":"question.created.v1"}]]""")]
    public async Task Publish_EventNotAnObject_Returns400WithIndex(string body)
    {
        await using var host = await RouterTestHost.StartAsync();
        await host.PublishAsync("acme", Good);

        using var response = await host.PostRawAsync("acme", body);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "body", index: 0);
        await AssertHeadAsync(host, "acme", "1");
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"data":{"a":1}}""")]
    [InlineData("""{"type":null}""")]
    public async Task Publish_MissingType_Returns400FieldType(string body)
    {
        await using var host = await RouterTestHost.StartAsync();
        await host.PublishAsync("acme", Good);

        using var response = await host.PostRawAsync("acme", body);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "type", index: 0);
        await AssertHeadAsync(host, "acme", "1");
    }

    [Theory]
    [InlineData("question.created.v1\\n")]
    [InlineData("question.created.v1\\r\\n")]
    [InlineData("question.created\\n.v1")]
    [InlineData("question.created")]
    [InlineData("question.created.v0")]
    [InlineData("question.created.v10000")]
    [InlineData("Question.created.v1")]
    [InlineData("question created.v1")]
    [InlineData("")]
    [InlineData(".v1")]
    public async Task Publish_InvalidType_Returns400FieldType(string type)
    {
        await using var host = await RouterTestHost.StartAsync();
        await host.PublishAsync("acme", Good);

        using var response = await host.PostRawAsync("acme", $$"""{"type":"{{type}}"}""");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "type", index: 0);
        await AssertHeadAsync(host, "acme", "1");
    }

    [Fact]
    public async Task Publish_TypeNotAString_Returns400FieldType()
    {
        await using var host = await RouterTestHost.StartAsync();
        await host.PublishAsync("acme", Good);

        using var response = await host.PostRawAsync("acme", """{"type":["question.created.v1"]}""");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "type", index: 0);
        await AssertHeadAsync(host, "acme", "1");
    }

    [Theory]
    [InlineData("queu")]
    [InlineData("Type")]
    [InlineData("sequence")]
    public async Task Publish_UnknownField_Returns400NamingTheField(string name)
    {
        await using var host = await RouterTestHost.StartAsync();
        await host.PublishAsync("acme", Good);

        using var response = await host.PostRawAsync("acme", $$"""{"type":"question.created.v1","{{name}}":"x"}""");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, name, index: 0);
        await AssertHeadAsync(host, "acme", "1");
    }

    [Theory]
    [InlineData("id", "42")]
    [InlineData("id", "{\"a\":1}")]
    [InlineData("id", "true")]
    [InlineData("id", "\"\"")]
    [InlineData("id", "\"a\\nb\"")]
    [InlineData("queue", "7")]
    [InlineData("queue", "[\"town-hall\"]")]
    [InlineData("originClientId", "{}")]
    [InlineData("originClientId", "1.5")]
    [InlineData("audience", "\"users\"")]
    [InlineData("audience", "{\"users\":\"u-1\"}")]
    public async Task Publish_FieldOfWrongJsonType_Returns400NamingTheField(string field, string value)
    {
        await using var host = await RouterTestHost.StartAsync();
        await host.PublishAsync("acme", Good);

        using var response = await host.PostRawAsync("acme", $$"""{"type":"question.created.v1","{{field}}":{{value}}}""");

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, null, index: 0);
        Assert.StartsWith(field, problem.GetProperty("field").GetString(), StringComparison.Ordinal);
        await AssertHeadAsync(host, "acme", "1");
    }

    [Fact]
    public async Task Publish_IdLongerThan128_Returns400FieldId()
    {
        await using var host = await RouterTestHost.StartAsync();
        await host.PublishAsync("acme", Good);

        using var response = await host.PostRawAsync("acme", $$"""{"type":"question.created.v1","id":"{{new string('x', 129)}}"}""");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "id", index: 0);
        await AssertHeadAsync(host, "acme", "1");
    }

    [Fact]
    public async Task Publish_IdOf128_IsAccepted()
    {
        await using var host = await RouterTestHost.StartAsync();
        var id = new string('x', 128);

        using var response = await host.PostRawAsync("acme", $$"""{"type":"question.created.v1","id":"{{id}}"}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync().DefaultTimeout());
        Assert.Equal(id, json.RootElement.GetProperty("events")[0].GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("Town-Hall")]
    [InlineData("town hall")]
    [InlineData("_town")]
    [InlineData("")]
    [InlineData("town-hall\\n")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task Publish_InvalidQueueName_Returns400FieldQueue(string queue)
    {
        await using var host = await RouterTestHost.StartAsync();
        await host.PublishAsync("acme", Good);

        using var response = await host.PostRawAsync("acme", $$"""{"type":"question.created.v1","queue":"{{queue}}"}""");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "queue", index: 0);
        await AssertHeadAsync(host, "acme", "1");
    }

    [Fact]
    public async Task Publish_BatchWithThirdEventBad_Returns400Index2AndAppendsNothing()
    {
        await using var host = await RouterTestHost.StartAsync();
        await host.PublishAsync("acme", Good);

        using var response = await host.PostRawAsync("acme", """
            [{"type":"question.created.v1","id":"b-1"},
             {"type":"question.created.v1","id":"b-2"},
             {"type":"question.created","id":"b-3"},
             {"type":"question.created.v1","id":"b-4"}]
            """);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "type", index: 2);
        await AssertHeadAsync(host, "acme", "1");
        // The good events of the refused batch were not stored: publishing b-1 now is new, not a duplicate.
        using var again = await host.PostRawAsync("acme", """{"type":"question.created.v1","id":"b-1"}""");
        using var json = JsonDocument.Parse(await again.Content.ReadAsStringAsync().DefaultTimeout());
        Assert.Equal("2", json.RootElement.GetProperty("events")[0].GetProperty("sequence").GetString());
        Assert.False(json.RootElement.GetProperty("events")[0].GetProperty("duplicate").GetBoolean());
    }

    [Theory]
    [InlineData("""{"type":"question.created.v1","type":"answer.posted.v1"}""")]
    [InlineData("""{"type":"question.created.v1","data":{"a":1,"a":2}}""")]
    [InlineData("""[{"type":"question.created.v1"},{"type":"question.created.v1","id":"x","id":"y"}]""")]
    public async Task Publish_DuplicateJsonKeys_Returns400(string body)
    {
        await using var host = await RouterTestHost.StartAsync();
        await host.PublishAsync("acme", Good);

        using var response = await host.PostRawAsync("acme", body);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "body");
        await AssertHeadAsync(host, "acme", "1");
    }

    [Fact]
    public async Task Publish_NestingDeeperThan64_Returns400()
    {
        await using var host = await RouterTestHost.StartAsync();
        await host.PublishAsync("acme", Good);
        var deep = new string('[', 70) + new string(']', 70);

        using var response = await host.PostRawAsync("acme", $$"""{"type":"question.created.v1","data":{{deep}}}""");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "body");
        await AssertHeadAsync(host, "acme", "1");
    }

    [Fact]
    public async Task Publish_DataOver64KiB_Returns413FieldData()
    {
        await using var host = await RouterTestHost.StartAsync();
        await host.PublishAsync("acme", Good);
        var text = new string('x', 64 * 1024);

        using var response = await host.PostRawAsync("acme", $$$"""[{"type":"question.created.v1"},{"type":"question.created.v1","data":{"text":"{{{text}}}"}}]""");

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "data");
        await AssertHeadAsync(host, "acme", "1");
    }

    [Fact]
    public async Task Publish_BodyOver1MiB_Returns413FieldBody()
    {
        await using var host = await RouterTestHost.StartAsync();
        await host.PublishAsync("acme", Good);
        // Every event's data is small; only the body as a whole is over the limit.
        var events = Enumerable.Repeat($$"""{"type":"question.created.v1","data":"{{new string('x', 30 * 1024)}}"}""", 40);

        using var response = await host.PostRawAsync("acme", "[" + string.Join(',', events) + "]");

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "body");
        await AssertHeadAsync(host, "acme", "1");
    }

    [Fact]
    public async Task Publish_ChunkedBodyOver1MiB_Returns413FieldBody()
    {
        await using var host = await RouterTestHost.StartAsync();
        await host.PublishAsync("acme", Good);
        var events = Enumerable.Repeat($$"""{"type":"question.created.v1","data":"{{new string('x', 30 * 1024)}}"}""", 40);
        var bytes = Encoding.UTF8.GetBytes("[" + string.Join(',', events) + "]");

        using var response = await host.PostRawAsync("acme", "", configure: request =>
        {
            // A stream of unknown length makes HttpClient send it chunked, without Content-Length.
            request.Content = new StreamContent(new UnseekableStream(bytes));
            request.Content.Headers.ContentType = new("application/json");
        });

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "body");
        await AssertHeadAsync(host, "acme", "1");
    }

    [Fact]
    public async Task Publish_BatchOf1001_Returns413FieldBody()
    {
        await using var host = await RouterTestHost.StartAsync();
        await host.PublishAsync("acme", Good);

        using var response = await host.PostRawAsync("acme", "[" + string.Join(',', Enumerable.Repeat(Good, 1001)) + "]");

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "body");
        await AssertHeadAsync(host, "acme", "1");
    }

    [Fact]
    public async Task Publish_BatchOf1000_IsAccepted()
    {
        await using var host = await RouterTestHost.StartAsync();

        var sequences = await host.PublishAsync("acme", "[" + string.Join(',', Enumerable.Repeat(Good, 1000)) + "]");

        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), sequences);
        await AssertHeadAsync(host, "acme", "1000");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    public async Task Publish_WrongContentType_Returns415(string contentType)
    {
        await using var host = await RouterTestHost.StartAsync();
        await host.PublishAsync("acme", Good);

        using var response = await host.PostRawAsync("acme", Good, contentType);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, null);
        await AssertHeadAsync(host, "acme", "1");
    }

    [Fact]
    public async Task Publish_MissingContentType_Returns415()
    {
        await using var host = await RouterTestHost.StartAsync();
        await host.PublishAsync("acme", Good);

        using var response = await host.PostRawAsync("acme", Good, configure: request => request.Content!.Headers.ContentType = null);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, null);
        await AssertHeadAsync(host, "acme", "1");
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/cloudevents+json")]
    public async Task Publish_JsonContentTypeVariants_AreAccepted(string contentType)
    {
        await using var host = await RouterTestHost.StartAsync();

        using var response = await host.PostRawAsync("acme", Good, contentType);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Publish_ClientIdHeaderWithControlCharacter_Returns400()
    {
        await using var host = await RouterTestHost.StartAsync();
        await host.PublishAsync("acme", Good);

        using var response = await host.PostRawAsync("acme", Good, configure: request => request.Headers.TryAddWithoutValidation("X-Client-Id", new string('t', 129)));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "X-Client-Id");
        await AssertHeadAsync(host, "acme", "1");
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? field, int? index = null)
    {
        var text = await response.Content.ReadAsStringAsync().DefaultTimeout();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.StartsWith("https://router.example/problems/", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        if (field is not null)
        {
            Assert.Equal(field, problem.GetProperty("field").GetString());
        }
        if (index is { } expected)
        {
            Assert.Equal(expected, problem.GetProperty("index").GetInt32());
        }
        else
        {
            Assert.False(problem.TryGetProperty("index", out _), $"unexpected index in {text}");
        }
        return problem;
    }

    private static async Task AssertHeadAsync(RouterTestHost host, string tenant, string expected)
    {
        using var response = await host.Client.GetAsync($"/v1/tenants/{tenant}/health").DefaultTimeout();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync().DefaultTimeout());
        Assert.Equal(expected, json.RootElement.GetProperty("head").GetString());
    }

    /// <summary>A read-only stream that reports no length, so the request goes out chunked.</summary>
    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}

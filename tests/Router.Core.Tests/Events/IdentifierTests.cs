using Router.Journal;
using Router.Queues;
using Router.Tenants;

namespace Router.Events;

public sealed class IdentifierTests
{
    [Theory]
    [InlineData("acme", true)]
    [InlineData("a", true)]
    [InlineData("0-tenant_x", true)]
    [InlineData("Acme", false)]
    [InlineData("-acme", false)]
    [InlineData("a b", false)]
    [InlineData("", false)]
    [InlineData("acme\n", false)] // .NET's $ would accept a trailing newline; \z does not
    [InlineData("acme\r\n", false)]
    public void TenantAndQueue_TryParse_FollowTheSpecPattern(string text, bool valid)
    {
        Assert.Equal(valid, TenantId.TryParse(text, out _));
        Assert.Equal(valid, QueueName.TryParse(text, out _));
    }

    [Fact]
    public void TenantId_SixtyFiveCharacters_Rejected()
    {
        Assert.True(TenantId.TryParse(new string('a', 64), out _));
        Assert.False(TenantId.TryParse(new string('a', 65), out _));
    }

    [Theory]
    [InlineData("question.created.v2", "question.created", 2)]
    [InlineData("a.v1", "a", 1)]
    [InlineData("x_y-z.sub.v9999", "x_y-z.sub", 9999)]
    public void EventType_Valid_SplitsBaseAndVersion(string text, string baseType, int version)
    {
        var type = EventType.Parse(text);
        Assert.Equal(baseType, type.BaseType);
        Assert.Equal(version, type.Version);
        Assert.Equal($"{baseType}.v{version + 1}", type.WithVersion(version + 1).Name);
    }

    [Theory]
    [InlineData("question.created")]
    [InlineData("question.created.v0")]
    [InlineData("question.created.v10000")]
    [InlineData("Question.created.v1")]
    [InlineData("question.created.v1\n")]
    [InlineData("question created.v1")]
    [InlineData(".v1")]
    public void EventType_Invalid_Rejected(string text) => Assert.False(EventType.TryParse(text, out _));

    [Theory]
    [InlineData("question.*", "question.created.v2", true)]
    [InlineData("question.*", "answer.posted.v1", false)]
    [InlineData("*", "answer.posted.v1", true)]
    [InlineData("question.created", "question.created.v3", true)]
    [InlineData("question.created.v1", "question.created.v2", false)]
    [InlineData("*.v1", "question.created.v1", true)]
    [InlineData("q*d.v1", "question.created.v1", true)]
    public void TypePattern_Matches_GlobAndBaseType(string pattern, string type, bool matches) =>
        Assert.Equal(matches, TypePattern.Parse(pattern).Matches(EventType.Parse(type)));

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("42", 42L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void Position_Digits_Parsed(string text, long value)
    {
        Assert.True(Position.TryParse(text, out var position));
        Assert.Equal(value, position.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData(" 1")]
    [InlineData("1.0")]
    [InlineData("abc")]
    [InlineData("99999999999999999999")]
    public void Position_NotDigits_Rejected(string text) => Assert.False(Position.TryParse(text, out _));
}

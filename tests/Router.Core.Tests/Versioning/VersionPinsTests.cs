using Router.Events;

namespace Router.Versioning;

public sealed class VersionPinsTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Parse_NothingGiven_PinsNothing(string? text)
    {
        var pins = VersionPins.Parse(text);

        Assert.Equal(0, pins.Count);
        Assert.False(pins.TryGetPinned("question.created", out _));
    }

    [Fact]
    public void Parse_List_PinsEachBaseType()
    {
        var pins = VersionPins.Parse("question.created.v1,answer.posted.v2");

        Assert.Equal(2, pins.Count);
        Assert.True(pins.TryGetPinned("question.created", out var question));
        Assert.Equal(EventType.Parse("question.created.v1"), question);
        Assert.True(pins.TryGetPinned("answer.posted", out var answer));
        Assert.Equal(2, answer.Version);
        Assert.False(pins.TryGetPinned("question", out _));
    }

    [Fact]
    public void Parse_SpacesAroundEntries_AreIgnored()
    {
        var pins = VersionPins.Parse(" question.created.v1 , answer.posted.v2 ");

        Assert.Equal("answer.posted.v2,question.created.v1", pins.ToString());
    }

    [Fact]
    public void Parse_SameEntryTwice_IsAccepted()
    {
        var pins = VersionPins.Parse("question.created.v1,question.created.v1");

        Assert.Equal(1, pins.Count);
    }

    [Theory]
    [InlineData("question.created", "accept: 'question.created' is not a versioned event type such as 'question.created.v1'")]
    [InlineData("Question.Created.v1", "accept: 'Question.Created.v1' is not a versioned event type such as 'question.created.v1'")]
    [InlineData("question.created.v0", "accept: 'question.created.v0' is not a versioned event type such as 'question.created.v1'")]
    [InlineData("a.v1,*.v2", "accept: '*.v2' is not a versioned event type such as 'question.created.v1'")]
    [InlineData("a.v1,,b.v2", "accept: entry 2 is empty")]
    [InlineData("a.v1,", "accept: entry 2 is empty")]
    [InlineData("question.created.v1,question.created.v2", "accept: 'question.created' is pinned to both v1 and v2")]
    public void TryParse_BadEntry_ExplainsWhy(string text, string expected)
    {
        Assert.False(VersionPins.TryParse(text, out var pins, out var error));
        Assert.Null(pins);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Parse_BadEntry_ThrowsFormatExceptionWithTheReason()
    {
        var exception = Assert.Throws<FormatException>(() => VersionPins.Parse("question.created"));

        Assert.Equal("accept: 'question.created' is not a versioned event type such as 'question.created.v1'", exception.Message);
    }
}

using System.Text;
using System.Text.Json;

namespace Router.Events;

/// <summary>The hand-written check must accept exactly what <see cref="Utf8JsonReader"/> accepts as one whole value.</summary>
public sealed class StoredJsonTests
{
    private static readonly string[] s_samples =
    [
        """{"text":"When will the new office open?","author":{"id":"u-1842","name":"Ada"},"votes":3,"tags":["office","facilities"]}""",
        """{"b":[1,12345,638000000009999999]}""",
        """[1,-2.5,3e10,-4E-2,0.0,0,true,false,null,"",{},[],{"a":[]}]""",
        """" "esc \" \\ \/ \b \f \n \r \t \u00e9 \uD83D\uDE00" """",
        """  { "spaced" : [ 1 , 2 ] }	""",
        "\"ünï €\"",
        "0",
        "-0.5e+3",
    ];

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("{")]
    [InlineData("{}}")]
    [InlineData("[1,]")]
    [InlineData("""{"a":1,}""")]
    [InlineData("""{"a"}""")]
    [InlineData("""{a:1}""")]
    [InlineData("01")]
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData("1e")]
    [InlineData("+1")]
    [InlineData("tru")]
    [InlineData("nulls")]
    [InlineData("\"\\x\"")]
    [InlineData("\"\\u12G4\"")]
    [InlineData("\"a\tb\"")]
    [InlineData("1 2")]
    [InlineData("[1}")]
    [InlineData("""{"a":1]""")]
    [InlineData("// c\n1")]
    public void IsValid_Malformed_False(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);

        Assert.False(ReaderAccepts(bytes));
        Assert.False(StoredJson.IsValid(bytes));
    }

    [Fact]
    public void IsValid_Samples_True()
    {
        foreach (var sample in s_samples)
        {
            Assert.True(StoredJson.IsValid(Encoding.UTF8.GetBytes(sample)), sample);
        }
    }

    [Fact]
    public void IsValid_NestedToTheReadersLimit_SameAsTheReader()
    {
        foreach (var depth in new[] { StoredJson.MaxDepth - 1, StoredJson.MaxDepth, StoredJson.MaxDepth + 1 })
        {
            var bytes = Encoding.UTF8.GetBytes(new string('[', depth) + new string(']', depth));

            Assert.Equal(ReaderAccepts(bytes), StoredJson.IsValid(bytes));
        }
    }

    [Fact]
    public void IsValid_MutatedSamples_SameAsTheReader()
    {
        var random = new Random(20261122);
        var alphabet = "{}[]\",:\\ -+.0123456789eEtrufalsn\t\nxu"u8.ToArray();
        for (var i = 0; i < 200_000; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(s_samples[random.Next(s_samples.Length)]).ToList();
            for (var m = random.Next(1, 4); m > 0 && bytes.Count > 0; m--)
            {
                var at = random.Next(bytes.Count);
                switch (random.Next(4))
                {
                    case 0: bytes[at] = alphabet[random.Next(alphabet.Length)]; break;
                    case 1: bytes.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                    case 2: bytes.RemoveAt(at); break;
                    default: bytes.RemoveRange(at, bytes.Count - at); break;
                }
            }
            var mutated = bytes.ToArray();

            Assert.True(ReaderAccepts(mutated) == StoredJson.IsValid(mutated), Encoding.UTF8.GetString(mutated));
        }
    }

    private static bool ReaderAccepts(byte[] json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read())
            {
                return false;
            }
            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

using System.IO.Pipelines;
using System.Text;

namespace Router.Connections;

public sealed class FrameSinkTests
{
    [Fact]
    public async Task Write_SmallFrames_ShareOneBufferAndOneAdvance()
    {
        var output = new RecordingWriter(new Pipe());
        var frames = Enumerable.Range(0, 10).Select(i => Frame(i, 100)).ToArray();

        var sink = new FrameSink(output);
        foreach (var frame in frames)
        {
            sink.Write(frame);
        }
        sink.Complete();

        Assert.Equal(10, sink.Count);
        Assert.Equal(1, output.Advances);
        Assert.Equal(frames.SelectMany(f => f), await ReadAllAsync(output));
    }

    [Fact]
    public async Task Write_FramesAcrossBuffersAndOneLargerThanABuffer_ArriveWholeAndInOrder()
    {
        var output = new RecordingWriter(new Pipe(new PipeOptions(minimumSegmentSize: 4096)));
        byte[][] frames = [Frame(0, 3000), Frame(1, 3000), Frame(2, 20_000), Frame(3, 10)];

        var sink = new FrameSink(output);
        foreach (var frame in frames)
        {
            sink.Write(frame);
        }
        sink.Complete();

        Assert.Equal(4, sink.Count);
        Assert.InRange(output.Advances, 2, 10); // one per filled buffer: ~26 KB in 4 KiB buffers
        Assert.Equal(frames.SelectMany(f => f), await ReadAllAsync(output));
    }

    [Fact]
    public void Complete_NothingWritten_DoesNotAdvance()
    {
        var output = new RecordingWriter(new Pipe());

        var sink = new FrameSink(output);
        sink.Complete();

        Assert.Equal(0, sink.Count);
        Assert.Equal(0, output.Advances);
    }

    /// <summary>A frame of <paramref name="length"/> bytes whose content tells it from its neighbours.</summary>
    private static byte[] Frame(int index, int length) =>
        Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat($"{index}:", length))[..length]);

    private static async Task<byte[]> ReadAllAsync(RecordingWriter output)
    {
        await output.Inner.Writer.CompleteAsync();
        using var bytes = new MemoryStream();
        await output.Inner.Reader.AsStream().CopyToAsync(bytes);
        return bytes.ToArray();
    }
}

using System.Buffers;
using System.Text;
using Router.Events;
using Router.Journal;
using Router.Routing;
using Router.Tenants;
using Router.Versioning;

namespace Router.Connections;

/// <summary>The replay writer stages frames and hands them to the response in chunks, byte for byte as live delivery writes them.</summary>
public sealed class ReplayWriterTests
{
    private static readonly TenantId s_tenant = TenantId.Parse("acme");

    private static JournalEvent Stored(long position, string? queue) => new(
        new Position(position), $"e{position}", "question.created.v1", queue, new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero),
        Encoding.UTF8.GetBytes("""{"text":"a question of typical size"}"""), null, position % 2 == 0 ? "tab-1" : null);

    [Fact]
    public void Write_ManySmallFrames_ReachTheOutputInFewChunksAndSameBytes()
    {
        var output = new CountingWriter();
        var writer = new ReplayWriter(s_tenant, RoutingTable.Default, EventTypeRegistry.Empty, VersionPins.None, typeAsEventField: false, output);
        var events = Enumerable.Range(1, 500).Select(p => Stored(p, p % 3 == 0 ? null : "q")).ToList();

        foreach (var stored in events)
        {
            writer.Write(stored, writer.TypeOf(stored.Type)!);
        }
        writer.Drain();

        var expected = events.SelectMany(e => SseFrames.EventFrame(s_tenant, e, e.Type, e.Data, false)).ToArray();
        Assert.Equal(expected, output.Written.WrittenSpan.ToArray());
        // Unstaged, each frame took three Advance calls (a lock each on Kestrel's response writer): 1,500 here. A staged
        // chunk may still be split where the output's free memory ends (a pipe's segment), hence two per chunk.
        Assert.InRange(output.Advances, 1, 2 * ((expected.Length / ReplayWriter.StagingBytes) + 1));
    }

    [Fact]
    public void Write_CorruptRow_ThrowsAndStagesNoPartOfItsFrame()
    {
        var output = new CountingWriter();
        var writer = new ReplayWriter(s_tenant, RoutingTable.Default, EventTypeRegistry.Empty, VersionPins.None, typeAsEventField: false, output);
        var good = Stored(1, "q");
        var corrupt = Stored(2, "q") with { Data = Encoding.UTF8.GetBytes("""{"text":""") };
        writer.Write(good, writer.TypeOf(good.Type)!);

        Assert.ThrowsAny<System.Text.Json.JsonException>(() => writer.Write(corrupt, writer.TypeOf(corrupt.Type)!));
        writer.Drain();

        Assert.Equal(SseFrames.EventFrame(s_tenant, good, good.Type, good.Data, false), output.Written.WrittenSpan.ToArray());
    }

    [Fact]
    public void Drain_NothingStaged_WritesNothing()
    {
        var output = new CountingWriter();
        var writer = new ReplayWriter(s_tenant, RoutingTable.Default, EventTypeRegistry.Empty, VersionPins.None, typeAsEventField: true, output);

        writer.Drain();

        Assert.Equal(0, output.Advances);
        Assert.Equal(0, output.Written.WrittenCount);
    }

    /// <summary>Counts how often it is advanced, as Kestrel's response writer takes its lock per call.</summary>
    private sealed class CountingWriter : IBufferWriter<byte>
    {
        public ArrayBufferWriter<byte> Written { get; } = new();

        public int Advances { get; private set; }

        public void Advance(int count)
        {
            Advances++;
            Written.Advance(count);
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => Written.GetMemory(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => Written.GetSpan(sizeHint);
    }
}

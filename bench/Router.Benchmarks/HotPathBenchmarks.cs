using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Router.Connections;
using Router.Events;
using Router.Journal;
using Router.Versioning;

namespace Router.Benchmarks;

/// <summary>Per-event work: building a frame once, and the per-connection cache hit every follower pays.</summary>
[MemoryDiagnoser]
public class FrameBenchmarks
{
    private readonly JournalEvent _stored = Fixtures.Stored(42);
    private readonly EventTypeRegistry _registry = EventTypeRegistry.Empty;
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private readonly EnvelopeNames _names = EnvelopeNames.For(Fixtures.Tenant, Fixtures.Queue.Value);
    private RoutedEvent _warm = null!;
    private Utf8JsonWriter _json = null!;
    private ReplayWriter _replay = null!;

    [GlobalSetup]
    public void Setup()
    {
        _warm = Fixtures.Routed(42);
        _warm.FrameFor(_registry, VersionPins.None, false);
        _json = SseFrames.CreateJsonWriter(_output);
        _replay = new ReplayWriter(Fixtures.Tenant, Routing.RoutingTable.Default, _registry, VersionPins.None, false, _output);
    }

    /// <summary>Once per event (and target version): the CloudEvents envelope as SSE frame bytes.</summary>
    [Benchmark]
    public byte[] EventFrame() => SseFrames.EventFrame(Fixtures.Tenant, _stored, _stored.Type, _stored.Data, false);

    /// <summary>Once per event and connection: the shared frame, found in the cache.</summary>
    [Benchmark]
    public int FrameForCacheHit() => _warm.FrameFor(_registry, VersionPins.None, false).Length;

    /// <summary>Once per replayed event: the frame written into the response (here a reused buffer) with the connection's JSON writer.</summary>
    [Benchmark]
    public int WriteEventFrame()
    {
        _output.ResetWrittenCount();
        SseFrames.WriteEventFrame(_output, _json, _names, _stored, "question.created.v1"u8, _stored.Data.Span, false);
        return _output.WrittenCount;
    }

    /// <summary>Once per replayed event: the whole per-row work of a catch-up (cached type lookup, frame written).</summary>
    [Benchmark]
    public int ReplayWriterWrite()
    {
        _output.ResetWrittenCount();
        _replay.Write(_stored, _replay.TypeOf(_stored.Type)!);
        return _output.WrittenCount;
    }

    /// <summary>Once per event: wrapping a committed event for routing (type parse by regex, tiers).</summary>
    [Benchmark]
    public long RoutedEventFrom() => RoutedEvent.From(Fixtures.Tenant, _stored, Routing.RoutingTable.Default)!.Position.Value;
}

/// <summary>Per event and connection: the filter the queue actor runs for every follower during fan-out.</summary>
[MemoryDiagnoser]
public class FilterBenchmarks
{
    private readonly SubscriptionFilter _plain = Fixtures.QueueFilter([], null);
    private readonly SubscriptionFilter _typesAndEcho = Fixtures.QueueFilter(["answer.*", "question.*"], "tab-2");
    private readonly RoutedEvent _event = Fixtures.Routed(42);
    private readonly TypePattern _glob = TypePattern.Parse("question.*");
    private readonly TypePattern _baseType = TypePattern.Parse("question.created");
    private readonly EventType _type = EventType.Parse("question.created.v2");

    [Benchmark(Baseline = true)]
    public bool SubscriptionFilterPlain() => _plain.Matches(_event);

    [Benchmark]
    public bool SubscriptionFilterTypesAndEcho() => _typesAndEcho.Matches(_event);

    [Benchmark]
    public bool TypePatternGlob() => _glob.Matches(_type);

    [Benchmark]
    public bool TypePatternBaseType() => _baseType.Matches(_type);
}

/// <summary>Once per event and target version: an upcast v1 → v2 (rename, default) of a ~200-byte payload.</summary>
[MemoryDiagnoser]
public class VersioningBenchmarks
{
    private readonly EventType _v1 = EventType.Parse("question.created.v1");
    private readonly EventTypeRegistry _registry = EventTypeRegistry.Build(
        new VersioningOptions
        {
            Conversions =
            [
                new ConversionOptions
                {
                    Type = "question.created", From = 1, To = 2,
                    Steps = [new TransformStepOptions { Op = "rename", From = "text", To = "body" }, new TransformStepOptions { Op = "default", Path = "priority", Value = "0" }],
                },
                new ConversionOptions
                {
                    Type = "question.created", From = 2, To = 3,
                    Steps = [new TransformStepOptions { Op = "move", From = "author", To = "by" }],
                },
            ],
        },
        []);

    [Benchmark]
    public int TryConvertOneStep() => _registry.TryConvert(_v1, 2, Fixtures.Data, out var converted) ? converted.Length : -1;

    [Benchmark]
    public int TryConvertTwoSteps() => _registry.TryConvert(_v1, 3, Fixtures.Data, out var converted) ? converted.Length : -1;

    [Benchmark]
    public EventType ResolveTarget() => _registry.ResolveTarget(_v1, VersionPins.None);
}

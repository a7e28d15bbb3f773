using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Router.TestKit;

namespace Router.Host.Ingest;

/// <summary>How a publish's body is read: whole, into one array, and without upsetting Kestrel when it is cut off.</summary>
public sealed class PublishBodyReadTests
{
    [Fact]
    public async Task ReadBodyAsync_BodyInPieces_ConsumesAllItExamines()
    {
        var pipe = new Pipe();
        var reader = new AdvanceRecordingReader(pipe.Reader);
        var reading = PublishEndpoint.ReadBodyAsync(reader, contentLength: 6, limit: 100, CancellationToken.None);

        await pipe.Writer.WriteAsync("abc"u8.ToArray());
        await reader.FirstAdvance.DefaultTimeout();
        await pipe.Writer.WriteAsync("def"u8.ToArray());
        await pipe.Writer.CompleteAsync();
        var body = await reading.DefaultTimeout();

        Assert.Equal("abcdef", Encoding.ASCII.GetString(body!.Value.Span));
        // Bytes examined but not consumed are what leave Kestrel's input mid-read when a client cuts its body off
        // (logged as "Connection processing ended abnormally ... Reading is already in progress").
        Assert.All(reader.Advances, advance => Assert.Equal(advance.Consumed, advance.Examined));
    }

    [Fact]
    public async Task Publish_ClientCutsTheBodyOff_NoWarningAndNothingAppended()
    {
        var logs = new WarningLogRecorder();
        await using var host = await RouterTestHost.StartAsync(configureServices: services => services.AddSingleton<ILoggerProvider>(logs));
        using var client = new TcpClient();
        await client.ConnectAsync(host.Address.Host, host.Address.Port).DefaultTimeout();
        var stream = client.GetStream();
        var head = $"POST /v1/tenants/acme/events HTTP/1.1\r\nHost: {host.Address.Authority}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"type\":\"question.created.v1\",\"da";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head)).DefaultTimeout();

        // The client stops sending half-way through its body; the router ends the connection.
        client.Client.Shutdown(SocketShutdown.Send);
        await ReadToEndAsync(stream).DefaultTimeout();

        Assert.Empty(logs.Messages);
        Assert.Contains("\"head\":\"0\"", await host.Client.GetStringAsync("/v1/tenants/acme/health").DefaultTimeout());
    }

    [Fact]
    public async Task Publish_ChunkedBodyPastTheFirstBuffer_StoredWhole()
    {
        await using var host = await RouterTestHost.StartAsync();
        var text = new string('x', 20 * 1024);
        var bytes = Encoding.UTF8.GetBytes($$"""[{"type":"question.created.v1","queue":"q1","data":"{{text}}"},{"type":"question.created.v1","queue":"q1","data":"end"}]""");
        await using var sse = await host.StreamAsync("/v1/tenants/acme/queues/q1/stream", lastEventId: "0");
        await sse.ConnectionEventAsync();

        using var response = await host.PostRawAsync("acme", "", configure: request =>
        {
            // No length: HttpClient sends it chunked, in pieces the router's first 4 KiB buffer cannot hold.
            request.Content = new StreamContent(new UnseekableStream(bytes));
            request.Content.Headers.ContentType = new("application/json");
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(text, (await sse.NextEventAsync()).Envelope.GetProperty("data").GetString());
        Assert.Equal("end", (await sse.NextEventAsync()).Envelope.GetProperty("data").GetString());
    }

    [Fact]
    public async Task AddRouter_MaxBodyPastTheLargestArray_FailsValidation()
    {
        await using var app = RouterApp.Build([], new Dictionary<string, string?>
        {
            ["router:publish:maxbody"] = "3221225472",
            ["router:journal:sqlite:path"] = Path.Combine(Path.GetTempPath(), "router-tests", Guid.NewGuid().ToString("N"), "router.db"),
        });

        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<PublishOptions>>().Value);
        Assert.Contains("router.publish.max-body must be at most", error.Message);
    }

    private static async Task ReadToEndAsync(NetworkStream stream)
    {
        var buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer) > 0)
            {
            }
        }
        catch (IOException)
        {
            // Reset rather than closed: the connection is over either way.
        }
    }

    /// <summary>A pipe reader that records where each read was consumed and examined up to.</summary>
    private sealed class AdvanceRecordingReader(PipeReader inner) : PipeReader
    {
        private readonly TaskCompletionSource _firstAdvance = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<(SequencePosition Consumed, SequencePosition Examined)> Advances { get; } = [];

        public Task FirstAdvance => _firstAdvance.Task;

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            Advances.Add((consumed, examined));
            inner.AdvanceTo(consumed, examined);
            _firstAdvance.TrySetResult();
        }

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) => inner.ReadAsync(cancellationToken);

        public override bool TryRead(out ReadResult result) => inner.TryRead(out result);
    }

    /// <summary>A read-only stream that reports no length, so the request goes out chunked.</summary>
    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}

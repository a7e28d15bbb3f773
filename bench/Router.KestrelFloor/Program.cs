// A reference server, not a router: Router's two HTTP paths with nothing behind them, so the load tool can measure
// what Kestrel alone costs. A publish reads its body and answers 201 after one thread-pool hop (Router answers after
// a commit on another thread); a stream sends its headers and one event, then holds the connection until the client
// leaves (Router's idle connection). The difference between Router's figures and these is Router's own cost.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
var app = builder.Build();

var published = "{\"events\":[{\"id\":\"0190a1b2-0000-7000-8000-000000000000\",\"sequence\":\"1\",\"duplicate\":false}]}"u8.ToArray();
app.MapGet("/ready", () => "ready");
app.MapPost("/v1/tenants/{tenant}/events", async (HttpContext http) =>
{
    var reader = http.Request.BodyReader;
    var read = await reader.ReadAsync();
    while (!read.IsCompleted)
    {
        reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        read = await reader.ReadAsync();
    }
    reader.AdvanceTo(read.Buffer.End);
    await Task.Yield();
    http.Response.StatusCode = StatusCodes.Status201Created;
    http.Response.ContentType = "application/json";
    await http.Response.Body.WriteAsync(published);
});
app.MapGet("/v1/tenants/{tenant}/queues/{queue}/stream", async (HttpContext http) =>
{
    http.Response.ContentType = "text/event-stream";
    await http.Response.WriteAsync("event: connection\ndata: {}\n\n");
    await http.Response.Body.FlushAsync();
    var left = new TaskCompletionSource();
    using var registration = http.RequestAborted.Register(() => left.TrySetResult());
    await left.Task;
});
app.Run();

using Microsoft.AspNetCore.Http.Features;
using Router.Connections;
using Router.Host.Http;
using Router.Journal;

namespace Router.Host.Streaming;

/// <summary>
/// A connection whose response is an HTTP request's. It answers a registration the journal refused with a 503
/// problem (nothing has been written yet), ends quietly when the client left before its registration finished, and
/// when it ends it gives back the node's and the address's slots the endpoint took for it. As the connection's own
/// hooks, not an awaiting method around it: that method's state machine (~136 bytes) would be kept for the stream's
/// whole life.
/// </summary>
internal sealed class HttpStreamConnection(Guid id, StreamRequest request, StreamServices services, HttpContext http)
    : ConnectionActor(id, request, services.ForConnections, http.Response.BodyWriter)
{
    protected override Task OnRefusedAsync(Exception reason) => reason switch
    {
        // The client left while its stream was being set up: nobody is left to answer, and nothing failed. Rethrown,
        // Kestrel would log it as an unhandled application error.
        _ when CloseReason == CloseReason.ClientGone => Task.CompletedTask,
        JournalUnavailableException when !http.Response.HasStarted => Problems.Unavailable(http, reason.Message, services.Options.Retry).ExecuteAsync(http),
        _ => base.OnRefusedAsync(reason),
    };

    protected override void OnEnded()
    {
        services.Connections.Remove(this);
        // From the feature, not http.Connection: that wrapper is made on first use.
        services.Addresses.Leave(http.Features.GetRequiredFeature<IHttpConnectionFeature>().RemoteIpAddress);
    }
}

using Microsoft.Extensions.Logging;

namespace Router.Connections;

internal partial class ConnectionActor
{
    private void LogOpened()
    {
        // Checked first: the arguments (the id, the queue list) would be built for every stream, logged or not.
        if (_services.Logger.IsEnabled(LogLevel.Information))
        {
            Log.Opened(_services.Logger, Tenant.Value, Id, Filter.Scope.AllQueues ? "*" : Filter.Scope.Queues.Count == 0 ? "-" : string.Join(',', Filter.Scope.Queues), _request.ResumeFrom?.ToString() ?? "live");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(3000, LogLevel.Information, "Connection {ConnectionId} on {Tenant} closed ({Reason}) after {Duration}, {Delivered} events delivered, {Conflated} conflated", EventName = "ConnectionClosed")]
        public static partial void Closed(ILogger logger, string tenant, string connectionId, CloseReason reason, long delivered, long conflated, TimeSpan duration);

        [LoggerMessage(3003, LogLevel.Information, "Connection {ConnectionId} on {Tenant} is throttled at {Rate} events/s", EventName = "ConnectionThrottled")]
        public static partial void Throttled(ILogger logger, string tenant, string connectionId, double rate);

        [LoggerMessage(3004, LogLevel.Warning, "Connection {ConnectionId} on {Tenant} made no write progress for {Timeout} and is disconnected", EventName = "SlowClient")]
        public static partial void SlowClient(ILogger logger, string tenant, string connectionId, TimeSpan timeout);

        [LoggerMessage(3005, LogLevel.Information, "Connection {ConnectionId} on {Tenant} opened (queues {Queues}, from {ResumeFrom})", EventName = "ConnectionOpened")]
        public static partial void Opened(ILogger logger, string tenant, string connectionId, string queues, string? resumeFrom);

        [LoggerMessage(3001, LogLevel.Warning, "Connection {ConnectionId} on {Tenant} overflowed its buffer of {Capacity} events and is disconnected", EventName = "ConnectionOverflowed")]
        public static partial void Overflowed(ILogger logger, string tenant, string connectionId, int capacity);

        [LoggerMessage(3002, LogLevel.Warning, "Connection {ConnectionId} on {Tenant} faulted", EventName = "ConnectionFaulted")]
        public static partial void Faulted(ILogger logger, string tenant, string connectionId, Exception exception);
    }
}

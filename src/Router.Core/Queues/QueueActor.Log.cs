using Microsoft.Extensions.Logging;

namespace Router.Queues;

internal sealed partial class QueueActor
{
    private static partial class Log
    {
        [LoggerMessage(2000, LogLevel.Debug, "Connection {ConnectionId} follows {Tenant}/{Queue} ({Followers} followers)", EventName = "Followed")]
        public static partial void Followed(ILogger logger, string tenant, string queue, string connectionId, int followers);

        [LoggerMessage(2001, LogLevel.Debug, "Connection {ConnectionId} left {Tenant}/{Queue} ({Followers} followers)", EventName = "Unfollowed")]
        public static partial void Unfollowed(ILogger logger, string tenant, string queue, string connectionId, int followers);
    }
}

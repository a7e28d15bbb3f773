using Microsoft.Extensions.Logging;

namespace Router.Tenants;

internal sealed partial class TenantActor
{
    private static partial class Log
    {
        [LoggerMessage(1000, LogLevel.Debug, "Tenant {Tenant} started at head {Head}", EventName = "TenantStarted")]
        public static partial void Started(ILogger logger, string tenant, long head);

        [LoggerMessage(1001, LogLevel.Debug, "Tenant {Tenant} is idle and passivates", EventName = "TenantPassivating")]
        public static partial void Passivating(ILogger logger, string tenant);

        [LoggerMessage(1002, LogLevel.Debug, "Stream {Tenant}/{Queue} is idle and was passivated", EventName = "StreamPassivated")]
        public static partial void StreamPassivated(ILogger logger, string tenant, string queue);

        [LoggerMessage(1004, LogLevel.Warning, "Tenant {Tenant} cannot read its head; work is refused until the journal answers", EventName = "TenantHeadUnavailable")]
        public static partial void HeadUnavailable(ILogger logger, string tenant, Exception exception);

        [LoggerMessage(1003, LogLevel.Warning, "Append of {Requests} requests to tenant {Tenant} failed", EventName = "AppendFailed")]
        public static partial void AppendFailed(ILogger logger, string tenant, int requests, Exception exception);
    }
}

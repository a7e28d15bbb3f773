using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using Router.Tenants;
using Log = Router.Journal.Postgres.PostgresEventJournal.Log;

namespace Router.Journal.Postgres;

/// <summary>
/// Wake-ups for appends committed by any node on the shared journal: LISTEN on the schema's channel
/// (<c>router_events</c> by default) over a dedicated connection, outside the journal's pool. The writer's
/// <c>pg_notify</c> is part of its transaction, so a notification arrives only for a commit; its payload is
/// the tenant and nothing else. Lost wake-ups are made up for by <see cref="JournalChange.Resync"/>: after
/// every (re)connect, after a buffer overflow, and after <see cref="PostgresJournalOptions.ResyncInterval"/>
/// without a notification.
/// </summary>
/// <remarks>
/// Each <see cref="ListenAsync"/> enumeration holds its own connection: enumerate once per process and fan
/// out from there. Appends made by this very node are announced too; reading by position makes them free.
/// </remarks>
public sealed class PostgresJournalChangeFeed : IJournalChangeFeed
{
    /// <summary>
    /// Wake-ups buffered for a slow consumer. A notification that finds the buffer full is dropped and turned
    /// into a resync, which subsumes every tenant, so the buffer needs no room for bursts.
    /// </summary>
    internal const int BufferCapacity = 1024;

    private readonly string _connectionString;
    private readonly string _channel;
    private readonly TimeSpan _resyncInterval;
    private readonly TimeSpan _minBackoff;
    private readonly TimeSpan _maxBackoff;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<PostgresJournalChangeFeed> _logger;
    private readonly int _bufferCapacity;

    public PostgresJournalChangeFeed(PostgresJournalOptions options, TimeProvider timeProvider, ILogger<PostgresJournalChangeFeed> logger)
        : this(options, timeProvider, logger, BufferCapacity)
    {
    }

    /// <summary>With a chosen buffer, so tests can overflow it with a handful of notifications.</summary>
    internal PostgresJournalChangeFeed(PostgresJournalOptions options, TimeProvider timeProvider, ILogger<PostgresJournalChangeFeed> logger, int bufferCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferCapacity, 1);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        var builder = PostgresEventJournal.BuildConnectionString(options);
        if (options.ResyncInterval <= TimeSpan.Zero || options.ResyncInterval.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentException($"PostgresJournalOptions.ResyncInterval '{options.ResyncInterval}' must be positive.", nameof(options));
        }
        if (options.ReconnectMinBackoff <= TimeSpan.Zero || options.ReconnectMaxBackoff < options.ReconnectMinBackoff)
        {
            throw new ArgumentException(
                $"PostgresJournalOptions.ReconnectMinBackoff '{options.ReconnectMinBackoff}' must be positive and at most ReconnectMaxBackoff '{options.ReconnectMaxBackoff}'.",
                nameof(options));
        }
        // Not pooled: LISTEN belongs to the session, and a pooled connection is reset (UNLISTEN *) when returned.
        // Keepalives make a silently dead server show up as an error on the connection instead of a long silence.
        builder.Pooling = false;
        if (builder.ApplicationName == "router")
        {
            builder.ApplicationName = "router-change-feed"; // tells a DBA which session is which
        }
        if (builder.KeepAlive == 0)
        {
            builder.KeepAlive = 15;
        }
        _connectionString = builder.ConnectionString;
        _channel = PostgresEventJournal.ChannelName(options.Schema);
        _resyncInterval = options.ResyncInterval;
        _minBackoff = options.ReconnectMinBackoff;
        _maxBackoff = options.ReconnectMaxBackoff;
        _timeProvider = timeProvider;
        _logger = logger;
        _bufferCapacity = bufferCapacity;
    }

    /// <summary>The channel listened to; the journal of the same schema notifies on it.</summary>
    internal string Channel => _channel;

    public async IAsyncEnumerable<JournalChange> ListenAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var changes = System.Threading.Channels.Channel.CreateBounded<JournalChange>(new BoundedChannelOptions(_bufferCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var listener = Task.Run(() => ListenLoopAsync(changes.Writer, stop.Token), CancellationToken.None);
        try
        {
            while (await changes.Reader.WaitToReadAsync(cancellationToken))
            {
                while (changes.Reader.TryRead(out var change))
                {
                    yield return change;
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            // The loop ends on cancellation and completes the channel; only a bug would surface here.
            await listener;
        }
    }

    /// <summary>Connects, LISTENs and waits for notifications; on any storage fault, backs off and does it again.</summary>
    private async Task ListenLoopAsync(ChannelWriter<JournalChange> changes, CancellationToken cancellationToken)
    {
        var backoff = _minBackoff;
        var overflowed = false;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await using var connection = new NpgsqlConnection(_connectionString);
                    connection.Notification += (_, notification) =>
                    {
                        // Raised on this loop, inside WaitAsync. Anything that is not a valid tenant (another program
                        // on the channel) can only be made sense of by re-checking everything.
                        var change = TenantId.TryParse(notification.Payload, out var tenant) ? JournalChange.Appended(tenant) : JournalChange.Resync;
                        if (!changes.TryWrite(change))
                        {
                            overflowed = true;
                        }
                    };
                    await connection.OpenAsync(cancellationToken);
                    await ExecuteAsync(connection, SqlStatements.Listen.Replace("{channel}", _channel, StringComparison.Ordinal), cancellationToken);
                    Log.ChangeFeedListening(_logger, _channel);
                    backoff = _minBackoff;
                    // Anything committed before LISTEN took effect was never announced to this connection.
                    await changes.WriteAsync(JournalChange.Resync, cancellationToken);
                    while (true)
                    {
                        var notified = await connection.WaitAsync(_resyncInterval, cancellationToken);
                        if (overflowed)
                        {
                            Log.ChangeFeedOverflow(_logger);
                            await changes.WriteAsync(JournalChange.Resync, cancellationToken);
                            overflowed = false;
                        }
                        if (!notified)
                        {
                            // Quiet for a whole interval: prove the connection is alive, then re-check everything.
                            await ExecuteAsync(connection, SqlStatements.Ping, cancellationToken);
                            await changes.WriteAsync(JournalChange.Resync, cancellationToken);
                        }
                    }
                }
                catch (Exception exception) when (exception is NpgsqlException or TimeoutException or IOException
                    && !cancellationToken.IsCancellationRequested)
                {
                    Log.ChangeFeedDisconnected(_logger, backoff, exception);
                    await Task.Delay(backoff, _timeProvider, cancellationToken);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _maxBackoff.Ticks));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped by the consumer.
        }
        finally
        {
            changes.TryComplete();
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

# syntax=docker/dockerfile:1
# Router: multi-stage build (SDK → ASP.NET runtime), non-root, journal on the /data volume.
#
#   docker build -t router .
#   docker run -p 5080:5080 -v router-data:/data -e ROUTER_JWT_SECRET=<32+ bytes> router
#
# Listening on all interfaces means auth is required there (SPEC §8 protected mode: without keys the router
# refuses a non-loopback listener unless router.auth.mode = open). Give it ROUTER_JWT_SECRET (or keys in a
# HOCON file mounted and named with ROUTER_CONFIG).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so the layer is cached until a dependency changes.
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Router.Core/Router.Core.csproj src/Router.Core/
COPY src/Router.Journal.Sqlite/Router.Journal.Sqlite.csproj src/Router.Journal.Sqlite/
COPY src/Router.Configuration.Hocon/Router.Configuration.Hocon.csproj src/Router.Configuration.Hocon/
COPY src/Router.Host/Router.Host.csproj src/Router.Host/
RUN dotnet restore src/Router.Host/Router.Host.csproj
COPY hocon/ hocon/
COPY src/ src/
RUN dotnet publish src/Router.Host/Router.Host.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The image's non-root user (app, uid 1654) owns the journal directory.
RUN mkdir -p /data && chown "$APP_UID" /data
USER $APP_UID
VOLUME /data
ENV ROUTER_URLS=http://0.0.0.0:5080 \
    ROUTER_JOURNAL_PATH=/data/router.db \
    ROUTER_LOG_FORMAT=json
EXPOSE 5080
# The runtime image has no curl: the router checks itself (exit 0 when /health answers 200).
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["dotnet", "router.dll", "health", "--url", "http://127.0.0.1:5080"]
# SIGTERM (docker stop) drains gracefully within router.shutdown.grace (10s); docker's own stop timeout is also
# 10s, so run with --stop-timeout 15 (or lower the grace) to always let it finish.
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "router.dll"]
CMD ["serve"]

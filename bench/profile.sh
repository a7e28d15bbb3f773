#!/usr/bin/env bash
# Profiles Router under one load-tool scenario with Linux perf (apt-get install linux-perf):
#   bench/profile.sh fanout            # any scenario name of the load tool; extra arguments go to the tool
# Starts its own Router (release, perf map enabled, everything jitted so that it is named, SQLite in a temp dir) on loopback, records 499 Hz call
# stacks of the router process only while the scenario runs, prints the top symbols, and stops what it started.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SCENARIO=${1:-fanout}
shift || true
PORT=${ROUTER_PORT:-5091}
WORK=$(mktemp -d /tmp/router-profile.XXXXXX)
ROUTER_PID=""
cleanup() {
  if [[ -n "$ROUTER_PID" ]] && kill -0 "$ROUTER_PID" 2>/dev/null; then kill -TERM "$ROUTER_PID"; wait "$ROUTER_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT INT TERM
dotnet build -c Release "$ROOT/src/Router.Host/Router.Host.csproj" -v q -nologo | tail -n 1
dotnet build -c Release "$ROOT/bench/Router.LoadTool/Router.LoadTool.csproj" -v q -nologo | tail -n 1
(
  cd "$WORK"
  # JIT'd code (and CoreLib, jitted rather than ReadyToRun) named in /tmp/perf-PID.map; no W^X double mapping.
  export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_ReadyToRun=0 DOTNET_TieredPGO=1
  export Router__Limits__PublishEventsPerSecond=0 Router__Limits__MaxConnections=60000 Router__Limits__MaxConnectionsPerTenant=60000 Router__Limits__MaxConnectionsPerAddress=60000
  export Router__Retention__MaxEvents=10000000 Router__Journal__Sqlite__Synchronous="${ROUTER_SYNC:-normal}"
  export ROUTER_JOURNAL_PATH="$WORK/router.db" Logging__LogLevel__Default=Warning
  exec dotnet "$ROOT/src/Router.Host/bin/Release/net10.0/router.dll" --urls "http://127.0.0.1:$PORT" > "$WORK/router.log" 2>&1
) &
ROUTER_PID=$!
for _ in $(seq 1 150); do curl -s -o /dev/null "http://127.0.0.1:$PORT/ready" && break; sleep 0.2; done
perf record -F 499 -g -p "$ROUTER_PID" -o "$WORK/perf.data" > "$WORK/perf.log" 2>&1 &
PERF_PID=$!
dotnet "$ROOT/bench/Router.LoadTool/bin/Release/net10.0/router-load.dll" run --target router --endpoint "127.0.0.1:$PORT" \
  --pids "$ROUTER_PID" --scenarios "$SCENARIO" --out "$WORK/result.json" "$@"
kill -INT "$PERF_PID"; wait "$PERF_PID" 2>/dev/null || true
echo "== top symbols (self), router process"
perf report -i "$WORK/perf.data" --no-children --sort dso,symbol --stdio -g none 2>/dev/null | grep -v '^#' | grep '%' | head -n 40
echo "== top symbols (with callees)"
perf report -i "$WORK/perf.data" --children --sort symbol --stdio -g none 2>/dev/null | grep -v '^#' | grep '%' | head -n 40
echo "(perf data in $WORK)"

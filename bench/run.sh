#!/usr/bin/env bash
# Issue 8's side-by-side benchmark in one command:
#   bench/run.sh            full scenarios (about 17 minutes on 2 cores: fan-outs and ingest run three times each, six slow-client pairs)
#   bench/run.sh quick      shorter and smaller, one run of each (about 5 minutes)
#   bench/run.sh full --scenarios fanout,ingest     extra arguments go to the load tool
# Builds Release, starts Nchan (its own prefix under /tmp, never the system nginx service) and Router (SQLite
# journal in a temp dir), runs the same load tool against each on loopback, prints one table of figures and
# Router / Nchan ratios, and stops what it started (by PID).
# Environment: ROUTER_PORT (5089), NCHAN_PORT (8089), ROUTER_SYNC (normal | full: SQLite synchronous), KEEP=1 keeps the temp dir,
#   TARGETS=router runs Router alone (no table of ratios; for quick before/after figures while working on Router);
#   the default nchan,router,kestrel also runs bench/Router.KestrelFloor (Kestrel with nothing behind it) through the
#   idle and ingest scenarios, so the table shows what Kestrel alone costs next to Router's figure.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
MODE=${1:-full}
shift || true
ROUTER_PORT=${ROUTER_PORT:-5089}
NCHAN_PORT=${NCHAN_PORT:-8089}
ROUTER_SYNC=${ROUTER_SYNC:-normal}
TARGETS=${TARGETS:-nchan,router,kestrel}
WORK=$(mktemp -d /tmp/router-bench.XXXXXX)
RUN_ID=$(date -u +%H%M%S)
ROUTER_PID=""
NGINX_PID=""
FLOOR_PID=""

case "$MODE" in
  quick) TOOL_MODE=(--quick) ;;
  full) TOOL_MODE=() ;;
  *) echo "usage: bench/run.sh [full|quick] [load tool arguments]" >&2; exit 2 ;;
esac

# stop_pid PID FIRST_SIGNAL LAST_SIGNAL: asks politely, waits up to 10 s, then insists.
stop_pid() {
  if [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null; then
    kill "-$2" "$1"
    for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$1" 2>/dev/null && kill "-$3" "$1"
  fi
  return 0
}

stop_router() { stop_pid "$ROUTER_PID" TERM KILL; ROUTER_PID=""; }
stop_nginx() { stop_pid "$NGINX_PID" QUIT TERM; NGINX_PID=""; }
stop_floor() { stop_pid "$FLOOR_PID" TERM KILL; FLOOR_PID=""; }

# The scenarios the floor server can serve (idle, ingest), limited to those asked for with --scenarios.
floor_scenarios() {
  local asked="idle,fanout,fanout-10k,slow,channels,ingest,replay" previous=""
  for arg in "$@"; do
    if [[ "$previous" == "--scenarios" ]]; then asked="$arg"; fi
    if [[ "$arg" == --scenarios=* ]]; then asked="${arg#--scenarios=}"; fi
    previous="$arg"
  done
  local chosen=()
  for s in idle ingest; do [[ ",$asked," == *",$s,"* ]] && chosen+=("$s"); done
  (IFS=,; echo "${chosen[*]}")
}

cleanup() {
  stop_floor
  stop_router
  stop_nginx
  if [[ "${KEEP:-0}" != 1 ]]; then rm -rf "$WORK/router-data"; fi
}
trap cleanup EXIT INT TERM

wait_for() { # url
  for _ in $(seq 1 150); do
    curl -s -o /dev/null "$1" && return 0
    sleep 0.2
  done
  echo "timed out waiting for $1" >&2
  return 1
}

echo "== build (Release)"
dotnet build -c Release "$ROOT/src/Router.Host/Router.Host.csproj" -v q -nologo | tail -n 3
dotnet build -c Release "$ROOT/bench/Router.LoadTool/Router.LoadTool.csproj" -v q -nologo | tail -n 3
dotnet build -c Release "$ROOT/bench/Router.KestrelFloor/Router.KestrelFloor.csproj" -v q -nologo | tail -n 3
ROUTER_DLL="$ROOT/src/Router.Host/bin/Release/net10.0/router.dll"
TOOL=(dotnet "$ROOT/bench/Router.LoadTool/bin/Release/net10.0/router-load.dll")

if ! command -v nginx >/dev/null || [[ ! -f /usr/lib/nginx/modules/ngx_nchan_module.so ]]; then
  echo "Nchan is missing: apt-get install -y nginx libnginx-mod-nchan" >&2
  exit 1
fi

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB, kernel $(uname -r), open files $(ulimit -n)"
echo "== work dir $WORK; run $RUN_ID; mode $MODE; Router SQLite synchronous=$ROUTER_SYNC"

FLOOR_PORT=${FLOOR_PORT:-5090}
for port in "$NCHAN_PORT" "$ROUTER_PORT" "$FLOOR_PORT"; do
  if ss -ltn "sport = :$port" | grep -q LISTEN; then
    echo "127.0.0.1:$port is already in use (a previous run still going?); set NCHAN_PORT / ROUTER_PORT" >&2
    exit 1
  fi
done

# --- Nchan
if [[ ",$TARGETS," == *",nchan,"* ]]; then
mkdir -p "$WORK/nchan"
sed "s/127\.0\.0\.1:8089/127.0.0.1:$NCHAN_PORT/" "$ROOT/bench/nchan/nchan.conf" > "$WORK/nchan/nchan.conf"
nginx -p "$WORK/nchan" -e "$WORK/nchan/error.log" -c "$WORK/nchan/nchan.conf" -g "pid $WORK/nchan/nginx.pid;"
for _ in $(seq 1 50); do [[ -s "$WORK/nchan/nginx.pid" ]] && break; sleep 0.1; done
if [[ ! -s "$WORK/nchan/nginx.pid" ]]; then echo "nginx did not start; see $WORK/nchan/error.log" >&2; exit 1; fi
NGINX_PID=$(cat "$WORK/nchan/nginx.pid")
wait_for "http://127.0.0.1:$NCHAN_PORT/"  || true
NGINX_PIDS="$NGINX_PID,$(pgrep -P "$NGINX_PID" | paste -sd,)"
echo "== Nchan $(nginx -v 2>&1 | cut -d/ -f2) + nchan $(dpkg-query -W -f='${Version}' libnginx-mod-nchan 2>/dev/null), pids $NGINX_PIDS"
"${TOOL[@]}" run --target nchan --endpoint "127.0.0.1:$NCHAN_PORT" --pids "$NGINX_PIDS" --run "$RUN_ID" \
  --out "$WORK/nchan.json" "${TOOL_MODE[@]}" "$@" | tee "$WORK/nchan.log"
stop_nginx
fi

# --- Router
mkdir -p "$WORK/router-data"
(
  cd "$WORK"
  export Router__Limits__PublishEventsPerSecond=0
  export Router__Limits__MaxConnections=60000
  export Router__Limits__MaxConnectionsPerTenant=60000
  export Router__Limits__MaxConnectionsPerAddress=60000
  export Router__Retention__MaxEvents=10000000
  export Router__Journal__Sqlite__Synchronous="$ROUTER_SYNC"
  export ROUTER_JOURNAL_PATH="$WORK/router-data/router.db"
  export Logging__LogLevel__Default=Warning
  exec dotnet "$ROUTER_DLL" --urls "http://127.0.0.1:$ROUTER_PORT" > "$WORK/router.log" 2>&1
) &
ROUTER_PID=$!
wait_for "http://127.0.0.1:$ROUTER_PORT/ready"
echo "== Router (release, SQLite synchronous=$ROUTER_SYNC, publish rate limit off, log level Warning), pid $ROUTER_PID"
"${TOOL[@]}" run --target router --endpoint "127.0.0.1:$ROUTER_PORT" --pids "$ROUTER_PID" --run "$RUN_ID" \
  --out "$WORK/router.json" "${TOOL_MODE[@]}" "$@" | tee "$WORK/router.log.tool"
stop_router

# --- Kestrel floor: Router's HTTP paths with nothing behind them (idle and ingest only)
FLOOR_ARGS=()
FLOOR_SCENARIOS=$(floor_scenarios "$@")
if [[ ",$TARGETS," == *",kestrel,"* && -n "$FLOOR_SCENARIOS" ]]; then
(
  cd "$WORK"
  export DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1
  exec dotnet "$ROOT/bench/Router.KestrelFloor/bin/Release/net10.0/kestrel-floor.dll" --urls "http://127.0.0.1:$FLOOR_PORT" > "$WORK/floor.log" 2>&1
) &
FLOOR_PID=$!
wait_for "http://127.0.0.1:$FLOOR_PORT/ready"
echo "== Kestrel floor (release, same runtime settings as Router; scenarios $FLOOR_SCENARIOS), pid $FLOOR_PID"
"${TOOL[@]}" run --target router --endpoint "127.0.0.1:$FLOOR_PORT" --pids "$FLOOR_PID" --run "$RUN_ID" \
  --out "$WORK/floor.json" "${TOOL_MODE[@]}" "$@" --scenarios "$FLOOR_SCENARIOS" | tee "$WORK/floor.log.tool"
stop_floor
FLOOR_ARGS=(--floor "$WORK/floor.json")
fi

if [[ ",$TARGETS," != *",nchan,"* ]]; then
  echo "(Router only: raw results and logs in $WORK)"
  exit 0
fi
echo
echo "== results (Router SQLite synchronous=$ROUTER_SYNC; Nchan in memory)"
"${TOOL[@]}" report --router "$WORK/router.json" --nchan "$WORK/nchan.json" "${FLOOR_ARGS[@]}" | tee "$WORK/table.md"
echo "(raw results and logs in $WORK)"

#!/usr/bin/env bash
# The portal's public lookup under load: wrk (Debian) against /lookup?ip= (HTML) and
# /api/v1/lookup/{ip} (JSON) with the 1.15M-listing dataset of bench/dns.sh loaded (1M IPv4
# /32 + 50k CIDRs + 100k IPv6 prefixes). The query mix is 10,000 addresses, 30% listed.
# Server pinned to core 0, wrk to core 1; each endpoint for SECONDS_PER_RUN s at 32
# connections, after a 3 s warm-up.
#
# Reports requests/s and the latency percentiles wrk measures (p50, p99), plus the server's
# CPU per request (utime+stime from /proc/PID/stat).
#
# Usage: bench/portal.sh     Env: SECONDS_PER_RUN (default 20), CONNECTIONS (default 32), CARGO_TARGET_DIR
set -euo pipefail
cd "$(dirname "$0")/.."

SECS=${SECONDS_PER_RUN:-20}
CONNS=${CONNECTIONS:-32}
PORT=18089
WORK=$PWD/bench/work/portal
TARGET_DIR=${CARGO_TARGET_DIR:-target}
SD=$TARGET_DIR/release/senderdesk
BENCH=$TARGET_DIR/release/senderdesk-bench
CLK=$(getconf CLK_TCK)

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

need() { # command package
    command -v "$1" >/dev/null && return
    echo "installing $2" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq "$2" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }
}
need wrk wrk
need taskset util-linux
need curl curl

cargo build --release -q -p senderdesk -p senderdesk-bench
rm -rf "$WORK"
mkdir -p "$WORK"
"$BENCH" gen-rbldnsd "$WORK" >/dev/null
"$SD" --data "$WORK/sd" init >/dev/null
"$SD" --data "$WORK/sd" list import "$WORK/v4.zone" --format rbldnsd >/dev/null
"$SD" --data "$WORK/sd" list import "$WORK/v6.zone" --format rbldnsd >/dev/null

# 3,000 listed /32s and 7,000 addresses that are (almost all) not listed.
grep -E '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$' "$WORK/v4.zone" | shuf -n 3000 --random-source=<(yes) >"$WORK/ips"
for i in $(seq 1 7000); do echo "10.$((i / 250 % 250)).$((i % 250)).$((i % 200 + 1))"; done >>"$WORK/ips"
shuf --random-source=<(yes) "$WORK/ips" -o "$WORK/ips"
sed 's|^|/lookup?ip=|' "$WORK/ips" >"$WORK/html.paths"
sed 's|^|/api/v1/lookup/|' "$WORK/ips" >"$WORK/json.paths"

taskset -c 0 "$SD" --data "$WORK/sd" serve --http "127.0.0.1:$PORT" --smtp 127.0.0.1:0 --dns 127.0.0.1:0 \
    --policy 127.0.0.1:0 >"$WORK/senderdesk.log" 2>&1 &
PID=$!
PIDS+=("$PID")
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do
    kill -0 "$PID" 2>/dev/null || { echo "senderdesk died; see $WORK/senderdesk.log" >&2; exit 1; }
    sleep 0.1
done
listed=$(curl -sf "http://127.0.0.1:$PORT/healthz" | sed 's/.*"listings":\([0-9]*\).*/\1/')
echo "listings loaded: $listed"
rss_kib=$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
run() { # name paths-file
    PATHS_FILE=$2 taskset -c 1 wrk -t1 -c "$CONNS" -d3s -s bench/lookup.lua "http://127.0.0.1:$PORT" >/dev/null
    local t0 t1
    t0=$(cpu_ticks "$PID")
    PATHS_FILE=$2 taskset -c 1 wrk -t1 -c "$CONNS" -d"${SECS}s" --latency -s bench/lookup.lua \
        "http://127.0.0.1:$PORT" >"$WORK/$1.wrk"
    t1=$(cpu_ticks "$PID")
    local rps p50 p99 total non2xx
    rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/$1.wrk")
    p50=$(awk '$1 == "50%" {print $2}' "$WORK/$1.wrk")
    p99=$(awk '$1 == "99%" {print $2}' "$WORK/$1.wrk")
    total=$(awk '/requests in/ {print $1}' "$WORK/$1.wrk")
    non2xx=$(awk '/Non-2xx/ {print $4}' "$WORK/$1.wrk")
    local cpu_us
    cpu_us=$(awk -v t="$((t1 - t0))" -v clk="$CLK" -v n="$total" 'BEGIN {printf "%.1f", t / clk / n * 1e6}')
    printf '%-5s requests/s %9s   p50 %8s   p99 %8s   server CPU/request %6s µs   non-2xx %s\n' \
        "$1" "$rps" "$p50" "$p99" "$cpu_us" "${non2xx:-0}"
}
run html "$WORK/html.paths"
run json "$WORK/json.paths"
echo "server RSS with the index loaded: $((rss_kib / 1024)) MiB"

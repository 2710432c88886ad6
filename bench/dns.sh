#!/usr/bin/env bash
# The DNSBL against rbldnsd, side by side in one run, on one zone: 1M IPv4 /32 + 50k CIDRs
# (/16-/28) + 100k IPv6 prefixes + the RFC 5782 test points, and the same 1M-query dnsperf
# mix (30% listed, 90% A / 10% TXT). Server pinned to core 0, dnsperf to core 1.
#
# Reports, as ratios senderdesk/rbldnsd (medians of RUNS runs of SECONDS s): queries/s at
# saturation, server CPU seconds per query (utime+stime from /proc/PID/stat), average latency
# at a fixed 50k queries/s, resident memory, time from start to the first correct answer; and
# for senderdesk, how long a `list add` takes to show in DNS.
#
# Usage: bench/dns.sh     Env: RUNS (default 3), SECONDS_PER_RUN (default 20), CARGO_TARGET_DIR
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
SECS=${SECONDS_PER_RUN:-20}
ZONE=bl.test
PORT_RBL=5397
PORT_SD=5396
WORK=$PWD/bench/work/dns   # absolute: rbldnsd chroots into it
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
need rbldnsd rbldnsd
need dnsperf dnsperf
need dig bind9-dnsutils
need taskset util-linux

cargo build --release -q -p senderdesk -p senderdesk-bench
rm -rf "$WORK"
mkdir -p "$WORK"
"$BENCH" gen-rbldnsd "$WORK" >/dev/null
"$BENCH" gen-queries "$WORK" "$ZONE" >/dev/null
echo "127.0.0.2" >>"$WORK/v4.zone"
echo "::ffff:7f00:2" >>"$WORK/v6.zone"
chmod a+rx "$WORK"
chmod a+r "$WORK"/*.zone

# senderdesk gets the same data through its own importer.
"$SD" --data "$WORK/sd" init >/dev/null
"$SD" --data "$WORK/sd" list import "$WORK/v4.zone" --format rbldnsd >/dev/null
"$SD" --data "$WORK/sd" list import "$WORK/v6.zone" --format rbldnsd >/dev/null

now() { date +%s.%N; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
wait_answer() { # port pid -> waits until the test point answers
    until dig +time=1 +tries=1 +short @127.0.0.1 -p "$1" "2.0.0.127.$ZONE" A 2>/dev/null | grep -q 127.0.0.2; do
        kill -0 "$2" 2>/dev/null || { echo "server on port $1 died" >&2; exit 1; }
        sleep 0.01
    done
}

start_rbldnsd() {
    local user=rbldns
    id "$user" >/dev/null 2>&1 || user=nobody
    taskset -c 0 rbldnsd -n -u "$user" -b "127.0.0.1/$PORT_RBL" -r "$WORK" -w / -c 0 \
        "$ZONE:ip4set:v4.zone" "$ZONE:ip6trie:v6.zone" >"$WORK/rbldnsd.log" 2>&1 &
    echo $!
}
start_senderdesk() {
    SENDERDESK_DNSBL__ZONE=$ZONE SENDERDESK_DNSBL__UDP_THREADS=1 \
        taskset -c 0 "$SD" --data "$WORK/sd" serve --http 127.0.0.1:0 --smtp 127.0.0.1:0 --dns "127.0.0.1:$PORT_SD" \
        >"$WORK/senderdesk.log" 2>&1 &
    echo $!
}

# One server: start time, RSS, saturation runs, fixed-rate latency.
measure() { # name start_fn port
    local name=$1 port=$3 t0 pid
    t0=$(now)
    pid=$($2)
    PIDS+=("$pid")
    wait_answer "$port" "$pid"
    local start_s
    start_s=$(echo "$(now) - $t0" | bc)
    sleep 1
    local rss
    rss=$(awk '/VmRSS/{print $2}' "/proc/$pid/status")
    echo "$name start_to_first_answer_s=$start_s rss_kb=$rss" | tee -a "$WORK/results.txt"
    for i in $(seq 1 "$RUNS"); do
        local c0 c1 out
        c0=$(cpu_ticks "$pid")
        out=$(taskset -c 1 dnsperf -s 127.0.0.1 -p "$port" -d "$WORK/queries4.txt" -l "$SECS" -c 1 2>&1)
        c1=$(cpu_ticks "$pid")
        local qps done_ cpu_us
        qps=$(awk '/Queries per second/{print $4}' <<<"$out")
        done_=$(awk '/Queries completed/{print $3}' <<<"$out")
        cpu_us=$(echo "scale=3; ($c1 - $c0) / $CLK * 1000000 / $done_" | bc)
        echo "$name run=$i qps=$qps cpu_us_per_query=$cpu_us" | tee -a "$WORK/results.txt"
    done
    local out lat
    out=$(taskset -c 1 dnsperf -s 127.0.0.1 -p "$port" -d "$WORK/queries4.txt" -l "$SECS" -c 1 -Q 50000 2>&1)
    lat=$(awk '/Average Latency/{print $4}' <<<"$out")
    echo "$name latency_at_50k_s=$lat" | tee -a "$WORK/results.txt"
    out=$(taskset -c 1 dnsperf -s 127.0.0.1 -p "$port" -d "$WORK/queries6.txt" -l "$SECS" -c 1 2>&1)
    echo "$name v6_qps=$(awk '/Queries per second/{print $4}' <<<"$out")" | tee -a "$WORK/results.txt"
    if [ "$name" = senderdesk ]; then
        # Propagation: a listing added with the CLI, polled with dig until it answers.
        for ip in 1 2 3 4 5; do
            local t name_q
            name_q="$ip.2.0.192.$ZONE"
            t=$(now)
            "$SD" --data "$WORK/sd" list add "192.0.2.$ip" --reason hard >/dev/null
            until [ "$(dig +time=1 +tries=1 +short @127.0.0.1 -p "$port" "$name_q" A)" = 127.0.0.11 ]; do sleep 0.01; done
            echo "senderdesk change_visible_s=$(echo "$(now) - $t" | bc)" | tee -a "$WORK/results.txt"
        done
    fi
    kill "$pid"
    wait "$pid" 2>/dev/null || true
}

: >"$WORK/results.txt"
measure rbldnsd start_rbldnsd "$PORT_RBL"
measure senderdesk start_senderdesk "$PORT_SD"

python3 - "$WORK/results.txt" <<'EOF'
import re, statistics, sys
vals = {}
for line in open(sys.argv[1]):
    name, *kvs = line.split()
    for k, v in (kv.split("=") for kv in kvs):
        if k != "run":
            vals.setdefault((name, k), []).append(float(v))
med = lambda n, k: statistics.median(vals[(n, k)])
rows = [("queries/s (saturation)", "qps", True), ("server CPU µs per query", "cpu_us_per_query", False),
        ("avg latency at 50k q/s (ms)", "latency_at_50k_s", False), ("IPv6 queries/s", "v6_qps", True),
        ("resident memory (MB)", "rss_kb", False), ("start to first answer (s)", "start_to_first_answer_s", False)]
print(f"\n{'':32}{'senderdesk':>12}{'rbldnsd':>12}{'ratio':>8}")
for label, key, _ in rows:
    s, r = med("senderdesk", key), med("rbldnsd", key)
    scale = 1000 if key == "latency_at_50k_s" else (1 / 1024 if key == "rss_kb" else 1)
    print(f"{label:32}{s * scale:12.2f}{r * scale:12.2f}{s / r:8.2f}")
print(f"{'change visible in DNS (s, median)':32}{med('senderdesk', 'change_visible_s'):12.3f}")
EOF

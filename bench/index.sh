#!/usr/bin/env bash
# Lookup index vs rbldnsd on the same 1.15M-listing dataset: memory, load time, lookups/s.
# Usage: bench/index.sh            (from anywhere; needs root to install rbldnsd and dig if missing)
# Env:   PORT (rbldnsd port, default 5399), ROUNDS (default 5), CARGO_TARGET_DIR (default target)
set -euo pipefail

cd "$(dirname "$0")/.."
WORK=bench/work
PORT=${PORT:-5399}
ROUNDS=${ROUNDS:-5}
TARGET_DIR=${CARGO_TARGET_DIR:-target}
BIN=$TARGET_DIR/release/senderdesk-bench

RBL_PID=""
cleanup() {
    if [[ -n $RBL_PID ]] && kill -0 "$RBL_PID" 2>/dev/null; then
        kill "$RBL_PID" 2>/dev/null || true
        wait "$RBL_PID" 2>/dev/null || true
    fi
    RBL_PID=""
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

need() { # command package
    if ! command -v "$1" >/dev/null; then
        echo "installing $2" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y "$2" >/dev/null || { apt-get update >/dev/null && apt-get install -y "$2" >/dev/null; }
    fi
}
need rbldnsd rbldnsd
need dig bind9-dnsutils
need taskset util-linux

cargo build --release -p senderdesk-bench
mkdir -p "$WORK"
gen=$("$BIN" gen-rbldnsd "$WORK")
probe=$(sed -n 's/^probe_v4=//p' <<<"$gen")
reversed=$(awk -F. '{print $4"."$3"."$2"."$1}' <<<"$probe")
# rbldnsd only needs to read the zones; it runs unprivileged and chrooted into $WORK.
chmod a+rx "$WORK"
chmod a+r "$WORK"/*.zone
# The baseline zones hold just the probe address, so the same query says they are loaded.
{ head -n 2 "$WORK/v4.zone"; echo "$probe"; } >"$WORK/empty4.zone"
head -n 2 "$WORK/v6.zone" >"$WORK/empty6.zone"
chmod a+r "$WORK"/empty*.zone
RBL_USER=rbldns
id "$RBL_USER" >/dev/null 2>&1 || RBL_USER=nobody

kib() { sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$1/status"; }

# Starts rbldnsd on the given zone files and waits until it answers the probe. Sets
# R_RSS and R_HWM (KiB) and R_WALL (seconds from start to first answer). Runs in this shell
# (not a subshell) so the EXIT trap knows the pid.
run_rbldnsd() { # v4zone v6zone
    local started now
    started=$(date +%s.%N)
    rbldnsd -n -u "$RBL_USER" -b "127.0.0.1/$PORT" -r "$(realpath "$WORK")" -w / -c 0 \
        "bl.test:ip4set:$1" "bl.test:ip6trie:$2" >"$WORK/rbldnsd.log" 2>&1 &
    RBL_PID=$!
    for _ in $(seq 1 1500); do
        if dig +short +time=1 +tries=1 -p "$PORT" @127.0.0.1 "$reversed.bl.test" A 2>/dev/null | grep -q '^127\.'; then
            break
        fi
        if ! kill -0 "$RBL_PID" 2>/dev/null; then
            echo "rbldnsd exited:" >&2
            cat "$WORK/rbldnsd.log" >&2
            exit 1
        fi
        sleep 0.02
    done
    now=$(date +%s.%N)
    R_RSS=$(kib "$RBL_PID" VmRSS)
    R_HWM=$(kib "$RBL_PID" VmHWM)
    R_WALL=$(awk -v a="$started" -v b="$now" 'BEGIN{printf "%.2f", b-a}')
}

run_rbldnsd empty4.zone empty6.zone
base_rss=$R_RSS
cleanup
run_rbldnsd v4.zone v6.zone
rbl_rss=$R_RSS rbl_hwm=$R_HWM rbl_wall=$R_WALL
rbl_load=$(sed -n 's/.*zones reloaded, time \([0-9.]*\)e.*/\1/p' "$WORK/rbldnsd.log" | tail -n 1)
rbl_ip4=$(sed -n 's/.*ip4set:v4.zone: [0-9]* [0-9]*: //p' "$WORK/rbldnsd.log" | tail -n 1)
cleanup
rbl_data=$((rbl_rss - base_rss))

taskset -c 0 "$BIN" index --rounds "$ROUNDS" --zones "$WORK" | tee "$WORK/index.txt"
get() { sed -n "s/^$1=//p" "$WORK/index.txt"; }
heap_kib=$(( $(get heap_bytes) / 1024 ))
v4=$(get v4_lookups_per_s)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
mps() { awk -v a="$1" 'BEGIN{printf "%.1f", a/1e6}'; }
echo
echo "== $(date -u +%Y-%m-%d) $(nproc) vCPU, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
printf '%-34s %16s %16s %8s\n' "" senderdesk rbldnsd ratio
printf '%-34s %13s KiB %13s KiB %8s\n' "index memory (heap / RSS-baseline)" "$heap_kib" "$rbl_data" "$(ratio "$heap_kib" "$rbl_data")"
printf '%-34s %13s KiB %13s KiB %8s\n' "process RSS after load" "$(get rss_after_kib)" "$rbl_rss" "$(ratio "$(get rss_after_kib)" "$rbl_rss")"
printf '%-34s %16s %16s\n' "bytes per listing" "$(get bytes_per_entry)" "$(awk -v k="$rbl_data" -v n="$(get entries)" 'BEGIN{printf "%.1f", k*1024/n}')"
printf '%-34s %13s ms %13s ms %8s\n' "load from zone text" "$(get text_load_ms)" "$(awk -v s="$rbl_load" 'BEGIN{printf "%.0f", s*1000}')" "$(ratio "$(get text_load_ms)" "$(awk -v s="$rbl_load" 'BEGIN{print s*1000}')")"
printf '%-34s %13s ms\n' "build from memory" "$(get build_ms)"
echo "rbldnsd ip4set entries (e32/24/16/8): $rbl_ip4; rbldnsd wall time to first answer: ${rbl_wall}s; rbldnsd HWM: ${rbl_hwm} KiB; empty-zone RSS: ${base_rss} KiB"
echo "machine: one dependent random read over 64 MiB took $(get ref_random_read_ns_start)-$(get ref_random_read_ns_end) ns during the run"
echo "IPv4 lookups/s (1 core, median of $ROUNDS): $(mps "$v4")M (best $(mps "$(get v4_lookups_per_s_best)")M), target 10M: $(ratio "$v4" 10000000)x"
echo "IPv6 lookups/s: $(mps "$(get v6_lookups_per_s)")M; with a $(get delta_changes)-change delta: IPv4 $(mps "$(get v4_delta_lookups_per_s)")M, IPv6 $(mps "$(get v6_delta_lookups_per_s)")M"

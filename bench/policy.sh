#!/usr/bin/env bash
# The Postfix policy service against a straightforward Python asyncio daemon, in one run, on
# the same listings: 1M IPv4 /32 + 50k CIDRs (/16-/28) + 100k IPv6 prefixes. Each server is
# pinned to core 0, the load generator (`senderdesk-bench policy-load`) to core 1; it sends
# Postfix 3.7's RCPT request with client_address from the IPv4 query mix (30% listed), one
# request at a time per connection as smtpd does, and checks every reply.
#
# Reports per server and connection count (medians of RUNS runs of SECONDS_PER_RUN s):
# decisions/s, server CPU µs per decision (utime+stime from /proc/PID/stat over the run,
# divided by the replies), p50/p99 latency, resident memory, and the ratios Python/senderdesk.
# Raw lines go to bench/work/policy/results.txt. The load generator spins on its core, so its
# CPU seconds below the run's length, or CPU on core 0 that is not the server's, mean
# something else shared the cores during the run (this VM is shared: rerun then).
#
# The floor (`senderdesk-bench policy-floor`, one per I/O model in FLOOR_MODELS) answers DUNNO
# to every request without reading it: the kernel's and the I/O loop's cost of a request, which
# every server pays. Python's CPU per decision over the lowest floor is the best ratio any
# server could show; senderdesk's CPU above the floor is its own work.
#
# Usage: bench/policy.sh
# Env:   RUNS (default 3), SECONDS_PER_RUN (default 15), CONNS (default "1 8"),
#        PIPELINE (default 1), TARGETS (default "python senderdesk floor"),
#        FLOOR_MODELS (default "tokio tokio-current threads"), TRANSPORT (tcp, the default, or
#        unix: every server listens on a unix socket, as with `check_policy_service unix:…`),
#        CARGO_TARGET_DIR
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
SECS=${SECONDS_PER_RUN:-15}
CONNS=${CONNS:-"1 8"}
PIPELINE=${PIPELINE:-1}
TARGETS=${TARGETS:-"python senderdesk floor"}
FLOOR_MODELS=${FLOOR_MODELS:-"tokio tokio-current threads"}
TRANSPORT=${TRANSPORT:-tcp}
case $TRANSPORT in tcp | unix) ;; *) echo "TRANSPORT is tcp or unix" >&2; exit 2 ;; esac
WORK=$PWD/bench/work/policy
TARGET_DIR=${CARGO_TARGET_DIR:-target}
SD=$TARGET_DIR/release/senderdesk
BENCH=$TARGET_DIR/release/senderdesk-bench
CLK=$(getconf CLK_TCK)
# Hard cap on any server's life, should the trap never run (kill -9 of this script).
SERVER_MAX_S=$((600 + RUNS * SECS * 4 * 3))

PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v taskset >/dev/null || apt-get install -y -qq util-linux >/dev/null
command -v python3 >/dev/null || { echo "python3 is needed" >&2; exit 1; }

cargo build --release -q -p senderdesk-bench
# senderdesk is the second target: if it does not build, say so and measure Python alone.
if [[ " $TARGETS " == *" senderdesk "* ]] && ! cargo build --release -q -p senderdesk; then
    echo "senderdesk does not build; Python figures only" >&2
    TARGETS=${TARGETS//senderdesk/}
fi
rm -rf "$WORK"
mkdir -p "$WORK"
"$BENCH" gen-rbldnsd "$WORK" >/dev/null
RESULTS=$WORK/results.txt
: >"$RESULTS"
note() { echo "$*" | tee -a "$RESULTS"; }

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
now() { date +%s.%N; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Busy ticks of one core (everything but idle and iowait), to see what else ran there.
core_ticks() { awk -v c="cpu$1" '$1 == c {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
rss_kb() { awk '/^VmRSS/{print $2}' "/proc/$1/status"; }
# A server's endpoint is a TCP port on 127.0.0.1, or with TRANSPORT=unix a socket path.
endpoint() { # name
    if [ "$TRANSPORT" = unix ]; then echo "$WORK/$1.sock"; else free_port; fi
}
accepts() { # endpoint
    case $1 in
    */*) python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1])' "$1" 2>/dev/null ;;
    *) (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null ;;
    esac
}
# The load generator's and the floor's arguments for an endpoint.
load_to() { case $1 in */*) echo --unix "$1" ;; *) echo --addr "127.0.0.1:$1" ;; esac; }
listen_on() { case $1 in */*) echo --unix "$1" ;; *) echo --port "$1" ;; esac; }
# The server under `timeout`: its only child, once forked.
child_of() {
    local c=""
    for _ in $(seq 100); do
        c=$(pgrep -P "$1" | head -n1) && [ -n "$c" ] && break
        sleep 0.05
    done
    echo "$c"
}

# Waits until the server answers from its list. Python listens once its sets are built.
# senderdesk opens its policy port before the list is loaded (it answers a fallback until
# then), so for it "serving" in its log must be there too; if the port still refuses 5 s
# after "serving", the listener is not there.
wait_ready() { # port pid log [needs-serving] -> 0 ready, 1 not listening, 2 died
    local port=$1 pid=$2 log=$3 needs_serving=${4:-} serving_since=""
    for _ in $(seq 3000); do
        if accepts "$port" && { [ -z "$needs_serving" ] || [ -n "$serving_since" ]; }; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || return 2
        if [ -z "$serving_since" ] && grep -q serving "$log" 2>/dev/null; then
            serving_since=$(date +%s)
        fi
        if [ -n "$serving_since" ] && [ $(($(date +%s) - serving_since)) -ge 5 ]; then
            return 1
        fi
        sleep 0.1
    done
    return 1
}

# One server, already started: RSS, idle CPU, then RUNS runs per connection count.
measure() { # name pid port
    local name=$1 pid=$2 port=$3
    sleep 1
    local c0 c1
    c0=$(cpu_ticks "$pid")
    sleep 3
    c1=$(cpu_ticks "$pid")
    note "$name rss_loaded_kb=$(rss_kb "$pid") idle_cpu_pct=$(echo "scale=2; ($c1 - $c0) * 100 / $CLK / 3" | bc)"
    local conns i
    for conns in $CONNS; do
        for i in $(seq 1 "$RUNS"); do
            local out rc=0
            local k0 k1 w0 w1
            w0=$(now)
            k0=$(core_ticks 0)
            c0=$(cpu_ticks "$pid")
            # shellcheck disable=SC2046 # load_to's words are separate arguments
            out=$(taskset -c 1 "$BENCH" policy-load $(load_to "$port") --conns "$conns" \
                --seconds "$SECS" --pipeline "$PIPELINE" ${FRAMING_ONLY:-} 2>"$WORK/load.err") || rc=$?
            c1=$(cpu_ticks "$pid")
            k1=$(core_ticks 0)
            w1=$(now)
            if [ "$rc" = 3 ]; then
                echo "$name: the policy service does not answer correctly: $(cat "$WORK/load.err")" >&2
                return 3
            fi
            if [ "$rc" != 0 ]; then
                echo "$name: errors during the run (see below); figures kept" >&2
                sed 's/^/    /' "$WORK/load.err" >&2
            fi
            v() { awk -F= -v k="$1" '$1 == k {print $2}' <<<"$out"; }
            local requests cpu_us
            requests=$(v requests)
            cpu_us=$(echo "scale=3; ($c1 - $c0) / $CLK * 1000000 / $requests" | bc)
            note "$name conns=$conns run=$i requests=$requests requests_per_s=$(v requests_per_s)" \
                "cpu_us_per_decision=$cpu_us p50_us=$(v p50_us) p99_us=$(v p99_us) max_us=$(v max_us)" \
                "reject_fraction=$(v reject_fraction) errors=$(($(v protocol_errors) + $(v wrong_answers) + $(v io_errors)))" \
                "client_cpu_s=$(v client_cpu_s) seconds=$(v seconds)" \
                "core0_others_pct=$(echo "scale=1; ($k1 - $k0 - $c1 + $c0) * 100 / $CLK / ($w1 - $w0)" | bc)"
        done
    done
    note "$name rss_after_kb=$(rss_kb "$pid")"
    # Per-thread CPU over the whole life of the server, for whoever tunes it.
    for t in /proc/"$pid"/task/*; do
        echo "$name thread=$(tr -d ' ' <"$t/comm") cpu_s=$(awk -v clk="$CLK" '{print ($14 + $15) / clk}' "$t/stat")"
    done >>"$WORK/threads.txt"
}

stop() { # timeout-pid
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

run_python() {
    local port t0 tpid pid rc=0
    port=$(endpoint python)
    t0=$(now)
    taskset -c 0 timeout -k 5 "$SERVER_MAX_S" python3 bench/policy_daemon.py "$port" \
        "$WORK/v4.zone" "$WORK/v6.zone" --parent $$ >"$WORK/python.log" 2>&1 &
    tpid=$!
    PIDS+=("$tpid")
    pid=$(child_of "$tpid")
    wait_ready "$port" "$pid" "$WORK/python.log" || rc=$?
    if [ "$rc" != 0 ]; then
        echo "python daemon did not come up:" >&2
        cat "$WORK/python.log" >&2
        exit 1
    fi
    note "python start_to_ready_s=$(echo "$(now) - $t0" | bc)"
    measure python "$pid" "$port" || true
    stop "$tpid"
}

run_senderdesk() {
    local t0 port tpid pid rc=0
    t0=$(now)
    "$SD" --data "$WORK/sd" init >/dev/null
    "$SD" --data "$WORK/sd" list import "$WORK/v4.zone" --format rbldnsd >/dev/null
    "$SD" --data "$WORK/sd" list import "$WORK/v6.zone" --format rbldnsd >/dev/null
    echo "senderdesk: imported the listings in $(echo "$(now) - $t0" | bc) s" >&2
    port=$(endpoint senderdesk)
    local tcp=$port
    if [ "$TRANSPORT" = unix ]; then
        export SENDERDESK_POLICY__UNIX_SOCKET=$port
        tcp=$(free_port)
    fi
    t0=$(now)
    SENDERDESK_DNSBL__UDP_THREADS=1 taskset -c 0 timeout -k 5 "$SERVER_MAX_S" \
        "$SD" --data "$WORK/sd" serve --http 127.0.0.1:0 --smtp 127.0.0.1:0 --dns 127.0.0.1:0 \
        --policy "127.0.0.1:$tcp" >"$WORK/senderdesk.log" 2>&1 &
    tpid=$!
    PIDS+=("$tpid")
    pid=$(child_of "$tpid")
    wait_ready "$port" "$pid" "$WORK/senderdesk.log" needs-serving || rc=$?
    case $rc in
    0) ;;
    1)
        note "senderdesk not_listening=1"
        echo "senderdesk serve is up but nothing answers on the policy endpoint $port" \
            "(is the --policy listener in this build?); Python figures only" >&2
        stop "$tpid"
        return
        ;;
    *)
        note "senderdesk exited=1"
        echo "senderdesk serve exited (does it accept --policy?); Python figures only. Its log:" >&2
        tail -n 20 "$WORK/senderdesk.log" >&2
        return
        ;;
    esac
    note "senderdesk start_to_ready_s=$(echo "$(now) - $t0" | bc)"
    measure senderdesk "$pid" "$port" || note "senderdesk precheck_failed=1"
    stop "$tpid"
}

# The floor: a server that answers DUNNO to every request without reading it, in each I/O
# model. The load generator checks framing only (--framing-only) for it.
run_floor() {
    local model port tpid pid rc
    for model in $FLOOR_MODELS; do
        port=$(endpoint "floor-$model")
        # shellcheck disable=SC2046 # listen_on's words are separate arguments
        taskset -c 0 timeout -k 5 "$SERVER_MAX_S" "$BENCH" policy-floor $(listen_on "$port") \
            --model "$model" >"$WORK/floor-$model.log" 2>&1 &
        tpid=$!
        PIDS+=("$tpid")
        pid=$(child_of "$tpid")
        rc=0
        wait_ready "$port" "$pid" "$WORK/floor-$model.log" || rc=$?
        if [ "$rc" != 0 ]; then
            echo "policy-floor --model $model did not come up:" >&2
            cat "$WORK/floor-$model.log" >&2
            exit 1
        fi
        FRAMING_ONLY=--framing-only measure "floor-$model" "$pid" "$port" || true
        stop "$tpid"
    done
}

for target in $TARGETS; do
    "run_$target"
done

python3 - "$RESULTS" "$CONNS" "$TARGETS" <<'EOF'
import statistics, sys
vals = {}
for line in open(sys.argv[1]):
    name, *kvs = line.split()
    conns = ""
    for k, v in (kv.split("=", 1) for kv in kvs):
        if k == "conns":
            conns = v
        elif k != "run":
            vals.setdefault((name, conns, k), []).append(float(v))

def med(name, key, conns=""):
    v = vals.get((name, conns, key))
    return statistics.median(v) if v else None

def fmt(x, digits):
    return "–" if x is None else f"{x:,.{digits}f}"

have_sd = med("senderdesk", "requests", sys.argv[2].split()[0]) is not None
floors = sorted({name for name, _, _ in vals if name.startswith("floor-")})
print(f"\n{'':34}{'Python':>12}{'senderdesk':>12}  senderdesk better by" + "".join(f"{f:>21}" for f in floors))
rows = [("decisions/s", "requests_per_s", 0, False), ("server CPU µs per decision", "cpu_us_per_decision", 2, True),
        ("p50 latency µs", "p50_us", 1, True), ("p99 latency µs", "p99_us", 1, True),
        ("other CPU on the server's core %", "core0_others_pct", 1, None),
        ("load generator CPU s (spins: ≈ run s)", "client_cpu_s", 1, None), ("errors (sum of runs)", "errors", 0, None)]
for conns in sys.argv[2].split():
    print(f"{conns} connection(s)")
    for label, key, digits, lower_better in rows:
        p, s = med("python", key, conns), med("senderdesk", key, conns)
        fl = [med(f, key, conns) for f in floors]
        if key == "errors":  # summed, not a median
            p, s, *fl = [sum(vals.get((n, conns, key), [])) if v is not None else None
                         for n, v in zip(["python", "senderdesk", *floors], [p, s, *fl])]
        ratio = ""
        if p and s and lower_better is not None:
            ratio = f"{(p / s if lower_better else s / p):8.1f}×"
        print(f"  {label:32}{fmt(p, digits):>12}{fmt(s, digits):>12}{ratio:>9}{'':12}"
              + "".join(f"{fmt(v, digits):>21}" for v in fl))
    # The floor bounds what any server can show against Python as smtpd talks: the kernel's
    # share of a request is the same for every server.
    p, s = med("python", "cpu_us_per_decision", conns), med("senderdesk", "cpu_us_per_decision", conns)
    fl = [v for v in (med(f, "cpu_us_per_decision", conns) for f in floors) if v]
    if fl:
        best = min(fl)
        if p:
            print(f"  {'best ratio any server could show':32}{'':24}{p / best:8.1f}×  (Python ÷ lowest floor)")
        if s:
            print(f"  {'senderdesk above the floor':32}{'':12}{s - best:12.2f} µs ({(s - best) / s * 100:.0f}% of its CPU)")
for label, key, scale in [("resident memory loaded (MiB)", "rss_loaded_kb", 1 / 1024),
                          ("resident memory after (MiB)", "rss_after_kb", 1 / 1024),
                          ("start to first answer (s)", "start_to_ready_s", 1), ("idle CPU %", "idle_cpu_pct", 1)]:
    p, s = med("python", key), med("senderdesk", key)
    print(f"{label:34}{fmt(p and p * scale, 1):>12}{fmt(s and s * scale, 1):>12}")
if not have_sd and "senderdesk" in sys.argv[3].split():
    print("\nsenderdesk: no policy figures (listener not ready in this build); see the messages above")
EOF
echo "raw results: $RESULTS (per-thread server CPU: $WORK/threads.txt)"

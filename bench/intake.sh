#!/usr/bin/env bash
# The abuse desk's intake rate, side by side with a straightforward Python intake, in one run,
# on the same 20,000 generated reports (60% full ARF from feedback loops, 20% Microsoft-style
# minimal ARF, 20% forwards as attachment; ~1.7 KB each).
#
# senderdesk: `senderdesk-bench intake-load` feeds every report to the intake (parse with
# mail-parser + mail-auth's ARF parser, attribute to a tenant and sender, compress the
# evidence, store on SQLite with WAL and synchronous=FULL, count complaints) from N
# concurrent tasks, as N SMTP sessions would; concurrent reports share a commit.
# Python: bench/intake_baseline.py (stdlib email + sqlite3, WAL + synchronous=FULL, one commit
# per report). Both pinned to core 0 in turn; fresh databases; RUNS runs each, median reported.
#
# Then the one-sender run: COUNT reports all about one sender, fed in twice as many distinct
# reports in two halves into one database, 32 at a time; the second half's rate against the
# first's shows whether a complaint costs more the more complaints its sender already has
# (it must not: counting stops at the threshold).
#
# Usage: bench/intake.sh     Env: COUNT (default 20000), RUNS (default 3), CARGO_TARGET_DIR
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=${COUNT:-20000}
RUNS=${RUNS:-3}
WORK=$PWD/bench/work/intake
TARGET_DIR=${CARGO_TARGET_DIR:-target}
BENCH=$TARGET_DIR/release/senderdesk-bench
PYTHON=${PYTHON:-/usr/bin/python3}

cargo build --release -q -p senderdesk-bench
rm -rf "$WORK"
mkdir -p "$WORK"
"$BENCH" gen-reports "$WORK/reports" "$COUNT" >/dev/null

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
rate() { grep '^reports_per_s=' | cut -d= -f2; }

declare -A result
for run in $(seq 1 "$RUNS"); do
    for conc in 1 32 128; do
        rm -f "$WORK"/sd.db*
        r=$(taskset -c 0 "$BENCH" intake-load --db "$WORK/sd.db" --reports "$WORK/reports" --concurrency "$conc" | rate)
        result[sd$conc]+="$r "
    done
    rm -f "$WORK"/py.db*
    r=$(taskset -c 0 "$PYTHON" bench/intake_baseline.py "$WORK/py.db" "$WORK/reports" | rate)
    result[py]+="$r "
done

py=$(echo "${result[py]}" | tr ' ' '\n' | grep . | median)
printf 'python baseline (1 commit per report)   %6s reports/s\n' "$py"
for conc in 1 32 128; do
    sd=$(echo "${result[sd$conc]}" | tr ' ' '\n' | grep . | median)
    printf 'senderdesk, %3s concurrent reports       %6s reports/s   %5.1fx the baseline\n' \
        "$conc" "$sd" "$(awk -v a="$sd" -v b="$py" 'BEGIN {print a / b}')"
done

"$BENCH" gen-reports "$WORK/one-a" "$COUNT" --one-sender --seed 1 >/dev/null
"$BENCH" gen-reports "$WORK/one-b" "$COUNT" --one-sender --seed 2 >/dev/null
declare -A one
for run in $(seq 1 "$RUNS"); do
    rm -f "$WORK"/one.db*
    one[a]+="$(taskset -c 0 "$BENCH" intake-load --db "$WORK/one.db" --reports "$WORK/one-a" --concurrency 32 | rate) "
    one[b]+="$(taskset -c 0 "$BENCH" intake-load --db "$WORK/one.db" --reports "$WORK/one-b" --concurrency 32 | rate) "
done
a=$(echo "${one[a]}" | tr ' ' '\n' | grep . | median)
b=$(echo "${one[b]}" | tr ' ' '\n' | grep . | median)
printf 'one sender, first %s reports             %6s reports/s\n' "$COUNT" "$a"
printf 'one sender, next %s reports              %6s reports/s   %5.2fx the first\n' \
    "$COUNT" "$b" "$(awk -v a="$b" -v b="$a" 'BEGIN {print a / b}')"

#!/usr/bin/env bash
# The outbox under load (issue 10), side by side with an anchor: an fsync'd JSON append under
# LOCK_EX from the same number of processes.
#  (a) 8 processes enqueue flat out (TOTAL enqueues in all) while 2 processes flush to the
#      sandbox at its 10 requests/s limit: failures, enqueue p50/p99/p99.9/max, delivery rate;
#  (b) 8 processes enqueue 20 changes/s each (PACED per process) beside 1 flusher.
# Usage: benches/outbox_load.sh [TOTAL] [PACED]   (defaults 100000 and 600)
# SO=… measures another build of the extension (e.g. the one before a change); SANDBOX=… the
# sandbox binary. Prints figures; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/sandbox.sh

total=${1:-100000}
paced=${2:-600}
so=${SO:-$PWD/target/release/libmodretailcrm.so}
sandbox=${SANDBOX:-$PWD/target/release/crm-sandbox}
limit=10
dir=$(mktemp -d /tmp/modretailcrm-load-XXXXXX)
out="$dir/sandbox.out"
"$sandbox" --port 0 --rate-limit "$limit" > "$out" &
pid=$!
trap 'kill $pid 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT
url=$(sandbox_url "$out" "$pid")

load() { php -n -d extension="$so" benches/outbox_load.php "$@"; }

# Settings of one scenario's shop: its own outbox, the sandbox at the limit.
settings() {
    printf '{"modretailcrm_url":"%s","modretailcrm_apiKey":"sandbox-key","modretailcrm_siteCode":"shop",
"modretailcrm_queue_path":"%s/%s.sqlite","modretailcrm_log_file":"%s/%s.log",
"modretailcrm_send_mode":"queue","modretailcrm_rate_limit":"%s"}' \
        "$url" "$dir" "$1" "$dir" "$1" "$limit" > "$dir/$1.json"
}

# run NAME ENQUEUERS COUNT_EACH PACE_MS FLUSHERS: enqueuers and flushers at once, then a report.
run() {
    local name=$1 procs=$2 each=$3 pace=$4 flushers=$5 p f
    settings "$name"
    load enqueue "$dir/$name.json" warmup 1 0 "$dir/warmup.txt" 2>/dev/null || true
    rm -f "$dir/$name.stop"
    local pids=() flushing=()
    for f in $(seq "$flushers"); do
        load flush "$dir/$name.json" "$dir/$name.stop" "$dir/flush-$name-$f.txt" 2>>"$dir/$name.err" &
        flushing+=($!)
    done
    for p in $(seq "$procs"); do
        load enqueue "$dir/$name.json" "$name-$p" "$each" "$pace" "$dir/lat-$name-$p.txt" 2>>"$dir/$name.err" &
        pids+=($!)
    done
    wait "${pids[@]}"
    touch "$dir/$name.stop"
    wait "${flushing[@]}"
    load report "$name" "$limit" "$dir"/lat-"$name"-*.txt "$dir"/flush-"$name"-*.txt
    if [ -s "$dir/$name.err" ]; then
        echo "  first errors:"; sort "$dir/$name.err" | uniq -c | sort -rn | head -3
    fi
}

# anchor NAME PROCS COUNT_EACH PACE_MS
anchor() {
    local name=$1 procs=$2 each=$3 pace=$4 p
    local pids=()
    for p in $(seq "$procs"); do
        load anchor "$dir/$name.jsonl" "$each" "$pace" "$dir/lat-$name-$p.txt" &
        pids+=($!)
    done
    wait "${pids[@]}"
    load report "$name" "$limit" "$dir"/lat-"$name"-*.txt
}

echo
echo "outbox under load: $(uptime)"
echo "extension: $so"
echo "(a) 8 enqueuers flat out, $total enqueues, 2 flushers at the $limit/s limit"
run flat 8 $((total / 8)) 0 2
anchor anchor-flat 8 $((total / 8)) 0
echo "(b) 8 enqueuers at 20 changes/s each ($paced each), 1 flusher"
run paced 8 "$paced" 50 1
anchor anchor-paced 8 "$paced" 50

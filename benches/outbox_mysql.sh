#!/usr/bin/env bash
# Benchmark: the outbox in MySQL/MariaDB (modretailcrm_queue_backend = mysql) on a private
# MariaDB (a temporary data directory, a socket, no network; stopped and removed at the end).
#  1. enqueue p50/p99 over N orders (default 10,000) on MariaDB, beside the SQLite file;
#  2. delivery by 3 web nodes (3 PHP processes draining one queue) with the sandbox at its
#     10 requests/s: throughput as a share of the limit, and the 503s the sandbox answered.
# Usage: [SO=…/libmodretailcrm.so SANDBOX=…/crm-sandbox] benches/outbox_mysql.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/sandbox.sh
. scripts/mariadb.sh

n=${1:-10000}
if [ -z "${SO:-}" ]; then cargo build --release --workspace --quiet; fi
so=${SO:-$PWD/target/release/libmodretailcrm.so}
sandbox=${SANDBOX:-$PWD/target/release/crm-sandbox}
work=$(mktemp -d)
mariadb_pid=""
crm=""
trap 'kill $mariadb_pid $crm 2>/dev/null; wait $mariadb_pid 2>/dev/null; rm -rf "$work" /tmp/modretailcrm-bench-mysql-$$' EXIT
start_private_mariadb "$work"
"$sandbox" --port 0 > "$work/sandbox.out" &
crm=$!
url=$(sandbox_url "$work/sandbox.out" "$crm")
export CRM_URL="$url" CRM_KEY=sandbox-key BENCH_RUN=$$
export QUEUE_DSN="mysql:unix_socket=$work/sock;dbname=shop" QUEUE_USER=shop QUEUE_PASSWORD=shop-password
run() { php -n -d extension="$so" benches/outbox_mysql.php "$@"; }

echo "outbox in MariaDB ($(mariadbd --version | awk '{print $3}'), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
run enqueue sqlite "$n"
run enqueue mysql "$n"

# deliver BACKEND NODES: queue 150 orders and their status changes on BACKEND, then NODES
# processes drain them with the sandbox at 10 requests/s; prints the rate and the 503s.
deliver() {
    local backend=$1 count=$2 nodes=() start end
    run fill "$backend" 150
    curl -fsS -X POST -H 'Content-Type: application/json' -d '{"per_second": 10}' "$url/__control/rate-limit" >/dev/null
    curl -fsS -X DELETE "$url/__control/requests" >/dev/null
    start=$(date +%s.%N)
    for node in $(seq "$count"); do run drain "$backend" 120 > "$work/node-$node.txt" & nodes+=($!); done
    wait "${nodes[@]}"
    end=$(date +%s.%N)
    curl -fsS "$url/__control/requests" | php -r '
        $log = json_decode(stream_get_contents(STDIN), true)["requests"];
        $ok = count(array_filter($log, fn($r) => in_array($r["status"], [200, 201], true)));
        $refused = count(array_filter($log, fn($r) => $r["status"] === 503));
        [$start, $end] = [(float) $argv[1], (float) $argv[2]];
        $rate = ($ok - 10) / ($end - $start);
        printf("delivery %-6s %d node(s), %d changes at the 10 req/s limit: %.1f s, %.2f accepted/s after the 10-request burst = %.1f%% of the limit; 503 answers: %d\n",
            $argv[3], $argv[4], $ok, $end - $start, $rate, $rate * 10, $refused);
    ' "$start" "$end" "$backend" "$count"
}
deliver sqlite 1
deliver mysql 3

#!/usr/bin/env bash
# Benchmarks. First: N sequential order creates against the CRM sandbox through ModRetailCrm\Client
# versus PHP's curl extension with a new handle per request (as PHP integrations do), same
# payloads, same run; and the resident memory the extension adds to a PHP process. Then the
# outbox (benches/outbox.php): enqueue latency, delivery throughput, sync mode under an outage;
# a form's enqueue_once beside 100,000 delivered records (core/benches/enqueue_once.rs).
# The outbox in MySQL/MariaDB beside SQLite, delivered by 3 web nodes (benches/outbox_mysql.sh).
# Then the ICML catalogue exported from a private MariaDB (benches/icml_db.sh). Last, the
# upload of a shop's history at the CRM's rate (benches/upload.sh).
# Usage: scripts/bench.sh [N]   (default 2000)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/sandbox.sh

n=${1:-2000}
scripts/setup.sh
cargo build --release --workspace --quiet
so="$PWD/target/release/libmodretailcrm.so"

out=$(mktemp)
target/release/crm-sandbox --port 0 > "$out" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$out"' EXIT
url=$(sandbox_url "$out" "$pid")

export CRM_URL="$url" CRM_KEY=sandbox-key
bench() { php -n -d extension=curl -d extension="$so" benches/order_create.php "$@"; }
bench_curl_only() { php -n -d extension=curl benches/order_create.php "$@"; }

echo "modretailcrm benchmark: $n sequential orders/create against the sandbox at $url"
bench extension "$n" > /tmp/modretailcrm-bench-ext.txt
bench_curl_only curl "$n" > /tmp/modretailcrm-bench-curl.txt
cat /tmp/modretailcrm-bench-ext.txt /tmp/modretailcrm-bench-curl.txt
php -n benches/report.php /tmp/modretailcrm-bench-ext.txt /tmp/modretailcrm-bench-curl.txt

echo
echo "outbox: enqueue latency, delivery throughput at the CRM's limit, sync mode with the CRM blackholed"
php -n -d extension="$so" benches/outbox.php 10000
echo; cargo bench -p modretailcrm-core --bench enqueue_once --quiet

echo
echo "rate-limit bursts: 200 changes at the CRM's 10 requests/s, no 503"
php -n -d extension="$so" benches/rate_burst.php 200

# A hanging CRM must not hold the site: php-fpm + nginx, checkouts with the CRM blackholed
# (BEFORE_SO=an older build adds its figures, with the 10 s budget the old plugin passed).
echo; SANDBOX=target/release/crm-sandbox benches/fpm_blackhole.sh ${BEFORE_SO:+"before=$BEFORE_SO:10"} "after=$so"
echo; SO="$so" benches/tls_first_call.sh
echo; SO="$so" SANDBOX="$PWD/target/release/crm-sandbox" benches/outbox_load.sh
echo; SO="$so" SANDBOX="$PWD/target/release/crm-sandbox" benches/outbox_mysql.sh 10000
echo; benches/icml_db.sh 10000 100000
echo; benches/upload.sh 100000

#!/usr/bin/env bash
# The upload of what a shop already has (`modretailcrm.php upload orders`) against the
# release sandbox at its 10 requests a second: throughput in orders a second against the
# theoretical 500 (50 a call × 10 calls a second), and the growth of the upload process's
# resident memory from 1,000 orders to N (default 100,000), both read by /usr/bin/time.
# Usage: benches/upload.sh [N]   (scripts/bench.sh runs it after a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/sandbox.sh

n=${1:-100000}
so="$PWD/target/release/libmodretailcrm.so"
dir=$(mktemp -d)
out="$dir/sandbox.out"
target/release/crm-sandbox --port 0 --rate-limit 10 > "$out" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
export CRM_URL=$(sandbox_url "$out" "$pid") CRM_KEY=sandbox-key
php_ext=(php -n -d extension=pdo -d extension=pdo_sqlite -d allow_url_fopen=1)
cli=("${php_ext[@]}" -d extension="$so" php-plugin/cli/modretailcrm.php)

# Uploads the orders of a fresh site with $1 orders (200 customers); prints "seconds max_rss_kb".
run() {
    local site="$dir/shop$1"
    curl -s -X POST "$CRM_URL/__control/reset" > /dev/null
    "${php_ext[@]}" benches/shop_site.php "$site" 200 "$1" > /dev/null
    "${cli[@]}" --site="$site/site" upload customers > /dev/null 2>&1
    curl -s -X DELETE "$CRM_URL/__control/requests" > /dev/null
    /usr/bin/time -f '%e %M' -o "$dir/time" "${cli[@]}" --site="$site/site" upload orders > "$dir/summary" 2> /dev/null
    grep -q "\"uploaded\": $1," "$dir/summary" || { echo "upload of $1 orders failed:"; cat "$dir/summary"; exit 1; }
    cat "$dir/time"
}

echo "upload: orders/upload at the sandbox's 10 requests/s, 50 orders a call (theoretical 500 orders/s)"
read -r small_s small_kb < <(run 1000)
read -r big_s big_kb < <(run "$n")
awk -v n="$n" -v s="$big_s" -v a="$small_kb" -v b="$big_kb" 'BEGIN {
    rate = n / s
    printf "  %d orders in %.1f s: %.0f orders/s, %.1f %% of 500/s\n", n, s, rate, rate / 5
    printf "  max RSS: %.1f MB with 1,000 orders, %.1f MB with %d: growth %.1f MB\n", a / 1024, b / 1024, n, (b - a) / 1024
}'

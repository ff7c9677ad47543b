#!/usr/bin/env bash
# The main job: install what is missing, build, start the bundled CRM sandbox on loopback,
# run a shop scenario through the MODX plugin (examples/shop.php) and show what the CRM
# received; a status set in the CRM arriving on the site through the webhook, a forged call
# refused (examples/webhook.php), and a status a manager sets in the CRM reaching the order
# through the history (examples/history.php); a manager's edit of an order
# (examples/manager_edit.php); then the same API by hand (examples/demo.php); then stop the
# CRM, place an order, start it again, and watch the next ordinary page deliver it without cron
# (examples/outage.php); then
# write the demo ICML catalogue and validate it (examples/icml.php); last, send the sandbox the
# same create urlencoded and multipart, as PHP's curl does for a string and an array body
# (examples/wire_forms.php), and show its request log; last, upload a generated shop history
# with a progress bar, interrupt it and run it again: it resumes where it stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/sandbox.sh

scripts/setup.sh
cargo build --release --workspace --quiet
so="$PWD/target/release/libmodretailcrm.so"
sandbox=target/release/crm-sandbox
demo_dir=$(mktemp -d)
out="$demo_dir/sandbox.out"
pid=""
trap 'kill $pid 2>/dev/null; rm -rf "$demo_dir"' EXIT

# Starts the sandbox on port $1 (0 = any free port) and sets $url.
start_sandbox() {
    : > "$out"
    "$sandbox" --port "$1" > "$out" &
    pid=$!
    url=$(sandbox_url "$out" "$pid") || exit 1
}

start_sandbox 0
echo "CRM sandbox listening on $url"
export CRM_URL="$url" CRM_KEY=sandbox-key DEMO_DIR="$demo_dir"
php -n -d extension="$so" examples/shop.php
MODRETAILCRM_SO="$so" php -n -d extension="$so" examples/webhook.php
php -n -d extension="$so" examples/history.php

# A fresh CRM for a manager's edit of an order: an item added, the address and a two-line
# comment changed (examples/manager_edit.php).
kill $pid; wait $pid 2>/dev/null || true
start_sandbox 0
export CRM_URL="$url"
php -n -d extension="$so" examples/manager_edit.php

# A fresh CRM for the same API used by hand (manual mode, without MODX).
kill $pid; wait $pid 2>/dev/null || true
start_sandbox 0
export CRM_URL="$url"
php -n -d extension="$so" examples/demo.php

kill $pid; wait $pid 2>/dev/null || true
php -n -d extension="$so" examples/outage.php place
start_sandbox "${url##*:}"
php -n -d extension="$so" examples/outage.php recover

# The ICML catalogue RetailCRM fetches: written, validated, written again (unchanged).
printf '\n== The ICML catalogue RetailCRM fetches\n'
php -n -d extension="$so" examples/icml.php "$demo_dir/icml.xml"
xmllint --noout "$demo_dir/icml.xml" && echo "xmllint: $demo_dir/icml.xml is well-formed"

# The sandbox takes requests as RetailCRM does: urlencoded or multipart, key in the body.
printf '\n== The CRM sandbox answers the same create sent urlencoded and multipart\n'
php examples/wire_forms.php

# What the shop already had: 3,000 orders of 300 customers uploaded at the CRM's 10 calls a
# second, 50 orders a call, with a progress bar; interrupted (Ctrl-C) after 3 s and run
# again: it resumes after the last batch the CRM answered and sends no order twice.
printf '\n== Uploading what the shop already has\n'
kill $pid; wait $pid 2>/dev/null || true
start_sandbox 0
export CRM_URL="$url"
php -n -d extension=pdo -d extension=pdo_sqlite -d allow_url_fopen=1 benches/shop_site.php "$demo_dir/history" 300 3000
upload=(php -n -d extension=pdo -d extension=pdo_sqlite -d extension="$so" php-plugin/cli/modretailcrm.php
    --site="$demo_dir/history/site" upload)
"${upload[@]}" customers > /dev/null
timeout -s INT 3 "${upload[@]}" orders > /dev/null || printf '\n(interrupted with Ctrl-C)\n'
"${upload[@]}" orders > /dev/null
curl -s "$url/__control/state" | php -r '$s = json_decode(stream_get_contents(STDIN), true);
    $ids = array_column($s["orders"], "externalId");
    printf("the CRM holds %d customers and %d orders, %d distinct\n", count($s["customers"]), count($ids), count(array_unique($ids)));'

#!/usr/bin/env bash
# The main job: install what is missing, build, start the bundled CRM sandbox on loopback,
# run a shop scenario through the MODX plugin (examples/shop.php) and show what the CRM
# received; a status set in the CRM arriving on the site through the webhook, a forged call
# refused (examples/webhook.php), and a status a manager sets in the CRM reaching the order
# through the history (examples/history.php); a manager's edit of an order
# (examples/manager_edit.php); a "Buy in one click" form becoming a CRM order (examples/form.php);
# then the same API by hand (examples/demo.php); then stop the
# CRM, place an order, start it again, and watch the next ordinary page deliver it without cron
# (examples/outage.php); then
# write the demo ICML catalogue and validate it (examples/icml.php); last, send the sandbox the
# same create urlencoded and multipart, as PHP's curl does for a string and an array body
# (examples/wire_forms.php), and show its request log; upload a generated shop history with a
# progress bar, interrupt it and run it again: it resumes where it stopped; last, the shop
# owner's page in the MODX manager (Extras → RetailCRM) on a local server over the MODX
# harness, with a screenshot.
# QUEUE=mysql scripts/demo.sh: the shop's outbox in MySQL (a private MariaDB started for the
# demo, see README "Several web servers") instead of the SQLite file.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/sandbox.sh
. scripts/mariadb.sh

scripts/setup.sh
cargo build --release --workspace --quiet
so="$PWD/target/release/libmodretailcrm.so"
sandbox=target/release/crm-sandbox
demo_dir=$(mktemp -d)
out="$demo_dir/sandbox.out"
pid=""
page_pid=""
mariadb_pid=""
db_dir=$(mktemp -d)
trap 'kill $pid $page_pid $mariadb_pid 2>/dev/null; wait $mariadb_pid 2>/dev/null; rm -rf "$demo_dir" "$db_dir"' EXIT
if [ "${QUEUE:-sqlite}" = mysql ]; then
    start_private_mariadb "$db_dir"
    export QUEUE_DSN="mysql:unix_socket=$db_dir/sock;dbname=shop" QUEUE_USER=shop \
        QUEUE_PASSWORD=shop-password
    echo "the outbox lives in MariaDB ($QUEUE_DSN)"
fi

# Starts the sandbox on port $1 (0 = any free port) and sets $url.
start_sandbox() {
    : > "$out"
    "$sandbox" --port "$1" > "$out" &
    pid=$!
    url=$(sandbox_url "$out" "$pid") || exit 1
}

# The CRM's allowance of requests for the API key made whole again (its control API): the next
# example is a shop of its own, with its own queue and so its own share of the limit, but the
# same key; without this, its first requests meet what the one before spent (503).
fresh_allowance() {
    curl -s -X POST "$url/__control/rate-limit" -d '{"per_second": 10}' > /dev/null
}

start_sandbox 0
echo "CRM sandbox listening on $url"
export CRM_URL="$url" CRM_KEY=sandbox-key DEMO_DIR="$demo_dir"
php -n -d extension="$so" examples/shop.php
fresh_allowance
MODRETAILCRM_SO="$so" php -n -d extension="$so" examples/webhook.php
fresh_allowance
php -n -d extension="$so" examples/history.php

# A fresh CRM for a manager's edit of an order: an item added, the address and a two-line
# comment changed (examples/manager_edit.php).
kill $pid; wait $pid 2>/dev/null || true
start_sandbox 0
export CRM_URL="$url"
php -n -d extension="$so" examples/manager_edit.php

# A fresh CRM for a "Buy in one click" form through FormIt and the modRetailCrmForm hook: a
# mistake shown on its field, then the form becomes one CRM order (examples/form.php).
kill $pid; wait $pid 2>/dev/null || true
start_sandbox 0
export CRM_URL="$url"
php -n -d extension="$so" examples/form.php

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

# The shop owner's page (Extras → RetailCRM): a fresh CRM, the harness's shop with one order the
# CRM refused and a status code it does not have, served by php -S; headless Chromium writes a
# screenshot. Retry the refused order, pick codes from the CRM's dropdowns, check the mapping.
printf '\n== The page in the MODX manager (Extras → RetailCRM)\n'
kill $pid; wait $pid 2>/dev/null || true
start_sandbox 0
mkdir -p "$demo_dir/page" target/demo
export CRM_URL="$url" PAGE_DIR="$demo_dir/page"
php -n -d extension="$so" tests/php/manager_page_state.php setup
port=$(php -n -r '$s = stream_socket_server("tcp://127.0.0.1:0"); echo explode(":", stream_socket_get_name($s, false))[1];')
php -n -d extension="$so" -S "127.0.0.1:$port" -t "$demo_dir/page" tests/php/manager_page_router.php 2> "$demo_dir/page/server.log" &
page_pid=$!
for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.05
done
page_url="http://127.0.0.1:$port/manager"
echo "The manager page: $page_url (the harness's shop, the sandbox at $url)"
screenshot="$PWD/target/demo/manager-page.png"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$demo_dir/chromium" --window-size=1280,2100 \
    --virtual-time-budget=10000 --screenshot="$screenshot" "$page_url" 2> /dev/null
echo "Its screenshot: $screenshot"
if [ -t 0 ]; then
    read -r -p "Open the page in a browser; press Enter to stop the demo. "
fi

#!/usr/bin/env bash
# The main job: install what is missing, build, start the bundled CRM sandbox on loopback, run a shop scenario through the
# extension (examples/demo.php) and show what the CRM received.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cargo build --release --workspace --quiet
so=target/release/libmodretailcrm.so
sandbox=target/release/crm-sandbox

out=$(mktemp)
"$sandbox" --port 0 > "$out" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 100); do
    url=$(sed -n 's/^listening on //p' "$out")
    [ -n "$url" ] && break
    kill -0 $pid 2>/dev/null || { echo "the sandbox did not start" >&2; exit 1; }
    sleep 0.05
done
[ -n "$url" ] || { echo "the sandbox did not report its address" >&2; exit 1; }
echo "CRM sandbox listening on $url"

CRM_URL="$url" CRM_KEY=sandbox-key php -n -d extension="$PWD/$so" examples/demo.php

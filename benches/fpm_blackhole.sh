#!/usr/bin/env bash
# A CRM that hangs must not hold the site's workers. A real php-fpm pool (4 workers) behind
# nginx on loopback, a checkout page that queues a change and delivers it after the response
# (benches/fpm/checkout.php) and a plain page (benches/fpm/page.php, 50 ms of its own). With
# the CRM sandbox blackholed (it accepts and never answers), a burst of 10 checkouts, then the
# next plain page's latency against its healthy value (the target: within 2x).
#
# Usage: benches/fpm_blackhole.sh LABEL=SO[:BUDGET] ...
#   e.g. benches/fpm_blackhole.sh before=/tmp/old.so:10 after=target/release/libmodretailcrm.so
#   BUDGET is passed to deliverAfterResponse() (the old plugin passed 10); none: the setting.
# Installs php-fpm and nginx-light with apt-get when missing. Runs everything in a temp dir and
# stops what it started at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/sandbox.sh

[ $# -gt 0 ] || set -- "after=$PWD/target/release/libmodretailcrm.so"
fpm=$(command -v php-fpm8.2 || command -v php-fpm || true)
if [ -z "$fpm" ] || ! command -v nginx > /dev/null; then
    apt-get update -qq
    apt-cache policy php-fpm nginx-light | grep -E '^[a-z]|Candidate'
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends php-fpm nginx-light > /dev/null
    fpm=$(command -v php-fpm8.2 || command -v php-fpm)
fi
sandbox_bin=${SANDBOX:-target/release/crm-sandbox}
[ -x "$sandbox_bin" ] || cargo build --release -p crm-sandbox --quiet

tmp=$(mktemp -d /tmp/modretailcrm-fpm.XXXXXX)
pids=()
stop() {
    for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
    wait 2> /dev/null || true
    rm -rf "$tmp"
}
trap stop EXIT

"$sandbox_bin" --port 0 > "$tmp/sandbox.out" &
pids+=($!)
crm=$(sandbox_url "$tmp/sandbox.out" "${pids[-1]}")
control() { curl -s -o /dev/null -X "$1" -H 'Content-Type: application/json' ${3:+-d "$3"} "$crm/__control/$2"; }

port=$(php -r '$s = stream_socket_server("tcp://127.0.0.1:0"); echo explode(":", stream_socket_get_name($s, false))[1];')
cat > "$tmp/nginx.conf" <<CONF
daemon off;
user root root;
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $tmp/body;
    fastcgi_temp_path $tmp/fastcgi;
    proxy_temp_path $tmp/proxy;
    uwsgi_temp_path $tmp/uwsgi;
    scgi_temp_path $tmp/scgi;
    server {
        listen 127.0.0.1:$port;
        root $PWD/benches/fpm;
        location ~ \.php\$ {
            fastcgi_pass unix:$tmp/fpm.sock;
            fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
            fastcgi_param QUERY_STRING \$query_string;
            fastcgi_param REQUEST_METHOD \$request_method;
            fastcgi_read_timeout 120s;
        }
    }
}
CONF
nginx -c "$tmp/nginx.conf" -p "$tmp" &
pids+=($!)

# Seconds one request to $1 takes.
timed() { curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port/$1"; }
# The median of five plain pages, one after another.
median_page() {
    for _ in 1 2 3 4 5; do timed page.php; echo; done | sort -n | sed -n 3p
}

echo "php-fpm pool of 4 workers behind nginx; CRM sandbox at $crm; load: $(uptime | sed 's/.*load/load/')"
printf '%-8s %-10s %14s %20s %10s\n' build budget "healthy page" "page after burst" ratio
for run in "$@"; do
    label=${run%%=*}
    spec=${run#*=}
    so=${spec%%:*}
    budget=""
    [ "$spec" != "$so" ] && budget=${spec#*:}
    cat > "$tmp/fpm.conf" <<CONF
[global]
pid = $tmp/fpm.pid
error_log = $tmp/fpm-error.log
daemonize = no
[shop]
user = root
group = root
listen = $tmp/fpm.sock
pm = static
pm.max_children = 4
clear_env = no
CONF
    rm -f "$tmp/outbox.sqlite"*
    control DELETE faults
    CRM_URL="$crm" OUTBOX="$tmp/outbox.sqlite" "$fpm" -n -R -y "$tmp/fpm.conf" -d "extension=$so" &
    fpm_pid=$!
    for _ in $(seq 100); do [ -S "$tmp/fpm.sock" ] && break; sleep 0.05; done
    query=${budget:+?budget=$budget}
    # Healthy: a burst of checkouts delivered after their responses, then the plain page.
    burst() {
        burst=()
        for _ in $(seq 10); do
            timed "checkout.php$query" > /dev/null &
            burst+=($!)
        done
    }
    burst
    wait "${burst[@]}"
    sleep 1
    healthy=$(median_page)
    # Blackholed: the same burst, then the next plain page.
    control POST faults '{"mode": "blackhole"}'
    burst
    sleep 0.5
    hung=$(timed page.php)
    control DELETE faults
    wait "${burst[@]}"
    kill "$fpm_pid"
    wait "$fpm_pid" 2> /dev/null || true
    rm -f "$tmp/fpm.sock"
    printf '%-8s %-10s %12.3f s %18.3f s %9.1fx\n' "$label" "${budget:-setting}" "$healthy" "$hung" \
        "$(php -r "echo $hung / $healthy;")"
done

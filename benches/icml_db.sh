#!/usr/bin/env bash
# Benchmark: the ICML catalogue exported from a miniShop2 database of N generated products on a
# private MariaDB (a temporary data directory, a socket, no network; stopped and removed at the
# end), by the extension's reader (IcmlCatalog + ModRetailCrm\Icml\Writer, what the `icml`
# snippet and CLI run) beside a pure-PHP reference exporter (PDO unbuffered, the same queries,
# XMLWriter). The two run interleaved ROUNDS times (default 3); the table keeps each one's
# fastest round: wall, PHP CPU, database CPU (mariadbd's user+system time over the run), peak
# RSS of the PHP process, per-product time. Every round is printed.
# Usage: [ROUNDS=3] benches/icml_db.sh [N ...]   (default 10000 100000)
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)
cargo build --release --lib --quiet
so="$PWD/target/release/libmodretailcrm.so"
work=$(mktemp -d)
user=()
if [ "$(id -u)" -eq 0 ]; then
    name=mysql; id mysql >/dev/null 2>&1 || name=nobody
    chown "$name" "$work"; user=(--user="$name")
fi
mariadb-install-db --no-defaults --auth-root-authentication-method=normal --skip-test-db \
    --datadir="$work/data" "${user[@]}" >/dev/null
mariadbd --no-defaults --datadir="$work/data" --socket="$work/sock" --pid-file="$work/pid" \
    --log-error="$work/error.log" --skip-networking --innodb-buffer-pool-size=256M "${user[@]}" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
until mariadb-admin --no-defaults -uroot --socket="$work/sock" ping >/dev/null 2>&1; do
    kill -0 $server 2>/dev/null || { cat "$work/error.log"; exit 1; }
    sleep 0.2
done
export SOCKET="$work/sock"
php_run() { php -n -d extension=pdo -d extension=mysqlnd -d extension=pdo_mysql -d extension=xmlwriter \
    -d extension="$so" -d memory_limit=-1 benches/icml_db.php "$@"; }
# mariadbd's user + system CPU seconds so far.
db_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / hz }' "/proc/$server/stat"; }

echo "ICML from the database (PHP $(php -r 'echo PHP_VERSION;'), $(mariadbd --version | awk '{print $3}'), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
for n in "${sizes[@]}"; do
    php_run fill "$n"
    results="$work/results-$n.txt"
    for _ in $(seq "${ROUNDS:-3}"); do
        for mode in extension reference; do
            before=$(db_cpu)
            line=$(php_run "$mode" "$work/$mode.xml")
            echo "$line db_cpu_seconds=$(awk -v a="$before" -v b="$(db_cpu)" 'BEGIN { printf "%.3f", b - a }')" | tee -a "$results"
            rm -f "$work/$mode.xml"
        done
    done
    awk -v n="$n" '
        { for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
          m = f["mode"]
          if (!(m in s) || f["seconds"] + 0 < s[m] + 0) { s[m] = f["seconds"]; c[m] = f["php_cpu_seconds"]; d[m] = f["db_cpu_seconds"] }
          if (f["peak_rss_kib"] + 0 > r[m] + 0) r[m] = f["peak_rss_kib"]
          o[m] = f["offers"] }
        END {
          printf "\nN=%d products, fastest round  wall s  PHP CPU s  DB CPU s  peak RSS MB  us/product  offers\n", n
          split("extension reference", modes, " ")
          for (k = 1; k <= 2; k++) {
            m = modes[k]
            printf "%-28s %7.3f %10.3f %9.3f %12.1f %11.1f %7d\n", m, s[m], c[m], d[m], r[m] / 1024, s[m] * 1e6 / n, o[m]
          }
          printf "extension vs reference: %.2fx wall\n", s["reference"] / s["extension"]
        }' "$results"
    echo
done

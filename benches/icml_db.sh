#!/usr/bin/env bash
# Benchmark: the ICML catalogue exported from a miniShop2 database of N generated products on a
# private MariaDB (a temporary data directory, a socket, no network; stopped and removed at the
# end), by what the `icml` snippet and CLI run on a MySQL/MariaDB site (`extension`: IcmlCatalog
# with the site's connection, the rows read in the extension, core/src/icml/minishop/), beside
# the PHP reader of SQLite sites into the same writer (`php-reader`) and a pure-PHP reference
# exporter (PDO unbuffered, the same queries, XMLWriter). They
# run interleaved ROUNDS times (default 3); the table keeps each one's median round: wall, the
# exporter's CPU (the PHP process's, the extension's reading included), database CPU (mariadbd's user+system time over
# the run), peak RSS of the exporter, per-product time. Every round is printed, and `uptime`
# before and after.
# The server is set up as a shop's DBA would for the data: a buffer pool that holds the largest
# catalogue (POOL, default 256 MB + 2 KB a product; the generated data is ~1 KB a product with
# its indexes), a 512 MB redo log and the log flushed once a second (these two speed up the fill
# only; the export only reads).
# Usage: [ROUNDS=3] [POOL=2G] [MODES="extension php-reader reference"] benches/icml_db.sh [N ...]
#        (default 10000 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/mariadb.sh

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)
modes=(${MODES:-extension php-reader reference})
cargo build --release --lib --quiet
so="$PWD/target/release/libmodretailcrm.so"
largest=$(printf '%s\n' "${sizes[@]}" | sort -n | tail -1)
pool=${POOL:-$((256 + largest * 2 / 1024))M}
work=$(mktemp -d)
mariadb_pid=""
trap 'kill $mariadb_pid 2>/dev/null; wait $mariadb_pid 2>/dev/null; rm -rf "$work"' EXIT
start_private_mariadb "$work" --innodb-buffer-pool-size="$pool" --innodb-log-file-size=512M \
    --innodb-flush-log-at-trx-commit=2
server=$mariadb_pid
export SOCKET="$work/sock"
php_run() { php -n -d extension=pdo -d extension=mysqlnd -d extension=pdo_mysql -d extension=xmlwriter \
    -d extension="$so" -d memory_limit=-1 benches/icml_db.php "$@"; }
# mariadbd's user + system CPU seconds so far.
db_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / hz }' "/proc/$server/stat"; }

echo "ICML from the database (PHP $(php -r 'echo PHP_VERSION;'), $(mariadbd --version | awk '{print $3}'), $(nproc) cores, buffer pool $pool)"
uptime
for n in "${sizes[@]}"; do
    php_run fill "$n"
    results="$work/results-$n.txt"
    for _ in $(seq "${ROUNDS:-3}"); do
        for mode in "${modes[@]}"; do
            before=$(db_cpu)
            line=$(php_run "$mode" "$work/$mode.xml")
            echo "$line db_cpu_seconds=$(awk -v a="$before" -v b="$(db_cpu)" 'BEGIN { printf "%.3f", b - a }')" | tee -a "$results"
            rm -f "$work/$mode.xml"
        done
    done
    awk -v n="$n" -v list="${modes[*]}" '
        { for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
          m = f["mode"]; k = ++runs[m]
          w[m, k] = f["seconds"]; c[m, k] = f["cpu_seconds"]; d[m, k] = f["db_cpu_seconds"]
          if (f["peak_rss_kib"] + 0 > r[m] + 0) r[m] = f["peak_rss_kib"]
          o[m] = f["offers"] }
        # The round whose wall time is the median of mode m.
        function median(m,    i, j, t, order) {
          for (i = 1; i <= runs[m]; i++) order[i] = i
          for (i = 2; i <= runs[m]; i++)
            for (j = i; j > 1 && w[m, order[j]] + 0 < w[m, order[j - 1]] + 0; j--) { t = order[j]; order[j] = order[j - 1]; order[j - 1] = t }
          return order[int((runs[m] + 1) / 2)]
        }
        END {
          printf "\nN=%d products, median round     wall s   CPU s  DB CPU s  peak RSS MB  us/product  offers\n", n
          count = split(list, modes, " ")
          for (k = 1; k <= count; k++) {
            m = modes[k]; i = median(m); wall[m] = w[m, i]
            printf "%-28s %7.3f %7.3f %9.3f %12.1f %11.1f %7d\n", m, w[m, i], c[m, i], d[m, i], r[m] / 1024, w[m, i] * 1e6 / n, o[m]
          }
          for (k = 1; k <= count; k++)
            if (modes[k] != "reference" && ("reference" in wall))
              printf "%s vs reference: %.2fx wall\n", modes[k], wall["reference"] / wall[modes[k]]
        }' "$results"
    echo
done
uptime

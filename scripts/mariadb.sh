# Sourced by the scripts that need a private MariaDB server (the demo with QUEUE=mysql, the
# MySQL outbox and the ICML benchmarks): never the system's service.

# start_private_mariadb DIR [OPTION…]: initialises a data directory in DIR and starts mariadbd
# on it (the OPTIONs after the defaults, so that they win, e.g. a bigger buffer pool),
# listening only on DIR/sock (no network), as the mysql user (else nobody) when run as root;
# sets $mariadb_pid and waits until the server answers. Creates database `shop` and user
# `shop` (password `shop-password`) with every right on it. The caller stops it
# (kill $mariadb_pid) and removes DIR.
start_private_mariadb() {
    local dir=$1 user=() name
    shift
    if [ "$(id -u)" -eq 0 ]; then
        name=mysql; id mysql >/dev/null 2>&1 || name=nobody
        chown "$name" "$dir"; user=(--user="$name")
    fi
    mariadb-install-db --no-defaults --auth-root-authentication-method=normal --skip-test-db \
        --datadir="$dir/data" "${user[@]}" >/dev/null
    mariadbd --no-defaults --datadir="$dir/data" --socket="$dir/sock" --pid-file="$dir/pid" \
        --log-error="$dir/error.log" --skip-networking --innodb-buffer-pool-size=128M "${user[@]}" "$@" &
    mariadb_pid=$!
    until mariadb-admin --no-defaults -uroot --socket="$dir/sock" ping >/dev/null 2>&1; do
        kill -0 "$mariadb_pid" 2>/dev/null || { cat "$dir/error.log" >&2; return 1; }
        sleep 0.2
    done
    mariadb --no-defaults -uroot --socket="$dir/sock" -e "CREATE DATABASE shop;
        CREATE USER 'shop'@'localhost' IDENTIFIED BY 'shop-password';
        GRANT ALL PRIVILEGES ON shop.* TO 'shop'@'localhost';"
}

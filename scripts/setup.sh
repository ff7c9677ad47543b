#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build and test modretailcrm.
# Idempotent: installs nothing when everything is already there.
set -euo pipefail

# The tests, the demo (QUEUE=mysql) and the benchmarks start private MariaDB servers:
# mariadb-server-core has mariadbd, mariadb-install-db (a sh script) and its resolveip;
# mariadb-client has mariadb-admin and brings mariadb-client-core (mariadb,
# my_print_defaults, which mariadb-install-db runs); php-mysql has pdo_mysql. The manager
# page's browser test drives chromium through chromium-driver (chromedriver).
packages=(php-cli php-dev php-curl php-xml php-sqlite3 php-mysql mariadb-server-core mariadb-client libclang-dev clang pkg-config ca-certificates make openssl libxml2-utils nodejs binutils lintian php-zip zip chromium chromium-driver)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
    echo "setup: cargo not found; install Rust (1.85 or newer) with rustup first" >&2
    exit 1
fi
for component in rustfmt clippy; do
    rustup component list --installed 2>/dev/null | grep -q "^$component" || rustup component add "$component"
done

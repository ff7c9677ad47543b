#!/usr/bin/env bash
# Generates stubs/modretailcrm.php from the built extension: cargo-php describes the classes
# declared with ext-php-rs macros, scripts/stubs-reflection.php adds the exception classes
# registered at start-up. With --check, fails when the committed stubs are stale.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_PHP_VERSION=0.2.2
if ! cargo php --version 2>/dev/null | grep -q "$CARGO_PHP_VERSION"; then
    cargo install cargo-php --locked --version "$CARGO_PHP_VERSION"
fi

cargo build --lib --quiet
so=target/debug/libmodretailcrm.so
generated=$(mktemp)
trap 'rm -f "$generated"' EXIT
cargo php stubs --stdout "$so" > "$generated"
php -n -d extension="$PWD/$so" scripts/stubs-reflection.php >> "$generated"

if [ "${1:-}" = "--check" ]; then
    if ! diff -u stubs/modretailcrm.php "$generated"; then
        echo "stubs/modretailcrm.php is stale: run 'make stubs' and commit it" >&2
        exit 1
    fi
    echo "stubs: up to date"
else
    cp "$generated" stubs/modretailcrm.php
    echo "stubs: wrote stubs/modretailcrm.php"
fi

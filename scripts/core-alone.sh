#!/usr/bin/env bash
# The core crate's tests with PHP out of reach: `modretailcrm-core` must build and pass without
# PHP's CLI, its headers, clang or bindgen (only the extension crate at the root needs them).
# First its dependency tree is checked for PHP bindings, then `cargo test -p modretailcrm-core`
# runs on a PATH from which php, php-config, phpize and clang are removed.
set -euo pipefail
cd "$(dirname "$0")/.."

bindings=$(cargo tree -p modretailcrm-core -e normal,build,dev --prefix none \
    | grep -E '^(ext-php-rs|bindgen|clang-sys) ' || true)
if [ -n "$bindings" ]; then
    echo "core-alone: modretailcrm-core depends on PHP bindings:" >&2
    echo "$bindings" >&2
    exit 1
fi

without_php=$(mktemp -d)
trap 'rm -rf "$without_php"' EXIT
IFS=: read -r -a path_dirs <<< "$PATH"
for dir in "${path_dirs[@]}"; do
    [ -d "$dir" ] || continue
    for tool in "$dir"/*; do
        name=${tool##*/}
        case "$name" in
            php | php[0-9]* | php-config* | phpize* | clang* | llvm-config*) continue ;;
        esac
        [ -e "$without_php/$name" ] || ln -s "$tool" "$without_php/$name"
    done
done
if PATH="$without_php" command -v php >/dev/null; then
    echo "core-alone: php is still on the reduced PATH" >&2
    exit 1
fi
env -u PHP -u PHP_CONFIG PATH="$without_php" cargo test -p modretailcrm-core "$@"

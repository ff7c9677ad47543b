#!/usr/bin/env bash
# Builds the prebuilt extension for a release, named as PIE (1.4+) looks for it:
#   scripts/release-zip.sh [OUT_DIR]     (default target/release-zip; prints the zip's path)
# php_modretailcrm-{tag}_php{X.Y}-{arch}-linux-{glibc|musl}[-zts].zip holds modretailcrm.so, for
# the PHP that php-config names. On glibc the library is built against an old glibc (2.17 unless
# MODRETAILCRM_GLIBC says otherwise) with cargo-zigbuild, so that one file loads on older
# distributions too; the tools come from PyPI (cargo-zigbuild, ziglang) into target/tools/zig.
# The script prints the newest glibc symbol version the library needs and refuses a library
# that needs a newer one than the baseline.
# MODRETAILCRM_TAG names the release (default: the version in Cargo.toml); MODRETAILCRM_SO=path
# zips that library instead of building one (its glibc needs are still reported).
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-target/release-zip}
tag=${MODRETAILCRM_TAG:-$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)}
php_version=$(php-config --version | cut -d. -f1,2)
arch=$(uname -m)
[ "$arch" = aarch64 ] && arch=arm64 # PIE's name for it
if ldd --version 2>&1 | grep -qi musl; then libc=musl; else libc=glibc; fi
zts=$(php -n -r 'echo PHP_ZTS ? "-zts" : "";')
baseline=${MODRETAILCRM_GLIBC:-2.17}
target_dir=${CARGO_TARGET_DIR:-target}

if [ -n "${MODRETAILCRM_SO:-}" ]; then
    so=$MODRETAILCRM_SO
elif [ "$libc" = glibc ]; then
    tools=target/tools/zig
    if [ ! -x "$tools/bin/cargo-zigbuild" ]; then
        python3 -m venv "$tools"
        "$tools/bin/pip" install --quiet cargo-zigbuild ziglang
    fi
    triple="$(rustc -vV | sed -n 's/^host: //p')"
    # ext-php-rs's bindgen reads PHP's headers, which include the C library's: under zigbuild
    # it is given zig's include flags, which miss them; name clang's and the system's instead
    # (the structures PHP's API uses are the same in every glibc of the baseline's line).
    env PATH="$PWD/$tools/bin:$PATH" \
        "BINDGEN_EXTRA_CLANG_ARGS_$triple=-I$(clang -print-resource-dir)/include -I/usr/include/$(gcc -dumpmachine 2>/dev/null || echo "$(uname -m)-linux-gnu") -I/usr/include" \
        cargo zigbuild --release --locked -p modretailcrm --quiet --target "$triple.$baseline"
    so="$target_dir/$triple/release/libmodretailcrm.so"
else
    cargo build --release --locked -p modretailcrm --quiet
    so="$target_dir/release/libmodretailcrm.so"
fi
[ -f "$so" ] || { echo "release-zip: no library at $so" >&2; exit 1; }

if [ "$libc" = glibc ]; then
    needs=$(objdump -T "$so" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/^GLIBC_//' | sort -uV | tail -n1)
    echo "release-zip: the library needs glibc $needs (baseline $baseline)" >&2
    if [ -z "${MODRETAILCRM_SO:-}" ] && [ "$(printf '%s\n%s\n' "$needs" "$baseline" | sort -V | tail -n1)" != "$baseline" ]; then
        echo "release-zip: glibc $needs is newer than the baseline $baseline" >&2
        exit 1
    fi
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
install -m 0644 "$so" "$stage/modretailcrm.so"
strip --strip-unneeded "$stage/modretailcrm.so"
mkdir -p "$out"
zip_path=$(realpath -m "$out/php_modretailcrm-${tag}_php${php_version}-${arch}-linux-${libc}${zts}.zip")
rm -f "$zip_path"
(cd "$stage" && zip -q -X "$zip_path" modretailcrm.so)
echo "$zip_path"

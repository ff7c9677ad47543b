#!/usr/bin/env bash
# Builds the Debian package of the extension for the PHP found by php-config:
#   scripts/deb.sh [OUT_DIR]        (default target/deb; prints the path of the .deb)
# php{X.Y}-modretailcrm_{version}-1_{arch}.deb holds the library in PHP's extension folder,
# mods-available/modretailcrm.ini (priority 30, a conffile), and maintainer scripts that enable
# it for every SAPI on install (phpenmod) and disable it on removal (phpdismod), leaving alone
# what the administrator disabled. It depends on the PHP API it was built for (phpapi-…) and on
# the glibc and libgcc versions the library's symbols need. Then lintian checks it when present.
# MODRETAILCRM_SO=path packages that library instead of building one with cargo; DEB_MAINTAINER
# names the maintainer ("Name <email>").
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-target/deb}
# The default names no real mailbox (.invalid): a published package sets DEB_MAINTAINER.
maintainer=${DEB_MAINTAINER:-modretailcrm maintainers <maintainers@modretailcrm.invalid>}

if [ -z "${MODRETAILCRM_SO:-}" ]; then
    cargo build --release --locked -p modretailcrm --quiet
    so="${CARGO_TARGET_DIR:-target}/release/libmodretailcrm.so"
else
    so=$MODRETAILCRM_SO
fi
[ -f "$so" ] || { echo "deb: no library at $so" >&2; exit 1; }

php_version=$(php-config --version | cut -d. -f1,2)
php_api=$(php-config --phpapi)
ext_dir=$(php-config --extension-dir)
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
arch=$(dpkg --print-architecture)
package="php${php_version}-modretailcrm"
deb_version="${version}-1"

# The newest version of a symbol set the library needs, e.g. GLIBC 2.34 for libc6 (>= 2.34).
newest_symbol() {
    objdump -T "$so" | grep -o "$1_[0-9][0-9.]*" | sed "s/^$1_//" | sort -uV | tail -n1
}
glibc=$(newest_symbol GLIBC)
gcc=$(newest_symbol GCC)
depends="libc6 (>= ${glibc}), php-common, php${php_version}-common, phpapi-${php_api}"
if readelf -d "$so" | grep -q 'libgcc_s.so.1'; then
    depends="libgcc-s1 (>= ${gcc:-3.0}), $depends"
fi

# The time of the last commit, so that two builds of one commit are the same file.
built=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
root=$(mktemp -d)
chmod 0755 "$root"
trap 'rm -rf "$root"' EXIT
doc="$root/usr/share/doc/$package"
ini="/etc/php/$php_version/mods-available/modretailcrm.ini"
install -d -m 0755 "$root/DEBIAN" "$root$ext_dir" "$root$(dirname "$ini")" "$doc"
install -m 0644 "$so" "$root$ext_dir/modretailcrm.so"
strip --strip-unneeded "$root$ext_dir/modretailcrm.so"
printf '; priority=30\nextension=modretailcrm.so\n' > "$root$ini"
chmod 0644 "$root$ini"

{
    echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
    echo "Upstream-Name: modretailcrm"
    echo
    echo "Files: *"
    echo "Copyright: modretailcrm contributors"
    echo "License: MIT"
    echo " Copyright (c) $(date -u +%Y -d "@$built") modretailcrm contributors"
    echo " ."
    echo " Permission is hereby granted, free of charge, to any person obtaining a copy of this"
    echo " software and associated documentation files (the \"Software\"), to deal in the Software"
    echo " without restriction, including without limitation the rights to use, copy, modify, merge,"
    echo " publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons"
    echo " to whom the Software is furnished to do so, subject to the following conditions:"
    echo " ."
    echo " The above copyright notice and this permission notice shall be included in all copies or"
    echo " substantial portions of the Software."
    echo " ."
    echo " THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED,"
    echo " INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR"
    echo " PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE"
    echo " FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR"
    echo " OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER"
    echo " DEALINGS IN THE SOFTWARE."
} > "$doc/copyright"
printf '%s (%s) unstable; urgency=medium\n\n  * Built from the modretailcrm repository for PHP %s.\n\n -- %s  %s\n' \
    "$package" "$deb_version" "$php_version" "$maintainer" "$(date -R -u -d "@$built")" \
    | gzip -9n > "$doc/changelog.Debian.gz"
chmod 0644 "$doc/copyright" "$doc/changelog.Debian.gz"

installed_size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<EOF
Package: $package
Version: $deb_version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $installed_size
Depends: $depends
Provides: php-modretailcrm
Section: php
Priority: optional
Description: RetailCRM integration for MODX/miniShop2 (PHP extension)
 modretailcrm connects MODX Revolution shops (miniShop2) with RetailCRM. It is
 a PHP extension written in Rust: every customer, order and status change is
 kept in a durable outbox and delivered to the CRM without the checkout
 waiting on it. The MODX side is installed as a transport package.
 .
 This package holds the extension for PHP $php_version and enables it for
 every SAPI.
EOF
echo "$ini" > "$root/DEBIAN/conffiles"

cat > "$root/DEBIAN/postinst" <<EOF
#!/bin/sh
# Enables the extension for every SAPI of PHP $php_version (-m: not where the administrator
# disabled it).
set -e
if [ "\$1" = "configure" ] && command -v phpenmod >/dev/null 2>&1; then
    phpenmod -m -v $php_version modretailcrm || true
fi
EOF
cat > "$root/DEBIAN/prerm" <<EOF
#!/bin/sh
# Disables the extension before its library goes (not on an upgrade, which keeps it enabled).
set -e
if [ "\$1" = "remove" ] && command -v phpdismod >/dev/null 2>&1; then
    phpdismod -m -v $php_version modretailcrm || true
fi
EOF
cat > "$root/DEBIAN/postrm" <<EOF
#!/bin/sh
# On purge, forgets the module's enabled/disabled state with its ini file (per SAPI: phpdismod
# forgets it only for the last SAPI it is given).
set -e
if [ "\$1" = "purge" ] && command -v phpdismod >/dev/null 2>&1 && command -v phpquery >/dev/null 2>&1; then
    for sapi in \$(phpquery -S -v $php_version); do
        phpdismod -p -f -m -q -v $php_version -s "\$sapi" modretailcrm || true
    done
fi
EOF
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"

mkdir -p "$out"
deb="$out/${package}_${deb_version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
if command -v lintian >/dev/null 2>&1; then
    # Explained in README (Installing: the Debian package): the package is built outside a
    # Debian source package, so there is no source to point at.
    lintian --fail-on error,warning --suppress-tags no-manual-page,initial-upload-closes-no-bugs \
        "$deb" >&2
fi
echo "$deb"

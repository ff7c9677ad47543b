#!/usr/bin/env bash
# The whole suite: formatting, lints, unit and integration tests (the real .so in the real
# php CLI against the CRM sandbox on loopback; the core crate's tests with PHP out of reach), and
# checks that the stubs and what the settings table generates (lexicons, README) are current.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cargo fmt --all -- --check
php -n scripts/settings.php --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace --exclude modretailcrm-core
scripts/core-alone.sh
scripts/stubs.sh --check

#!/usr/bin/env bash
# The whole suite: formatting, lints, unit and integration tests (the real .so in the real
# php CLI against the CRM sandbox on loopback), and a check that the stubs are current.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace
scripts/stubs.sh --check

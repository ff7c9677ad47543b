#!/usr/bin/env bash
# A longer run of the generated-input harness (tests/php_fuzz.rs): N hostile calls into every
# method and function the extension exports, each batch in a child php jailed in a temp dir.
# Prints the seed, the cases run, the crashes and the exceptions that are not the extension's
# own; a failing run prints each failing case (replay with FUZZ_SEED=<seed>).
# Usage: [FUZZ_SEED=n] benches/fuzz.sh [N]   (default 13000)
set -euo pipefail
cd "$(dirname "$0")/.."

echo "modretailcrm fuzz run ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
FUZZ_CASES="${1:-13000}" cargo test --test php_fuzz every_php_method_survives_generated_hostile_input \
    -- --exact --nocapture 2>&1 | grep -E '^fuzz:|failures|^CASE|^crash|panicked|test result'

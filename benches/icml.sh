#!/usr/bin/env bash
# Benchmark: an ICML catalogue of N generated miniShop2 products (params, a picture) written
# through ModRetailCrm\Icml\Writer versus PHP's XMLWriter (the way PHP modules write it), same
# products, same run: wall time, offers/s, peak RSS of the PHP process (VmHWM) and its growth
# over the RSS before writing, file size. "generate" is the cost of building the product
# arrays alone, which every side pays; "write-only" figures subtract it.
# Usage: benches/icml.sh [N ...]   (default 100000 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)
cargo build --release --lib --quiet
so="$PWD/target/release/libmodretailcrm.so"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() { php -n -d extension=xmlwriter -d extension="$so" benches/icml_bench.php "$@"; }

echo "modretailcrm ICML benchmark ($(php -r 'echo PHP_VERSION;'), $(nproc) cores)"
for n in "${sizes[@]}"; do
    results="$work/results-$n.txt"
    for mode in generate xmlwriter extension extension-batch; do
        run "$mode" "$n" "$work/$mode.xml" | tee -a "$results"
        rm -f "$work/$mode.xml"
    done
    awk -v n="$n" '
        { for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
          s[f["mode"]] = f["seconds"]; r[f["mode"]] = f["offers_per_s"]; g[f["mode"]] = f["rss_growth_kib"]; b[f["mode"]] = f["bytes"] }
        END {
          printf "\nN=%d        %10s %12s %18s %14s %12s\n", n, "seconds", "offers/s", "write-only offers/s", "RSS growth MB", "bytes"
          split("xmlwriter extension extension-batch", modes, " ")
          for (m = 1; m <= 3; m++) {
            k = modes[m]; w = s[k] - s["generate"]
            printf "%-16s %10.3f %12d %18d %14.1f %12d\n", k, s[k], r[k], (w > 0 ? n / w : 0), g[k] / 1024, b[k]
          }
          printf "%-16s %10.3f %12d\n", "generate only", s["generate"], r["generate"]
          for (m = 2; m <= 3; m++) {
            k = modes[m]; wx = s["xmlwriter"] - s["generate"]; we = s[k] - s["generate"]
            printf "%s vs xmlwriter: %.2fx end to end, %.2fx write-only\n", k, s["xmlwriter"] / s[k], (we > 0 ? wx / we : 0)
          }
        }' "$results"
    echo
done

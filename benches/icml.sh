#!/usr/bin/env bash
# Benchmark: an ICML catalogue of N generated miniShop2 products (params, a picture) written
# through ModRetailCrm\Icml\Writer versus PHP's XMLWriter (the way PHP modules write it), same
# products, same run: wall and CPU time, offers/s, peak RSS of the PHP process (VmHWM) and its
# growth over the RSS before writing, file size. "generate" is the cost of building the
# product arrays alone, which every side pays; "write-only" figures subtract it. The modes
# run interleaved ROUNDS times (default 3) and the table keeps each mode's fastest round, so
# that other work on a shared machine disturbs the comparison less; every round is printed.
# The extension also fsyncs the file and the directory before publishing (finish_seconds);
# the XMLWriter side, like peer modules, does not.
# Usage: [ROUNDS=3] [INSTRUCTIONS=1 [N_I=20000]] benches/icml.sh [N ...]   (default 100000 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)
cargo build --release --lib --quiet
so="$PWD/target/release/libmodretailcrm.so"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() { php -n -d extension=xmlwriter -d extension="$so" benches/icml_bench.php "$@"; }

echo "modretailcrm ICML benchmark (PHP $(php -r 'echo PHP_VERSION;'), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
for n in "${sizes[@]}"; do
    results="$work/results-$n.txt"
    for _ in $(seq "${ROUNDS:-3}"); do
        for mode in generate xmlwriter extension extension-batch; do
            run "$mode" "$n" "$work/$mode.xml" | tee -a "$results"
            rm -f "$work/$mode.xml"
        done
    done
    awk -v n="$n" '
        { for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
          m = f["mode"]
          if (!(m in s) || f["seconds"] + 0 < s[m] + 0) { s[m] = f["seconds"]; c[m] = f["cpu_seconds"] }
          if (f["rss_growth_kib"] + 0 > g[m] + 0) g[m] = f["rss_growth_kib"]
          b[m] = f["bytes"] }
        END {
          printf "\nN=%d, fastest round   wall s    CPU s   offers/s  write-only offers/s (CPU)  max RSS growth MB        bytes\n", n
          split("xmlwriter extension extension-batch", modes, " ")
          for (k = 1; k <= 3; k++) {
            m = modes[k]; w = c[m] - c["generate"]
            printf "%-21s %8.3f %8.3f %10d %26d %18.1f %12d\n", m, s[m], c[m], n / s[m], (w > 0 ? n / w : 0), g[m] / 1024, b[m]
          }
          printf "%-21s %8.3f %8.3f %10d\n", "generate only", s["generate"], c["generate"], n / s["generate"]
          for (k = 2; k <= 3; k++) {
            m = modes[k]; wx = c["xmlwriter"] - c["generate"]; we = c[m] - c["generate"]
            printf "%s vs xmlwriter: %.2fx wall, %.2fx CPU, %.2fx CPU write-only\n", m, s["xmlwriter"] / s[m], c["xmlwriter"] / c[m], (we > 0 ? wx / we : 0)
          }
        }' "$results"
    echo
done

# Instructions per offer (callgrind counts instructions, so this comparison holds on a busy
# machine): each mode on N_I offers minus the same mode on none, per offer; "written" also
# subtracts generating the products, which every side pays. Opt-in: INSTRUCTIONS=1.
if [ "${INSTRUCTIONS:-0}" = 1 ]; then
    n_i=${N_I:-20000}
    count() {
        valgrind --tool=callgrind --callgrind-out-file=/dev/null php -n -d extension=xmlwriter \
            -d extension="$so" benches/icml_bench.php "$1" "$2" "$work/$1.xml" 2>&1 >/dev/null |
            sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
        rm -f "$work/$1.xml"
    }
    declare -A per_offer
    for mode in generate xmlwriter extension extension-batch; do
        per_offer[$mode]=$(( ($(count "$mode" "$n_i") - $(count "$mode" 0)) / n_i ))
    done
    printf '\ninstructions per offer (callgrind, %d offers)   total   written\n' "$n_i"
    for mode in xmlwriter extension extension-batch; do
        printf '%-38s %7d %9d\n' "$mode" "${per_offer[$mode]}" $(( per_offer[$mode] - per_offer[generate] ))
    done
    for mode in extension extension-batch; do
        awk -v x="${per_offer[xmlwriter]}" -v e="${per_offer[$mode]}" -v g="${per_offer[generate]}" -v m="$mode" \
            'BEGIN { printf "%s vs xmlwriter: %.2fx fewer instructions per offer written\n", m, (x - g) / (e - g) }'
    done
fi

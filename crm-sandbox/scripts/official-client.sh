#!/usr/bin/env bash
# Runs the official RetailCRM PHP client's own v5 tests against the sandbox, over HTTPS with
# the sandbox's CA trusted, and prints passed / failed / errors / skipped per test class.
#
#   crm-sandbox/scripts/official-client.sh CLIENT_DIR [SANDBOX_BINARY] [CLASS...]
#
# CLIENT_DIR: a checkout of retailcrm/api-client-php 5.x (the v5 branch), fetched beforehand;
# it is copied, not changed. SANDBOX_BINARY: a built crm-sandbox (default
# target/debug/crm-sandbox). CLASS: test classes of tests/RetailCrm/Tests/Methods/Version5
# (or of Methods/, e.g. CommonMethodsTest); default: the classes the sandbox aims at. This script fetches and builds nothing; it needs php (curl, json, fileinfo) and phpunit.
#
# Against another server: set CRM_HTTPS_URL (https base URL), CRM_CA (its CA, PEM) and
# CRM_CONTROL_URL (where POST /__control/reset is answered) and no sandbox is started.
#
# Adaptations, all mechanical: PHPUnit 9 no longer reads `@expectedException`, so the copy
# gets an `expectException()` call in those tests instead; a hand-written autoloader replaces
# composer's; each class runs against a freshly reset CRM.
set -euo pipefail

client=${1:?usage: official-client.sh CLIENT_DIR [SANDBOX_BINARY] [CLASS...]}
binary=${2:-target/debug/crm-sandbox}
shift $(($# >= 2 ? 2 : 1))
classes=("$@")
if [ ${#classes[@]} -eq 0 ]; then
    classes=(ApiClientOrdersTest ApiClientCustomersTest ApiClientReferenceTest
             ApiClientStoreTest ApiClientTasksTest ApiClientModuleTest)
fi

work=$(mktemp -d)
pid=""
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; fi; rm -rf "$work"' EXIT
cp -r "$client" "$work/client"

# @expectedException X on a test → $this->expectException(X::class) as its first statement.
php -r '
foreach (new RecursiveIteratorIterator(new RecursiveDirectoryIterator($argv[1])) as $file) {
    if (substr($file, -8) !== "Test.php") continue;
    $code = file_get_contents($file);
    $code = preg_replace_callback(
        "~@expectedException\s+(\S+)(.*?function\s+\w+\s*\([^)]*\)[^{]*\{)~s",
        fn ($m) => $m[2] . "\n        \$this->expectException(" . $m[1] . "::class);",
        $code
    );
    file_put_contents($file, $code);
}' "$work/client/tests"

cat > "$work/bootstrap.php" <<'PHP'
<?php
spl_autoload_register(function (string $class): void {
    $base = getenv('CLIENT_DIR');
    $relative = str_replace('\\', '/', $class) . '.php';
    foreach (["$base/lib/$relative", "$base/tests/$relative"] as $path) {
        if (is_file($path)) {
            require $path;
            return;
        }
    }
});
PHP

if [ -z "${CRM_HTTPS_URL:-}" ]; then
    "$binary" --rate-limit 0 --tls "$work/tls" > "$work/sandbox.out" &
    pid=$!
    for _ in $(seq 100); do
        grep -q '^tls certificate ' "$work/sandbox.out" 2>/dev/null && break
        sleep 0.05
    done
    CRM_HTTPS_URL=$(sed -n 's/^tls listening on //p' "$work/sandbox.out")
    CRM_CONTROL_URL=$(sed -n 's/^listening on //p' "$work/sandbox.out")
    CRM_CA="$work/tls/ca.pem"
    [ -n "$CRM_HTTPS_URL" ] || { echo "the sandbox did not start" >&2; exit 1; }
fi

export CLIENT_DIR="$work/client" CURL_CA_BUNDLE="$CRM_CA"
export RETAILCRM_URL="$CRM_HTTPS_URL" RETAILCRM_KEY=sandbox-key RETAILCRM_VERSION=v5
export RETAILCRM_SITE=shop RETAILCRM_USER=1
echo "official client $(git -C "$client" describe --tags --always 2>/dev/null || echo "at $client")" \
     "against $CRM_HTTPS_URL"
total=(0 0 0 0 0)
for class in "${classes[@]}"; do
    curl -s -X POST "$CRM_CONTROL_URL/__control/reset" > /dev/null
    methods="$work/client/tests/RetailCrm/Tests/Methods"
    file="$methods/Version5/$class.php"
    [ -f "$file" ] || file="$methods/$class.php"
    phpunit --do-not-cache-result --bootstrap "$work/bootstrap.php" -d curl.cainfo="$CRM_CA" \
        --log-junit "$work/$class.xml" "$file" > "$work/$class.out" 2>&1 || true
    counts=$(php -r '
        $suite = simplexml_load_file($argv[1])->testsuite;
        $tests = (int) $suite["tests"]; $failed = (int) $suite["failures"];
        $errors = (int) $suite["errors"]; $skipped = (int) $suite["skipped"];
        echo implode(" ", [$tests, $tests - $failed - $errors - $skipped, $failed, $errors, $skipped]);
    ' "$work/$class.xml")
    read -r tests passed failed errors skipped <<< "$counts"
    printf '%-32s %3d tests: %3d passed, %3d failed, %3d errors, %3d skipped\n' \
        "$class" "$tests" "$passed" "$failed" "$errors" "$skipped"
    total=($((total[0] + tests)) $((total[1] + passed)) $((total[2] + failed))
           $((total[3] + errors)) $((total[4] + skipped)))
    if [ -n "${VERBOSE:-}" ]; then grep -E '^[0-9]+\) |^(Failed|RetailCrm)' "$work/$class.out" || true; fi
done
printf '%-32s %3d tests: %3d passed, %3d failed, %3d errors, %3d skipped\n' \
    total "${total[@]}"

#!/usr/bin/env bash
# Cold start of HTTPS: the first call of a fresh PHP process and of workers forked from a
# process that loaded the extension (as PHP-FPM forks its workers from its master), against
# later calls, over TLS to a loopback server (openssl s_server) whose test CA is trusted
# through a temporary bundle: SSL_CERT_FILE = a temp copy of the system bundle plus the test
# CA, SSL_CERT_DIR = the system's certificate folder (read as the default store reads it).
# The system trust store itself is not modified. Each mode runs ROUNDS times (default 3).
# Usage: [ROUNDS=3] [SO=path/to/libmodretailcrm.so] benches/tls_first_call.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${SO:-}" ]; then
    cargo build --release --lib --quiet
    SO="$PWD/target/release/libmodretailcrm.so"
fi
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

cd "$work"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=modretailcrm-bench-ca \
    -keyout ca.key -out ca.pem 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > ext.cnf
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 \
    -extfile ext.cnf -out server.pem 2>/dev/null
cat /etc/ssl/certs/ca-certificates.crt ca.pem > bundle.pem
mkdir -p www/api
printf '{"success":true,"versions":["5.0"]}' > www/api/api-versions
port=$(php -r '$s = stream_socket_server("tcp://127.0.0.1:0"); echo explode(":", stream_socket_get_name($s, false))[1];')
(cd www && exec openssl s_server -quiet -WWW -accept "$port" -cert ../server.pem -key ../server.key) &
server=$!
for _ in $(seq 100); do
    php -r 'exit(@fsockopen("127.0.0.1", (int)$argv[1]) ? 0 : 1);' "$port" && break
    sleep 0.05
done
cd - > /dev/null

export SSL_CERT_FILE="$work/bundle.pem" SSL_CERT_DIR=/etc/ssl/certs
url="https://localhost:$port"
echo "HTTPS cold start ($(grep -c 'BEGIN CERT' "$work/bundle.pem") roots in the bundle + $(ls /etc/ssl/certs | wc -l) entries in /etc/ssl/certs; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
printf 'php without the extension: start-up %s ms CPU\n' \
    "$(php -n -r '$u = getrusage(); printf("%.2f", ($u["ru_utime.tv_sec"] + $u["ru_stime.tv_sec"]) * 1000 + ($u["ru_utime.tv_usec"] + $u["ru_stime.tv_usec"]) / 1000);')"
for _ in $(seq "${ROUNDS:-3}"); do
    php -n -d extension="$SO" benches/tls_first_call.php fresh "$url"
    php -n -d extension="$SO" benches/tls_first_call.php fork "$url"
done

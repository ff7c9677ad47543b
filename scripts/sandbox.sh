# Sourced by the scripts that start the CRM sandbox in the background.

# sandbox_url FILE PID: waits (up to 5 s) for the sandbox PID, whose output goes to FILE, to
# say where it listens, and prints that address; fails when it does not start.
sandbox_url() {
    local out=$1 pid=$2 url
    for _ in $(seq 100); do
        url=$(sed -n 's/^listening on //p' "$out")
        if [ -n "$url" ]; then
            echo "$url"
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    echo "the sandbox did not start" >&2
    return 1
}

#!/usr/bin/env bash
# Throughput, latency and peak memory of the release build, measured with wrk on loopback.
# Usage: bench/run.sh [runs] [seconds]   (defaults: 5 runs of 10 s per endpoint; prints a Markdown table of medians)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh  # median, lift_quota_and_find_image, create_servers, wait_until_built
runs="${1:-5}"
seconds="${2:-10}"
command -v wrk > /dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk > /dev/null; }
swift build -c release --product novakit > /dev/null
binary="$PWD/.build/release/novakit"
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$binary" serve --auth noauth2 --port "$port" --identity-port 0 --image-port 0 --admin-password bench --compute-step-delay 10 \
    --database "sqlite://$work/bench.sqlite" --log-level warning > "$work/log" 2>&1 &
pid=$!
trap 'kill $pid 2> /dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/" > /dev/null && break; sleep 0.1; done
project=6f70656e737461636b20342065766572
token="bench:$project"
for i in $(seq 1 20); do
    curl -sf -H "X-Auth-Token: $token" -H 'Content-Type: application/json' -d "{\"name\": \"doc$i\"}" \
        "http://127.0.0.1:$port/v2.1/os-documents" > /dev/null
done
echo "rss_at_start_kb=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)" >&2

# 100 servers (quota raised by the admin), created one after another by curl; the time until all are ACTIVE.
image=$(lift_quota_and_find_image "$port" "$project")
started=$(date +%s.%N)
server=$(create_servers "$port" "$project" "$image" 100)
created=$(date +%s.%N)
wait_until_built "$port" "$project"
active=$(date +%s.%N)
echo "100 server creates: $(awk -v a="$started" -v b="$created" 'BEGIN {printf "%.2f", b - a}') s; all ACTIVE after $(awk -v a="$started" -v b="$active" 'BEGIN {printf "%.2f", b - a}') s" >&2

for i in 1 2 3; do
    curl -sf -H "X-Auth-Token: $token" -H 'Content-Type: application/json' -d "{\"keypair\": {\"name\": \"key$i\"}}" \
        "http://127.0.0.1:$port/v2.1/os-keypairs" > /dev/null
done

# One wrk run: "<requests/s> <p99 ms>".
measure() {
    local out p99
    out=$(wrk -t2 -c"$2" -d"${seconds}s" --latency -H "X-Auth-Token: $token" "http://127.0.0.1:$port$1")
    p99=$(awk '$1 == "99%" {print $2}' <<< "$out")
    case "$p99" in
        *us) p99=$(awk -v v="${p99%us}" 'BEGIN {print v / 1000}') ;;
        *ms) p99=${p99%ms} ;;
        *s) p99=$(awk -v v="${p99%s}" 'BEGIN {print v * 1000}') ;;
    esac
    echo "$(awk '/Requests\/sec/ {print $2}' <<< "$out") $p99"
}

paths=("/" "/v2.1/$project/os-documents" "/v2.1/$project/flavors/detail" "/v2.1/$project/os-keypairs" "/v2.1/$project/os-documents/7"
    "/v2.1/$project/servers/$server" "/v2.1/$project/servers?limit=100" "/v2.1/$project/servers/detail?limit=100")
# Paths whose p99 the scale issue also wants at 64 connections.
wide=("/" "/v2.1/$project/flavors/detail" "/v2.1/$project/os-keypairs" "/v2.1/$project/servers/$server")
declare -A rates p99s ratios wide_p99s
# Each run measures every endpoint once, so a run's ratio to GET / compares figures taken minutes apart at most.
for _ in $(seq 1 "$runs"); do
    root=""
    for path in "${paths[@]}"; do
        read -r rate p99 <<< "$(measure "$path" 32)"
        root=${root:-$rate}
        rates[$path]+="$rate "
        p99s[$path]+="$p99 "
        ratios[$path]+="$(awk -v a="$rate" -v b="$root" 'BEGIN {printf "%.3f", a / b}') "
    done
    for path in "${wide[@]}"; do
        read -r _ p99 <<< "$(measure "$path" 64)"
        wide_p99s[$path]+="$p99 "
    done
done

echo "| endpoint | requests/s (median of $runs, 32 connections) | ratio to GET / (median) | p99 ms at 32 | p99 ms at 64 |"
echo "|---|---|---|---|---|"
for path in "${paths[@]}"; do
    shown=${path/$project/\{project\}}
    wide_p99="-"
    [ -n "${wide_p99s[$path]:-}" ] && wide_p99=$(tr ' ' '\n' <<< "${wide_p99s[$path]}" | grep . | median)
    echo "| GET ${shown/$server/\{server\}} | $(tr ' ' '\n' <<< "${rates[$path]}" | grep . | median) |" \
        "$(tr ' ' '\n' <<< "${ratios[$path]}" | grep . | median) | $(tr ' ' '\n' <<< "${p99s[$path]}" | grep . | median) | $wide_p99 |"
done
echo
echo "peak RSS after the runs: $(awk '/VmHWM/ {print $2}' /proc/$pid/status) kB"

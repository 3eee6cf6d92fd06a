#!/usr/bin/env bash
# Two builds side by side: the same seeded SQLite file (100 ACTIVE servers, made through the API by the first
# binary), each binary started on a fresh copy of it in turn, `runs` rounds of A, B then B, A, …, each
# round measuring `GET /` then every path with `wrk -t2 -c32`. Prints each path's median requests/s and median
# ratio to the same round's `GET /` for both, so a change is judged against its parent on the same machine minutes
# apart rather than against figures from another day.
# Usage: bench/compare.sh BINARY_A BINARY_B [runs] [seconds] [path …]   (paths default to the two server lists;
# `{project}` in a path is the bench project, `{server}` the last server created). BENCH_METADATA=N gives every
# server N metadata items and a tag (none by default, as `bench/run.sh`).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
a=$1 b=$2
runs="${3:-3}"
seconds="${4:-5}"
shift $(($# < 4 ? $# : 4))
project=6f70656e737461636b20342065766572
paths=("$@")
[ ${#paths[@]} -gt 0 ] || paths=("/v2.1/{project}/servers?limit=100" "/v2.1/{project}/servers/detail?limit=100")
command -v wrk > /dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk > /dev/null; }
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2> /dev/null; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

start() {  # start BINARY DATABASE_FILE [serve options…]
    "$1" serve "${@:3}" --auth noauth2 --port "$port" --identity-port 0 --image-port 0 --network-port 0 --metrics-port 0 \
        --compute-step-delay 10 --database "sqlite://$2" --log-level warning > "$work/log" 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/" > /dev/null && return; sleep 0.1; done
    echo "$1 did not start" >&2; cat "$work/log" >&2; exit 1
}
stop() { kill "$pid"; wait "$pid" 2> /dev/null || true; pid=""; }

# The seed: 100 servers through the API (quota lifted), none left building, then the server stopped (its WAL checkpointed).
start "$a" "$work/seed.sqlite" --admin-password bench  # bootstrapped: flavors and the cirros image
token="bench:$project"
image=$(lift_quota_and_find_image "$port" "$project")
server=$(create_servers "$port" "$project" "$image" 100)
wait_until_built "$port" "$project"
add_metadata "$port" "$project" "${BENCH_METADATA:-0}"
stop

rate() { wrk -t2 -c32 -d"${seconds}s" -H "X-Auth-Token: $token" "http://127.0.0.1:$port$1" | awk '/Requests\/sec/ {print $2}'; }
declare -A rates ratios
for round in $(seq 1 "$runs"); do
    # A, B in odd rounds and B, A in even ones: whichever ran first in a round measured a few percent better.
    order=("$a" "$b")
    [ $((round % 2)) -eq 0 ] && order=("$b" "$a")
    for binary in "${order[@]}"; do
        rm -f "$work/run.sqlite"*
        cp "$work/seed.sqlite" "$work/run.sqlite"
        start "$binary" "$work/run.sqlite"
        root=$(rate /)
        rates[$binary,/]+="$root "
        for path in "${paths[@]}"; do
            resolved=${path/\{project\}/$project}
            r=$(rate "${resolved/\{server\}/$server}")
            rates[$binary,$path]+="$r "
            ratios[$binary,$path]+="$(awk -v x="$r" -v y="$root" 'BEGIN {printf "%.4f", x / y}') "
        done
        stop
    done
done

echo "| path | A req/s | A ratio to GET / | B req/s | B ratio to GET / | B/A (ratios) |"
echo "|---|---|---|---|---|---|"
m() { tr ' ' '\n' <<< "$1" | grep . | median; }
echo "| GET / | $(m "${rates[$a,/]}") | 1 | $(m "${rates[$b,/]}") | 1 | - |"
for path in "${paths[@]}"; do
    ra=$(m "${ratios[$a,$path]}") rb=$(m "${ratios[$b,$path]}")
    echo "| GET $path | $(m "${rates[$a,$path]}") | $ra | $(m "${rates[$b,$path]}") | $rb | $(awk -v x="$rb" -v y="$ra" 'BEGIN {printf "%.2f", x / y}') |"
done

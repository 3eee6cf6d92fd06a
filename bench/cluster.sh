#!/usr/bin/env bash
# Reads and creates through HAProxy with 1, 2 and 3 NovaKit nodes on one PostgreSQL database
# (scripts/cluster.sh), and with 3 API nodes that hand their work to 2 compute workers (`--role`), release
# build, measured with wrk on loopback.
# Usage: bench/cluster.sh [runs] [seconds]   (defaults: 3 runs of 5 s per endpoint and node count; prints a
# Markdown table of medians). Needs PostgreSQL, HAProxy and wrk (apt-get install postgresql haproxy wrk).
# BENCH_POSTGRES_URL: a database of the server the role may create databases in (default
# postgres://novakit:novakit@127.0.0.1:5432/postgres); each layout gets a fresh database, dropped after.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
seconds="${2:-5}"
admin_url="${BENCH_POSTGRES_URL:-postgres://novakit:novakit@127.0.0.1:5432/postgres}"
command -v wrk > /dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk > /dev/null; }
swift build -c release --product novakit > /dev/null
export NOVAKIT_BIN="$PWD/.build/release/novakit"
work=$(mktemp -d)
read -r compute identity image network stats <<< "18774 15000 19292 19696 18404"
export CLUSTER_PORTS="$compute $identity $image $network $stats"
export CLUSTER_SERVE_ARGS="--log-level warning --compute-step-delay 10"
export CLUSTER_ADMIN_PASSWORD=bench-Pw-123
base="http://127.0.0.1:$compute"
database=""
cleanup() {
    scripts/cluster.sh stop 2> /dev/null || true
    [ -n "$database" ] && psql "$admin_url" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" > /dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

. bench/lib.sh  # median

# One wrk run: "<requests/s> <non-2xx responses>"; extra arguments go to wrk (a Lua script for creates).
measure() {
    local path=$1 connections=$2 out
    shift 2
    out=$(wrk -t2 -c"$connections" -d"${seconds}s" -H "X-Auth-Token: $token" "$@" "$base$path")
    echo "$(awk '/Requests\/sec/ {print $2}' <<< "$out") $(awk '/Non-2xx/ {print $NF}' <<< "$out" | grep . || echo 0)"
}

wait_until_built() {
    until [ "$(curl -sf -H "X-Auth-Token: $token" "$base/v2.1/servers?status=BUILD&limit=1" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["servers"]))')" = 0 ]; do
        sleep 0.2
    done
}

paths=("/" "/v2.1/flavors/detail" "/v2.1/servers/detail?limit=100")
declare -A rates ratios failures
# Layouts as "nodes behind HAProxy:compute workers" (with workers, the nodes run --role api).
layouts=(1:0 2:0 3:0 3:2)
for layout in "${layouts[@]}"; do
    nodes=$layout
    database="novakit_bench_${layout%:*}_${layout#*:}_$RANDOM$RANDOM"
    psql "$admin_url" -qc "CREATE DATABASE $database" > /dev/null
    export CLUSTER_DATABASE="${admin_url%/*}/$database" CLUSTER_DIR="$work/cluster${layout/:/-}" CLUSTER_NODES=${layout%:*}
    export CLUSTER_WORKERS=${layout#*:}
    scripts/cluster.sh start 2> /dev/null
    token=$(curl -sf -D - -o /dev/null -H 'Content-Type: application/json' \
        -d "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": \"admin\", \"domain\": {\"id\": \"default\"}, \"password\": \"$CLUSTER_ADMIN_PASSWORD\"}}}, \"scope\": {\"project\": {\"name\": \"admin\", \"domain\": {\"id\": \"default\"}}}}}" \
        "http://127.0.0.1:$identity/v3/auth/tokens" | awk 'tolower($1) == "x-subject-token:" {print $2}' | tr -d '\r')
    project=$(curl -sf -H "X-Auth-Token: $token" -H "X-Subject-Token: $token" "http://127.0.0.1:$identity/v3/auth/tokens" \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"]["project"]["id"])')
    curl -sf -X PUT -H "X-Auth-Token: $token" -H 'Content-Type: application/json' \
        -d '{"quota_set": {"instances": -1, "cores": -1, "ram": -1}}' "$base/v2.1/os-quota-sets/$project" > /dev/null
    image=$(curl -sf -H "X-Auth-Token: $token" "$base/v2.1/images" | python3 -c 'import json, sys; print(json.load(sys.stdin)["images"][0]["id"])')
    body="{\"server\": {\"name\": \"bench\", \"imageRef\": \"$image\", \"flavorRef\": \"1\", \"networks\": \"none\"}}"
    for _ in $(seq 1 100); do
        curl -sf -H "X-Auth-Token: $token" -H 'Content-Type: application/json' -H 'OpenStack-API-Version: compute 2.37' \
            -d "$body" "$base/v2.1/servers" > /dev/null
    done
    wait_until_built
    cat > "$work/create.lua" << EOF
wrk.method = "POST"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["OpenStack-API-Version"] = "compute 2.37"
EOF
    for _ in $(seq 1 "$runs"); do
        root=""
        for path in "${paths[@]}"; do
            read -r rate failed <<< "$(measure "$path" 32)"
            root=${root:-$rate}
            rates[$nodes $path]+="$rate "
            ratios[$nodes $path]+="$(awk -v a="$rate" -v b="$root" 'BEGIN {printf "%.3f", a / b}') "
            failures[$nodes $path]=$(( ${failures[$nodes $path]:-0} + failed ))
        done
        read -r rate failed <<< "$(measure /v2.1/servers 8 -s "$work/create.lua")"
        rates[$nodes create]+="$rate "
        ratios[$nodes create]+="$(awk -v a="$rate" -v b="$root" 'BEGIN {printf "%.3f", a / b}') "
        failures[$nodes create]=$(( ${failures[$nodes create]:-0} + failed ))
        wait_until_built  # the builds the creates started end before the next reads
    done
    echo "$CLUSTER_NODES node(s), $CLUSTER_WORKERS worker(s): $(psql "$CLUSTER_DATABASE" -Atc 'SELECT COUNT(*) FROM instances WHERE deleted = 0') servers at the end" >&2
    scripts/cluster.sh stop
    psql "$admin_url" -qc "DROP DATABASE $database WITH (FORCE)" > /dev/null
    database=""
done

echo "| request | 1 node: req/s | ratio | 2 nodes: req/s | ratio | 3 nodes: req/s | ratio | 3 api + 2 compute: req/s | ratio | non-2xx |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for path in "${paths[@]}" create; do
    line="| $([ "$path" = create ] && echo "POST /v2.1/servers (8 connections)" || echo "GET $path") |"
    failed=0
    for nodes in "${layouts[@]}"; do
        line+=" $(tr ' ' '\n' <<< "${rates[$nodes $path]}" | grep . | median) | $(tr ' ' '\n' <<< "${ratios[$nodes $path]}" | grep . | median) |"
        failed=$((failed + ${failures[$nodes $path]}))
    done
    echo "$line $failed |"
done

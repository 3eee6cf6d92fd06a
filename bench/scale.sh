#!/usr/bin/env bash
# Servers at scale: list pages, a marker page from the middle, one server, one create and peak memory with
# N servers in a project (and as many in another), for each N given.
# Usage: bench/scale.sh [runs] [seconds] [N ...]   (defaults: 3 runs of 10 s; N = 1000 10000 100000)
# The first 100 servers are created through the API; the rest are copies of their rows written straight
# into the SQLite file while NovaKit is stopped (new uuids, names and creation times), as an operator
# would load a snapshot. Prints one Markdown table row per N; every rate also as a ratio to GET / measured
# in the same run, since the machines are shared and absolute figures drift.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
seconds="${2:-10}"
shift $(( $# < 2 ? $# : 2 ))
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
command -v wrk > /dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk > /dev/null; }
swift build -c release --product novakit > /dev/null 2>&1
binary="$PWD/.build/release/novakit"
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill $pid 2> /dev/null; rm -rf "$work"' EXIT
project=6f70656e737461636b20342065766572
other=0123456789abcdef0123456789abcdef
token="bench:$project"

start() {
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$binary" serve --auth noauth2 --port "$port" --identity-port 0 --image-port 0 --admin-password bench --compute-step-delay 10 \
        --database "sqlite://$1" --log-level warning >> "$work/log" 2>&1 &
    pid=$!
    for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/" > /dev/null && return; sleep 0.1; done
    echo "NovaKit did not start:" >&2; cat "$work/log" >&2; exit 1
}

stop() { kill "$pid"; wait "$pid" 2> /dev/null || true; pid=""; }

api() { curl -sf -H "X-Auth-Token: ${TOKEN:-$token}" -H 'Content-Type: application/json' "$@"; }

. bench/lib.sh  # median

# Median requests/s and median p99 latency (ms) of `runs` wrk runs against a path, as "rate p99".
rate() {
    local rates=() p99s=() out p
    for _ in $(seq 1 "$runs"); do
        out=$(wrk -t2 -c32 -d"${seconds}s" --latency -H "X-Auth-Token: $token" "http://127.0.0.1:$port$1")
        rates+=("$(awk '/Requests\/sec/ {print $2}' <<< "$out")")
        p=$(awk '$1 == "99%" {print $2}' <<< "$out")
        case "$p" in
            *us) p99s+=("$(awk -v v="${p%us}" 'BEGIN {print v / 1000}')") ;;
            *ms) p99s+=("${p%ms}") ;;
            *s) p99s+=("$(awk -v v="${p%s}" 'BEGIN {print v * 1000}')") ;;
        esac
    done
    echo "$(printf '%s\n' "${rates[@]}" | median) $(printf '%s\n' "${p99s[@]}" | median)"
}

# Copies the live API-created rows of `instances` until the first project holds $2 servers and the second
# as many; every copy gets a new uuid, name and an earlier creation time. Prints the uuid in the middle of
# the first project's list (newest first).
seed() {
    python3 - "$1" "$2" "$project" "$other" << 'PY'
import sqlite3, sys, uuid
path, total, project, other = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
db = sqlite3.connect(path)
columns = [row[1] for row in db.execute("PRAGMA table_info(instances)") if row[1] != "id"]
templates = db.execute(f"SELECT {', '.join(columns)} FROM instances WHERE deleted = 0 ORDER BY id").fetchall()
oldest = min(row[columns.index("created_at")] for row in templates)
at = {name: columns.index(name) for name in ("uuid", "display_name", "hostname", "project_id", "created_at")}
middle = None
def copies(owner, count, offset):
    global middle
    for i in range(count):
        row = list(templates[i % len(templates)])
        row[at["uuid"]] = str(uuid.uuid4())
        if owner == project and i == total // 2 - len(templates):
            middle = row[at["uuid"]]
        row[at["display_name"]] = row[at["hostname"]] = f"bulk-{offset + i}"
        row[at["project_id"]] = owner
        row[at["created_at"]] = oldest - (offset + i + 1) * 0.001
        yield row
insert = f"INSERT INTO instances ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
with db:
    db.executemany(insert, copies(project, total - len(templates), 0))
    db.executemany(insert, copies(other, total, total))
db.close()
print(middle)
PY
}

echo "| servers in the project (+ as many elsewhere) | GET / req/s | servers/detail?limit=100 req/s (ratio) p99 ms | servers?limit=100 req/s (ratio) p99 ms | middle marker page, detail req/s (ratio) | GET one server req/s (ratio) p99 ms | one create p50 ms (of 20) | peak RSS MB |"
echo "|---|---|---|---|---|---|---|---|"
for n in "${sizes[@]}"; do
    database="$work/scale-$n.sqlite"
    start "$database"
    TOKEN="admin:$project" api -X PUT -d '{"quota_set": {"instances": -1, "cores": -1, "ram": -1}}' \
        "http://127.0.0.1:$port/v2.1/os-quota-sets/$project" > /dev/null
    image=$(api "http://127.0.0.1:$port/v2.1/images" | python3 -c 'import json, sys; print(json.load(sys.stdin)["images"][0]["id"])')
    for i in $(seq 1 100); do
        api -d "{\"server\": {\"name\": \"vm$i\", \"imageRef\": \"$image\", \"flavorRef\": \"1\", \"networks\": \"auto\"}}" \
            -H 'OpenStack-API-Version: compute 2.37' "http://127.0.0.1:$port/v2.1/servers" > /dev/null
    done
    until [ "$(api "http://127.0.0.1:$port/v2.1/servers?status=BUILD" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["servers"]))')" = 0 ]; do
        sleep 0.1
    done
    stop
    middle=$(seed "$database" "$n")
    start "$database"
    server=$(api "http://127.0.0.1:$port/v2.1/servers?limit=1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["servers"][0]["id"])')
    read -r root _ <<< "$(rate "/")"
    read -r detail detail_p99 <<< "$(rate "/v2.1/$project/servers/detail?limit=100")"
    read -r summary summary_p99 <<< "$(rate "/v2.1/$project/servers?limit=100")"
    read -r marker _ <<< "$(rate "/v2.1/$project/servers/detail?limit=100&marker=$middle")"
    read -r one one_p99 <<< "$(rate "/v2.1/$project/servers/$server")"
    creates=()
    for i in $(seq 1 20); do
        creates+=("$(api -o /dev/null -w '%{time_total}' -d "{\"server\": {\"name\": \"timed$i\", \"imageRef\": \"$image\", \"flavorRef\": \"1\", \"networks\": \"auto\"}}" \
            -H 'OpenStack-API-Version: compute 2.37' "http://127.0.0.1:$port/v2.1/servers" | awk '{print $1 * 1000}')")
    done
    create=$(printf '%s\n' "${creates[@]}" | median)
    rss=$(awk '/VmHWM/ {printf "%d", $2 / 1024}' "/proc/$pid/status")
    ratio() { awk -v a="$1" -v b="$root" 'BEGIN {printf "%.3f", a / b}'; }
    echo "| $n | $root | $detail ($(ratio "$detail")) $detail_p99 | $summary ($(ratio "$summary")) $summary_p99 | $marker ($(ratio "$marker")) | $one ($(ratio "$one")) $one_p99 | $create | $rss |"
    stop
    rm -f "$database" "$database-wal" "$database-shm"
done

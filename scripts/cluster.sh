#!/usr/bin/env bash
# Several NovaKit nodes on one PostgreSQL database behind HAProxy, on one machine: the layout of a
# multi-node deployment (docs/deployment.md), which an operator spreads over machines.
#
#   scripts/cluster.sh start             migrate and bootstrap the database, start the nodes, then HAProxy
#   scripts/cluster.sh rolling-restart   restart the nodes one at a time, each drained first, then the workers
#   scripts/cluster.sh restart-node N    drain and restart node N (1-based)
#   scripts/cluster.sh status            HAProxy's view of every node on every API, and the workers' health
#   scripts/cluster.sh stop              stop HAProxy, the nodes and the workers
#
# Needs PostgreSQL (a database URL; the database is created when missing) and HAProxy
# (`apt-get install haproxy`). Settings, from the environment:
#   CLUSTER_DATABASE        postgres://user:pw@host:port/name   (default postgres://novakit:novakit@127.0.0.1:5432/novakit)
#   CLUSTER_DIR             state: configuration, logs, pid and drain files   (default .cluster)
#   CLUSTER_NODES           number of nodes behind HAProxy   (default 3)
#   CLUSTER_WORKERS         number of compute workers (`--role compute`) beside them; when not 0 the nodes run
#                           `--role api` and leave all server work to the workers   (default 0: nodes run it all)
#   CLUSTER_HOST            address HAProxy and the nodes listen on   (default 127.0.0.1)
#   CLUSTER_PORTS           HAProxy's ports: compute identity image network stats   (default "8774 5000 9292 9696 8404")
#   CLUSTER_NODE_PORTS      each node's compute identity image network metrics ports, node after node
#                           (default: node N uses 20000 + 10·N and the four ports after it)
#   CLUSTER_WORKER_PORTS    each worker's health-check and metrics ports   (default: worker N uses 21000 + 10·N and the next)
#   CLUSTER_ADMIN_PASSWORD  the bootstrap admin's password   (default: admin-Pw-123)
#   CLUSTER_SERVE_ARGS      more `novakit serve` options for every node (e.g. "--lease-seconds 5")
#   NOVAKIT_BIN             the binary   (default .build/debug/novakit, else novakit on the PATH)
set -euo pipefail
cd "$(dirname "$0")/.."

database="${CLUSTER_DATABASE:-postgres://novakit:novakit@127.0.0.1:5432/novakit}"
dir="${CLUSTER_DIR:-.cluster}"
nodes="${CLUSTER_NODES:-3}"
workers="${CLUSTER_WORKERS:-0}"
node_role=all
[ "$workers" -eq 0 ] || node_role=api
host="${CLUSTER_HOST:-127.0.0.1}"
read -r front_compute front_identity front_image front_network front_stats <<< "${CLUSTER_PORTS:-8774 5000 9292 9696 8404}"
admin_password="${CLUSTER_ADMIN_PASSWORD:-admin-Pw-123}"
if [ -n "${NOVAKIT_BIN:-}" ]; then
    binary="$NOVAKIT_BIN"
elif [ -x .build/debug/novakit ]; then
    binary="$PWD/.build/debug/novakit"
else
    binary="$(command -v novakit)"
fi
apis=(compute identity image network)
# How often HAProxy checks each node, and how many checks in a row mark it down or up.
check_interval_ms=200
fall=2
rise=2

# port_in LIST PER BASE N K: the K-th of the PER ports of entry N (1-based) in LIST (space-separated), or
# BASE + 10·N + K when LIST is empty.
port_in() {
    if [ -n "$1" ]; then
        local ports
        read -r -a ports <<< "$1"
        echo "${ports[$(( ($4 - 1) * $2 + $5 ))]}"
    else
        echo $(( $3 + 10 * $4 + $5 ))
    fi
}

# node_port N K: node N's port for listener K (0 compute, 1 identity, 2 image, 3 network, 4 metrics).
node_port() { port_in "${CLUSTER_NODE_PORTS:-}" 5 20000 "$1" "$2"; }

# worker_port N K: worker N's port for K (0 health check, 1 metrics).
worker_port() { port_in "${CLUSTER_WORKER_PORTS:-}" 2 21000 "$1" "$2"; }

log() { echo "cluster: $*" >&2; }

write_haproxy_config() {
    local index api port
    {
        cat << EOF
global
    maxconn 4096
    pidfile $dir/haproxy.pid

defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    # A check waits this long for its answer (without it, HAProxy waits only the check interval, and a node
    # busy for 200 ms would be marked down).
    timeout check 3s
    # A request that could not reach a node (it stopped meanwhile) goes to another one: nothing was sent, so
    # this is safe for POST too.
    retries 3
    option redispatch
    # One request per connection to a node: no idle connection a stopping node could close under a request.
    option http-server-close
    default-server inter ${check_interval_ms}ms fall $fall rise $rise

listen stats
    bind $host:$front_stats
    stats enable
    stats uri /stats
EOF
        index=0
        for api in "${apis[@]}"; do
            case $api in
                compute) port=$front_compute ;;
                identity) port=$front_identity ;;
                image) port=$front_image ;;
                network) port=$front_network ;;
            esac
            echo
            echo "frontend $api"
            echo "    bind $host:$port"
            echo "    default_backend ${api}_nodes"
            echo
            echo "backend ${api}_nodes"
            echo "    balance roundrobin"
            echo "    option httpchk GET /healthcheck"
            echo "    http-check expect status 200"
            for n in $(seq 1 "$nodes"); do
                echo "    server node$n $host:$(node_port "$n" "$index") check"
            done
            index=$((index + 1))
        done
    } > "$dir/haproxy.cfg"
}

# The stats line fields of node N in every backend: "status current-sessions" per API.
node_stats() {
    curl -fsS --max-time 2 "http://$host:$front_stats/stats;csv" | awk -F, -v node="node$1" '$2 == node { print $18, $5 }'
}

# wait_for_balancer N up|down: until HAProxy sees node N up on every API, or down with no request in flight.
# Each probe gives up after 2 s and the wait after 30 s in all, so a probe that hangs is asked again instead
# of holding the restart (and the test around it) until its timeout.
wait_for_balancer() {
    local n=$1 wanted=$2 lines deadline=$((SECONDS + 30))
    while [ "$SECONDS" -lt "$deadline" ]; do
        lines=$(node_stats "$n" || true)  # not answering yet: ask again
        if [ "$(echo "$lines" | wc -l)" -eq "${#apis[@]}" ]; then
            if [ "$wanted" = up ] && ! echo "$lines" | grep -qv '^UP '; then return 0; fi
            if [ "$wanted" = down ] && ! echo "$lines" | grep -qv '^DOWN 0$'; then return 0; fi
        fi
        sleep 0.1
    done
    log "HAProxy did not see node $n $wanted within 30 s: $lines"
    return 1
}

start_node() {
    local n=$1
    local compute identity image network metrics
    compute=$(node_port "$n" 0) identity=$(node_port "$n" 1) image=$(node_port "$n" 2)
    network=$(node_port "$n" 3) metrics=$(node_port "$n" 4)
    # shellcheck disable=SC2086  # CLUSTER_SERVE_ARGS is a list of options
    "$binary" serve --role "$node_role" --database "$database" --auth keystone --host "$host" --port "$compute" \
        --identity-port "$identity" --image-port "$image" --network-port "$network" --metrics-port "$metrics" \
        --healthcheck-disable-file "$dir/node$n.drain" --image-dir "$dir/images" \
        ${CLUSTER_SERVE_ARGS:-} >> "$dir/node$n.log" 2>&1 &
    echo $! > "$dir/node$n.pid"
    wait_healthy "node $n" "$compute" "$dir/node$n"
}

# A compute worker: no API, only its health check (on its own port) and metrics.
start_worker() {
    local n=$1 health metrics
    health=$(worker_port "$n" 0) metrics=$(worker_port "$n" 1)
    # shellcheck disable=SC2086  # CLUSTER_SERVE_ARGS is a list of options
    "$binary" serve --role compute --database "$database" --host "$host" --port "$health" --metrics-port "$metrics" \
        ${CLUSTER_SERVE_ARGS:-} >> "$dir/worker$n.log" 2>&1 &
    echo $! > "$dir/worker$n.pid"
    wait_healthy "worker $n" "$health" "$dir/worker$n"
}

# wait_healthy NAME PORT STATE: until the process (STATE.pid, STATE.log) answers its health check.
wait_healthy() {
    local name=$1 port=$2 state=$3 deadline=$((SECONDS + 30))
    while [ "$SECONDS" -lt "$deadline" ]; do
        if curl -fsS --max-time 2 -o /dev/null "http://$host:$port/healthcheck"; then return 0; fi
        if ! kill -0 "$(cat "$state.pid")" 2> /dev/null; then
            log "$name exited; its log:"
            tail -20 "$state.log" >&2
            return 1
        fi
        sleep 0.1
    done
    log "$name did not answer within 30 s"
    return 1
}

# stop_pid FILE: SIGTERM, then wait for the process to end (its in-flight work finishes first).
stop_pid() {
    local file=$1 pid
    [ -f "$file" ] || return 0
    pid=$(cat "$file")
    if kill -TERM "$pid" 2> /dev/null; then
        for _ in $(seq 1 600); do
            kill -0 "$pid" 2> /dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2> /dev/null; then
            log "process $pid did not stop within 60 s; killing it"
            kill -KILL "$pid" 2> /dev/null || true
        fi
    fi
    rm -f "$file"
}

# A worker takes no requests: stopping it (SIGTERM) lets its work finish, and the others take new work meanwhile.
restart_worker() {
    local n=$1
    log "stopping worker $n"
    stop_pid "$dir/worker$n.pid"
    log "starting worker $n"
    start_worker "$n"
    log "worker $n is back"
}

restart_node() {
    local n=$1
    log "draining node $n"
    touch "$dir/node$n.drain"
    wait_for_balancer "$n" down
    log "stopping node $n"
    stop_pid "$dir/node$n.pid"
    rm -f "$dir/node$n.drain"
    log "starting node $n"
    start_node "$n"
    wait_for_balancer "$n" up
    log "node $n is back"
}

case "${1:-}" in
    start)
        command -v haproxy > /dev/null || { log "HAProxy is not installed (apt-get install haproxy)"; exit 1; }
        mkdir -p "$dir/images"
        name="${database##*/}"
        if ! psql "$database" -qAtc "SELECT 1" > /dev/null 2>&1; then
            log "creating database $name"
            psql "${database%/*}/postgres" -qc "CREATE DATABASE $name"
        fi
        "$binary" db sync --database "$database" > /dev/null
        # The catalog names HAProxy's ports, which clients reach; the nodes' own ports stay behind it.
        "$binary" bootstrap --database "$database" --admin-password "$admin_password" --public-url "http://$host" \
            --port "$front_compute" --identity-port "$front_identity" --image-port "$front_image" \
            --network-port "$front_network" > /dev/null
        for n in $(seq 1 "$nodes"); do
            rm -f "$dir/node$n.drain"
            start_node "$n"
        done
        write_haproxy_config
        haproxy -f "$dir/haproxy.cfg" -D
        for n in $(seq 1 "$nodes"); do wait_for_balancer "$n" up; done
        for n in $(seq 1 "$workers"); do start_worker "$n"; done
        log "$nodes nodes (role $node_role) behind HAProxy and $workers compute workers: compute http://$host:$front_compute/v2.1, identity http://$host:$front_identity/v3, stats http://$host:$front_stats/stats"
        ;;
    rolling-restart)
        for n in $(seq 1 "$nodes"); do restart_node "$n"; done
        for n in $(seq 1 "$workers"); do restart_worker "$n"; done
        ;;
    restart-node)
        restart_node "${2:?restart-node needs a node number}"
        ;;
    status)
        for n in $(seq 1 "$nodes"); do echo "node$n: $(node_stats "$n" | awk '{ print $1 }' | paste -sd' ')"; done
        for n in $(seq 1 "$workers"); do
            health=$(curl -sS --max-time 2 "http://$host:$(worker_port "$n" 0)/healthcheck" 2>&1 || true)
            echo "worker$n: $health"
        done
        ;;
    stop)
        stop_pid "$dir/haproxy.pid"
        for n in $(seq 1 "$nodes"); do stop_pid "$dir/node$n.pid"; done
        for n in $(seq 1 "$workers"); do stop_pid "$dir/worker$n.pid"; done
        ;;
    *)
        sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'
        exit 2
        ;;
esac

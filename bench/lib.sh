# Shared by the bench scripts (sourced).

# The median of the numbers on standard input, one per line.
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# The bench project's quotas lifted by its admin on the compute API at 127.0.0.1:PORT; prints the id of the
# bootstrap image to boot from.   Usage: image=$(lift_quota_and_find_image PORT PROJECT)
lift_quota_and_find_image() {
    local port=$1 project=$2
    curl -sf -X PUT -H "X-Auth-Token: admin:$project" -H 'Content-Type: application/json' \
        -d '{"quota_set": {"instances": -1, "cores": -1, "ram": -1}}' "http://127.0.0.1:$port/v2.1/os-quota-sets/$project" > /dev/null
    curl -sf -H "X-Auth-Token: bench:$project" "http://127.0.0.1:$port/v2.1/images" \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["images"][0]["id"])'
}

# COUNT servers vm1…vmCOUNT created one after another through the API (noauth2 token of the bench project);
# prints the last one's id.   Usage: server=$(create_servers PORT PROJECT IMAGE COUNT)
create_servers() {
    local port=$1 project=$2 image=$3 count=$4 server=""
    for i in $(seq 1 "$count"); do
        server=$(curl -sf -H "X-Auth-Token: bench:$project" -H 'Content-Type: application/json' -H 'OpenStack-API-Version: compute 2.37' \
            -d "{\"server\": {\"name\": \"vm$i\", \"imageRef\": \"$image\", \"flavorRef\": \"1\", \"networks\": \"auto\"}}" \
            "http://127.0.0.1:$port/v2.1/servers" | sed 's/.*"id":"\([^"]*\)".*/\1/')
    done
    echo "$server"
}

# Returns once none of the project's servers is building.   Usage: wait_until_built PORT PROJECT
wait_until_built() {
    local port=$1 project=$2
    until [ "$(curl -sf -H "X-Auth-Token: bench:$project" "http://127.0.0.1:$port/v2.1/servers?status=BUILD" \
        | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["servers"]))')" = 0 ]; do
        sleep 0.05
    done
}

# Gives each of the project's servers COUNT metadata items (key1=value1 …) and the tag "bench", through the API.
# Usage: add_metadata PORT PROJECT COUNT
add_metadata() {
    local port=$1 project=$2 count=$3 body
    [ "$count" -gt 0 ] || return 0
    body=$(python3 -c "import json, sys; n = int(sys.argv[1]); print(json.dumps({'metadata': {f'key{i}': f'value{i}' for i in range(1, n + 1)}}))" "$count")
    for server in $(curl -sf -H "X-Auth-Token: bench:$project" "http://127.0.0.1:$port/v2.1/servers?limit=1000" \
        | python3 -c 'import json, sys; print(" ".join(s["id"] for s in json.load(sys.stdin)["servers"]))'); do
        curl -sf -o /dev/null -H "X-Auth-Token: bench:$project" -H 'Content-Type: application/json' -d "$body" \
            "http://127.0.0.1:$port/v2.1/servers/$server/metadata"
        curl -sf -o /dev/null -X PUT -H "X-Auth-Token: bench:$project" -H 'OpenStack-API-Version: compute 2.26' \
            "http://127.0.0.1:$port/v2.1/servers/$server/tags/bench"
    done
}

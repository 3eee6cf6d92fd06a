#!/usr/bin/env bash
# Fuzzes the running binary with schemathesis from the OpenAPI documents it serves: the compute API at 2.1
# (what a request without a version header gets) and at its newest microversion, the identity and image APIs, each
# with a real admin token from NovaKit's identity service and a bounded number of examples per operation.
# Checks: no 5xx, every status documented, every response of the documented content type and shape.
# Each document is first validated with openapi-spec-validator. Prints schemathesis' summary (operations, test
# cases, failures) for each document; fails on any failure.
# The tools live in their own virtualenv, .venv-fuzz: their dependencies switch on jsonschema's strict format
# checks, which would change how tempest's schemas judge responses in .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
if [ ! -x .venv-fuzz/bin/python ]; then
    python3 -m venv .venv-fuzz
fi
.venv-fuzz/bin/pip install --quiet --disable-pip-version-check schemathesis openapi-spec-validator
binary="${NOVAKIT_BIN:-$root/.build/debug/novakit}"
examples="${FUZZ_EXAMPLES:-25}"

work="$root/.fuzz"
rm -rf "$work"
mkdir -p "$work"
read -r compute_port identity_port image_port network_port metrics_port < <(.venv-fuzz/bin/python scripts/free_ports.py 5)
password="fuzz-admin-pw"
"$binary" serve --database "sqlite://$work/novakit.sqlite" --port "$compute_port" --identity-port "$identity_port" \
    --image-port "$image_port" --network-port "$network_port" --metrics-port "$metrics_port" --admin-password "$password" \
    --compute-step-delay 5 --password-hash-rounds 4 --log-level warning > "$work/novakit.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2> /dev/null || true; wait "$server_pid" 2> /dev/null || true' EXIT
for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$identity_port/v3" > /dev/null 2>&1 && curl -fs "http://127.0.0.1:$compute_port/" > /dev/null 2>&1 && break
    sleep 0.1
done

token() {
    curl -fsi -H 'Content-Type: application/json' "http://127.0.0.1:$identity_port/v3/auth/tokens" -d "{\"auth\": {\"identity\": {
        \"methods\": [\"password\"], \"password\": {\"user\": {\"name\": \"admin\", \"domain\": {\"id\": \"default\"},
        \"password\": \"$password\"}}}, \"scope\": {\"project\": {\"name\": \"admin\", \"domain\": {\"id\": \"default\"}}}}}" \
        | tr -d '\r' | awk -F': ' 'tolower($1) == "x-subject-token" {print $2}'
}

fuzz() {
    local name="$1" url="$2"
    shift 2
    echo "-- schemathesis: $name ($url, $examples examples per operation)"
    curl -fs "$url" > "$work/$name.json"
    .venv-fuzz/bin/python -c 'import json, sys; from openapi_spec_validator import validate; validate(json.load(open(sys.argv[1])))' \
        "$work/$name.json"
    echo "   the document is valid OpenAPI $(.venv-fuzz/bin/python -c 'import json, sys; print(json.load(open(sys.argv[1]))["openapi"])' "$work/$name.json")"
    SCHEMATHESIS_HOOKS="$root/scripts/fuzz_hooks.py" .venv-fuzz/bin/schemathesis run "$url" -H "X-Auth-Token: $(token)" "$@" \
        --phases examples,coverage,fuzzing --max-examples "$examples" --seed 20261127 --workers 1 --request-timeout 20 \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
        --warnings off > "$work/$name.txt" 2>&1 || { cat "$work/$name.txt"; tail -50 "$work/novakit.log"; return 1; }
    sed -n '/= SUMMARY =/,$p' "$work/$name.txt"
}

fuzz compute-2.1 "http://127.0.0.1:$compute_port/openapi.json"
latest=$(curl -fs "http://127.0.0.1:$compute_port/" | .venv-fuzz/bin/python -c 'import json,sys; print(json.load(sys.stdin)["versions"][-1]["version"])')
fuzz "compute-$latest" "http://127.0.0.1:$compute_port/openapi.json?microversion=latest" -H "OpenStack-API-Version: compute $latest"
fuzz identity "http://127.0.0.1:$identity_port/openapi.json"
fuzz image "http://127.0.0.1:$image_port/openapi.json"
if grep -q "Internal Server Error\|unexpected error" "$work/novakit.log"; then
    echo "the server logged an unexpected error:" >&2
    grep "unexpected error" "$work/novakit.log" >&2
    exit 1
fi

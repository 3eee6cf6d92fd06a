#!/usr/bin/env bash
# Runs tempest's compute API suite (tempest.api.compute) against a NovaKit binary on a fresh
# database and free loopback ports, as an operator certifying a Nova deployment would.
#
#   scripts/tempest.sh                 # uses .build/debug/novakit (NOVAKIT_BIN overrides)
#   TEMPEST_REGEX='^tempest\.api\.compute\.flavors' scripts/tempest.sh
#
# Neutron, Cinder and Swift are off: NovaKit does not provide them. Tests that need them are
# either skipped by tempest itself or listed, each with its reason, in scripts/tempest-exclude.txt.
# Two workers by default (TEMPEST_CONCURRENCY overrides): tempest's tests are written to run in parallel, each
# class with its own project and users. bcrypt runs at its cheapest cost here (--password-hash-rounds 4): every
# test class logs in new users, and in the debug build a hash at Keystone's default cost takes about 0.6 s.
# Fails when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check -r Tests/EndToEndTests/requirements.txt

binary="${NOVAKIT_BIN:-$root/.build/debug/novakit}"
if [ ! -x "$binary" ]; then
    swift build
fi

work="$root/.tempest"
rm -rf "$work"
mkdir -p "$work/etc" "$work/lock"

read -r compute_port identity_port image_port network_port metrics_port < <(.venv/bin/python scripts/free_ports.py 5)

admin_password="tempest-admin-pw"
"$binary" serve \
    --database "sqlite://$work/novakit.sqlite" \
    --port "$compute_port" --identity-port "$identity_port" --image-port "$image_port" \
    --network-port "$network_port" --metrics-port "$metrics_port" --admin-password "$admin_password" \
    --compute-step-delay 20 --password-hash-rounds 4 \
    --compute-host node-a:64:262144:4096 --compute-host node-b:64:262144:4096 \
    --log-level warning > "$work/novakit.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2> /dev/null || true; wait "$server_pid" 2> /dev/null || true' EXIT

for _ in $(seq 1 100); do
    if curl -fs "http://127.0.0.1:$compute_port/" > /dev/null && curl -fs "http://127.0.0.1:$identity_port/v3" > /dev/null; then
        break
    fi
    sleep 0.1
done

# The images tempest boots from: the bootstrapped cirros, and a second one for rebuilds and filters.
read -r image_ref image_ref_alt public_network_id < <(.venv/bin/python - "$identity_port" "$image_port" "$admin_password" "$network_port" <<'PY'
import json, sys, urllib.request
identity_port, image_port, password, network_port = sys.argv[1:]
auth = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
    "name": "admin", "domain": {"id": "default"}, "password": password}}},
    "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}}
request = urllib.request.Request(f"http://127.0.0.1:{identity_port}/v3/auth/tokens",
    data=json.dumps(auth).encode(), headers={"Content-Type": "application/json"})
with urllib.request.urlopen(request) as response:
    token = response.headers["X-Subject-Token"]
request = urllib.request.Request(f"http://127.0.0.1:{image_port}/v2/images?name=cirros",
    headers={"X-Auth-Token": token})
with urllib.request.urlopen(request) as response:
    cirros = json.load(response)["images"][0]["id"]
# A second public image with data, so tests that need two distinct images (rebuild, filters) run.
body = {"name": "cirros-alt", "disk_format": "qcow2", "container_format": "bare", "visibility": "public"}
request = urllib.request.Request(f"http://127.0.0.1:{image_port}/v2/images", data=json.dumps(body).encode(),
    headers={"X-Auth-Token": token, "Content-Type": "application/json"})
with urllib.request.urlopen(request) as response:
    alternate = json.load(response)["id"]
request = urllib.request.Request(f"http://127.0.0.1:{image_port}/v2/images/{alternate}/file", data=b"\0" * 1024, method="PUT",
    headers={"X-Auth-Token": token, "Content-Type": "application/octet-stream"})
urllib.request.urlopen(request).close()
# The external network bootstrap made: floating IPs come from it, and project routers use it as gateway.
request = urllib.request.Request(f"http://127.0.0.1:{network_port}/v2.0/networks?router:external=true&name=public",
    headers={"X-Auth-Token": token})
with urllib.request.urlopen(request) as response:
    public = json.load(response)["networks"][0]["id"]
print(cirros, alternate, public)
PY
)

cat > "$work/etc/tempest.conf" <<CONF
[DEFAULT]
log_file = $work/tempest.log

[oslo_concurrency]
lock_path = $work/lock

[auth]
use_dynamic_credentials = true
create_isolated_networks = true
admin_username = admin
admin_password = $admin_password
admin_project_name = admin
admin_domain_name = Default

[identity]
uri_v3 = http://127.0.0.1:$identity_port/v3
auth_version = v3
region = RegionOne

[identity-feature-enabled]
api_v2 = false
api_v3 = true

[service_available]
nova = true
glance = true
neutron = true
cinder = false
swift = false
horizon = false
placement = false

[compute]
image_ref = $image_ref
image_ref_alt = $image_ref_alt
flavor_ref = 1
flavor_ref_alt = 2
build_interval = 1
build_timeout = 60
min_compute_nodes = 2
min_microversion = 2.1
max_microversion = latest

[compute-feature-enabled]
scheduler_enabled_filters = AvailabilityZoneFilter,ComputeFilter,ComputeCapabilitiesFilter,ImagePropertiesFilter,ServerGroupAntiAffinityFilter,ServerGroupAffinityFilter,SameHostFilter,DifferentHostFilter
change_password = true
resize = true
cold_migration = true
pause = true
suspend = true
snapshot = true
disk_config = true
config_drive = true
enable_instance_password = true
metadata_service = false
interface_attach = false
attach_encrypted_volume = false
console_output = true
shelve = true
rescue = true
live_migration = true
block_migration_for_live_migration = true
personality = true
vnc_console = true
spice_console = false
serial_console = false

[image]
build_interval = 1
build_timeout = 60

[image-feature-enabled]
api_v2 = true
import_image = false

[validation]
run_validation = false

[network]
public_network_id = $public_network_id
floating_network_name = public
project_network_cidr = 10.100.0.0/16
project_network_mask_bits = 28

[network-feature-enabled]
api_extensions = external-net,router,binding,project-id,standard-attr-description,standard-attr-timestamp,sorting,pagination,net-mtu,security-group
floating_ips = true
CONF

tempest_package=$(.venv/bin/python -c 'import os, tempest; print(os.path.dirname(tempest.__file__))')
cat > "$work/.stestr.conf" <<STESTR
[DEFAULT]
test_path=$tempest_package/test_discover
top_dir=$(dirname "$tempest_package")
group_regex=([^\.]*\.)*
STESTR

cd "$work"
export TEMPEST_CONFIG_DIR="$work/etc" TEMPEST_CONFIG=tempest.conf
"$root/.venv/bin/tempest" run \
    --regex "${TEMPEST_REGEX:-^tempest\.api\.compute}" \
    --exclude-list "$root/scripts/tempest-exclude.txt" \
    --concurrency "${TEMPEST_CONCURRENCY:-2}"

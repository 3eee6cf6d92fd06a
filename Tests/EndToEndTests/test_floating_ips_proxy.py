"""Issue 16: compute's proxy to the network service's floating IPs — os-floating-ips (through 2.35) and the
addFloatingIp / removeFloatingIp actions (through 2.43) — validated against tempest's schemas."""
import pytest
import requests
from tempest.lib.api_schema.response.compute.v2_1 import floating_ips as schema

from conftest import OTHER_PROJECT, assert_fault, validate
from servers import action, create, show, wait

OTHER = f"bob:{OTHER_PROJECT}"


@pytest.fixture
def cloud(novakit):
    return novakit("--compute-step-delay", "5", admin_password="pw")


def test_allocate_map_move_and_release(cloud):
    allocated = validate(schema.create_get_floating_ip, cloud.request("POST", "/v2.1/os-floating-ips", json={}))["floating_ip"]
    assert (allocated["pool"], allocated["ip"], allocated["fixed_ip"], allocated["instance_id"]) == ("public", "172.24.4.2", None, None)
    public_id = requests.get(f"{cloud.network}/v2.0/networks?name=public", headers={"X-Auth-Token": "admin:x"}, timeout=5).json()["networks"][0]["id"]
    by_id = validate(schema.create_get_floating_ip, cloud.request("POST", "/v2.1/os-floating-ips", json={"pool": public_id}))["floating_ip"]
    assert by_id["ip"] == "172.24.4.3"
    assert_fault(cloud.request("POST", "/v2.1/os-floating-ips", json={"pool": "nowhere"}), 404, "Floating IP pool not found.")
    listed = validate(schema.list_floating_ips, cloud.request("GET", "/v2.1/os-floating-ips"))["floating_ips"]
    assert sorted(f["ip"] for f in listed) == ["172.24.4.2", "172.24.4.3"]
    assert_fault(cloud.request("GET", f"/v2.1/os-floating-ips/{allocated['id']}", token=OTHER), 404)

    first, second = create(cloud, name="one", networks="auto"), create(cloud, name="two", networks="auto")
    wait(cloud, first, "ACTIVE")
    wait(cloud, second, "ACTIVE")
    validate(schema.add_remove_floating_ip, action(cloud, first, {"addFloatingIp": {"address": "172.24.4.2"}}))
    shown = validate(schema.create_get_floating_ip, cloud.request("GET", f"/v2.1/os-floating-ips/{allocated['id']}"))["floating_ip"]
    assert (shown["instance_id"], shown["fixed_ip"]) == (first, "10.0.0.2")
    assert [a["OS-EXT-IPS:type"] for a in show(cloud, first)["addresses"]["private"]] == ["fixed", "floating"]
    # A fixed address holds one floating address; an address moves when mapped elsewhere.
    assert_fault(action(cloud, first, {"addFloatingIp": {"address": "172.24.4.3"}}), 400)
    validate(schema.add_remove_floating_ip, action(cloud, second, {"addFloatingIp": {"address": "172.24.4.2"}}))
    assert_fault(action(cloud, first, {"removeFloatingIp": {"address": "172.24.4.2"}}), 409)
    assert_fault(action(cloud, first, {"addFloatingIp": {"address": "0.0.0.0"}}), 404)
    assert_fault(action(cloud, first, {"addFloatingIp": {"address": ""}}), 400)
    assert_fault(action(cloud, first, {"addFloatingIp": {"address": "172.24.4.3", "fixed_address": "10.9.9.9"}}), 400)
    validate(schema.add_remove_floating_ip, action(cloud, second, {"removeFloatingIp": {"address": "172.24.4.2"}}))
    assert [a["OS-EXT-IPS:type"] for a in show(cloud, second)["addresses"]["private"]] == ["fixed"]
    assert_fault(action(cloud, second, {"addFloatingIp": {"address": "172.24.4.2"}}, version="2.44"), 400)

    assert cloud.request("DELETE", f"/v2.1/os-floating-ips/{allocated['id']}").status_code == 202
    assert_fault(cloud.request("DELETE", f"/v2.1/os-floating-ips/{allocated['id']}"), 404)
    assert_fault(cloud.request("GET", "/v2.1/os-floating-ips", version="2.36"), 404)

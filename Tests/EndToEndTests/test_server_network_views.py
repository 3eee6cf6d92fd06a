"""Issue 11: what tempest's network-backed server classes check — addresses by network (`/ips`), the admin
`injectNetworkInfo` action, `OS-DCF:diskConfig` kept across create, update, rebuild and resize, 2.104
pinned-zone updates, `all_tenants` as Nova reads it — each validated against tempest's schema."""
import pytest
from tempest.lib.api_schema.response.compute.v2_1 import servers as v21

from conftest import ADMIN, OTHER_PROJECT, USER, assert_fault, validate
from servers import action, create, server_schema, show, wait

OTHER = f"bob:{OTHER_PROJECT}"


@pytest.fixture
def cloud(novakit):
    return novakit("--compute-step-delay", "5", admin_password="pw")


def test_addresses_by_network(cloud):
    server = create(cloud, name="ips", networks="auto")
    wait(cloud, server, "ACTIVE")
    listed = validate(v21.list_addresses, cloud.request("GET", f"/v2.1/servers/{server}/ips"))["addresses"]
    assert list(listed) == ["private"] and listed["private"] == [{"version": 4, "addr": "10.0.0.2"}]
    one = validate(v21.list_addresses_by_network, cloud.request("GET", f"/v2.1/servers/{server}/ips/private"))
    assert one == {"private": [{"version": 4, "addr": "10.0.0.2"}]}
    assert_fault(cloud.request("GET", f"/v2.1/servers/{server}/ips/public"), 404, "Instance is not a member of specified network")
    assert_fault(cloud.request("GET", f"/v2.1/servers/{server}/ips", token=OTHER), 404)
    bare = create(cloud, name="bare", networks="none")
    wait(cloud, bare, "ACTIVE")
    assert validate(v21.list_addresses, cloud.request("GET", f"/v2.1/servers/{bare}/ips"))["addresses"] == {}


def test_inject_network_info_is_an_admin_action(cloud):
    server = create(cloud, name="inject")
    wait(cloud, server, "ACTIVE")
    accepted = action(cloud, server, {"injectNetworkInfo": None}, token=ADMIN)
    assert accepted.status_code == 202 and accepted.content == b""
    assert_fault(action(cloud, server, {"injectNetworkInfo": None}), 403)


def test_disk_config_is_kept_across_update_rebuild_and_resize(cloud):
    image = cloud.request("GET", "/v2.1/images").json()["images"][0]["id"]
    server = create(cloud, name="disk", **{"OS-DCF:diskConfig": "AUTO"})
    assert wait(cloud, server, "ACTIVE")["OS-DCF:diskConfig"] == "AUTO"
    updated = validate(v21.update_server, cloud.request("PUT", f"/v2.1/servers/{server}", json={"server": {"OS-DCF:diskConfig": "MANUAL"}}))
    assert updated["server"]["OS-DCF:diskConfig"] == "MANUAL"
    rebuilt = validate(v21.rebuild_server_with_admin_pass,
                       action(cloud, server, {"rebuild": {"imageRef": image, "OS-DCF:diskConfig": "AUTO"}}))
    assert rebuilt["server"]["OS-DCF:diskConfig"] == "AUTO"
    wait(cloud, server, "ACTIVE")
    assert action(cloud, server, {"resize": {"flavorRef": "2", "OS-DCF:diskConfig": "MANUAL"}}).status_code == 202
    assert wait(cloud, server, "VERIFY_RESIZE")["OS-DCF:diskConfig"] == "MANUAL"
    assert_fault(cloud.request("PUT", f"/v2.1/servers/{server}", json={"server": {"OS-DCF:diskConfig": "SOMETIMES"}}), 400)


def test_pinned_availability_zone_updates_from_2_104(cloud):
    schema = server_schema("2.104")
    pinned = create(cloud, name="pinned", version="2.104", availability_zone="nova")
    wait(cloud, pinned, "ACTIVE")
    assert show(cloud, pinned, version="2.104")["pinned_availability_zone"] == "nova"
    put = lambda zone, version="2.104": cloud.request("PUT", f"/v2.1/servers/{pinned}", version=version,
                                                     json={"server": {"pinned_availability_zone": zone}})
    assert validate(schema.update_server, put(None))["server"]["pinned_availability_zone"] is None
    assert show(cloud, pinned, version="2.104")["pinned_availability_zone"] is None
    assert validate(schema.update_server, put("nova"))["server"]["pinned_availability_zone"] == "nova"
    assert_fault(put("elsewhere"), 409)
    assert_fault(put(None, version="2.103"), 400)


def test_all_tenants_as_nova_reads_it(cloud):
    create(cloud, name="mine")
    elsewhere = f"admin:{OTHER_PROJECT}"  # an admin whose own project holds no servers
    names = lambda query: [s["name"] for s in validate(v21.list_servers, cloud.request(
        "GET", f"/v2.1/servers?{query}", token=elsewhere))["servers"]]
    project = USER.split(":")[1]
    assert names("all_tenants=") == ["mine"]
    # Without all_tenants, a named project is ignored: the caller's own is listed (lp:#1185290).
    assert names(f"tenant_id={project}") == [] and names(f"project_id={project}") == []
    assert names(f"all_tenants=1&tenant_id={project}") == ["mine"]
    assert names(f"all_tenants=true&tenant_id={OTHER_PROJECT}") == []
    assert_fault(cloud.request("GET", "/v2.1/servers?all_tenants=maybe", token=elsewhere), 400)

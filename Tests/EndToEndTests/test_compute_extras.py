"""Issue 11: os-availability-zone (list and admin detail), server diagnostics and os-server-password,
validated against tempest's schemas at each microversion that changes them."""
import pytest
from tempest.lib.api_schema.response.compute.v2_1 import availability_zone as az_schema
from tempest.lib.api_schema.response.compute.v2_1 import servers as servers21

from conftest import ADMIN, OTHER_PROJECT, assert_fault, validate
from servers import action, create, server_schema, wait


@pytest.fixture
def cloud(novakit):
    return novakit("--compute-step-delay", "5", "--compute-host", "node-a:8:16384:200", "--compute-host", "node-b:8:16384:200",
                   admin_password="pw")


def test_availability_zones_list_and_detail(cloud):
    listed = validate(az_schema.list_availability_zone_list, cloud.request("GET", "/v2.1/os-availability-zone"))
    assert listed == {"availabilityZoneInfo": [{"zoneName": "nova", "zoneState": {"available": True}, "hosts": None}]}
    detail = validate(az_schema.list_availability_zone_list_detail,
                      cloud.request("GET", "/v2.1/os-availability-zone/detail", token=ADMIN))["availabilityZoneInfo"]
    zones = {zone["zoneName"]: zone for zone in detail}
    assert set(zones) == {"internal", "nova"}
    assert set(zones["nova"]["hosts"]) == {"node-a", "node-b"}
    assert all(set(services) == {"nova-compute"} for services in zones["nova"]["hosts"].values())
    internal = next(iter(zones["internal"]["hosts"].values()))
    assert set(internal) == {"nova-conductor", "nova-scheduler"}
    assert_fault(cloud.request("GET", "/v2.1/os-availability-zone/detail"), 403)


@pytest.mark.parametrize("version", [None, "2.48"])
def test_server_diagnostics_by_version(cloud, version):
    server = create(cloud, config_drive=True, networks="auto")
    wait(cloud, server, "ACTIVE")
    response = cloud.request("GET", f"/v2.1/servers/{server}/diagnostics", token=ADMIN, version=version)
    body = validate(server_schema(version).show_server_diagnostics, response)
    if version is None:
        assert body["memory"] == 512 * 1024 and "cpu0_time" in body and "tap0_rx" in body
    else:
        assert body["state"] == "running" and body["num_cpus"] == 1 and body["config_drive"] is True
        assert body["memory_details"]["maximum"] == 512 and body["num_nics"] == len(body["nic_details"]) == 1
        assert body["nic_details"][0]["mac_address"].startswith("fa:16:3e:")
    assert_fault(cloud.request("GET", f"/v2.1/servers/{server}/diagnostics", version=version), 403)
    assert action(cloud, server, {"os-stop": None}).status_code == 202
    wait(cloud, server, "SHUTOFF")
    stopped = cloud.request("GET", f"/v2.1/servers/{server}/diagnostics", token=ADMIN, version=version)
    assert_fault(stopped, 409)
    assert "Cannot get_diagnostics while the instance is in this state" in stopped.json()["conflictingRequest"]["message"]
    assert_fault(cloud.request("GET", "/v2.1/servers/no-such-server/diagnostics", token=ADMIN, version=version), 404)


def test_server_password_reads_empty_and_clears(cloud):
    """No metadata service posts a password, so it reads as empty; clearing it is a 204; another project's
    user cannot see the server at all."""
    server = create(cloud)
    shown = validate(servers21.show_password, cloud.request("GET", f"/v2.1/servers/{server}/os-server-password"))
    assert shown == {"password": ""}
    cleared = cloud.request("DELETE", f"/v2.1/servers/{server}/os-server-password")
    validate(servers21.server_actions_delete_password, cleared)
    assert cleared.text == ""
    assert cloud.request("GET", f"/v2.1/servers/{server}/os-server-password", token=ADMIN).json() == {"password": ""}
    assert_fault(cloud.request("GET", f"/v2.1/servers/{server}/os-server-password", token=f"bob:{OTHER_PROJECT}"), 404)
    assert_fault(cloud.request("GET", "/v2.1/servers/no-such-server/os-server-password"), 404)

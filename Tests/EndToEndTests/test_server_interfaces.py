"""Issue 16: os-interface — attach a new port on a network, a given port or a chosen address; list, show and
detach — keeping the server's addresses and the network service's ports in step, validated against tempest's
schemas before and from 2.70."""
import pytest
from tempest.lib.api_schema.response.compute.v2_1 import interfaces as v21
from tempest.lib.api_schema.response.compute.v2_70 import interfaces as v270

from conftest import OTHER_PROJECT, USER, assert_fault, validate
from network import neutron
from servers import action, create, show, wait

OTHER = f"bob:{OTHER_PROJECT}"


@pytest.fixture
def cloud(novakit):
    return novakit("--compute-step-delay", "5", admin_password="pw")



@pytest.mark.parametrize("version, schema", [("2.1", v21), ("2.70", v270)])
def test_attach_list_show_detach(cloud, version, schema):
    server = create(cloud, name="multi", networks="auto")  # the project has no network yet: the shared `private`
    wait(cloud, server, "ACTIVE")
    network = neutron(cloud, "POST", "/networks", network={"name": "extra"}).json()["network"]
    neutron(cloud, "POST", "/subnets", subnet={"network_id": network["id"], "cidr": "192.168.30.0/24", "ip_version": 4})
    base = f"/v2.1/servers/{server}/os-interface"
    listed = validate(schema.list_interfaces, cloud.request("GET", base, version=version))["interfaceAttachments"]
    assert [(i["port_state"], i["fixed_ips"][0]["ip_address"]) for i in listed] == [("ACTIVE", "10.0.0.2")]
    assert ("tag" in listed[0]) == (version == "2.70")
    by_net = validate(schema.get_create_interfaces, cloud.request(
        "POST", base, version=version, json={"interfaceAttachment": {"net_id": network["id"], "fixed_ips": [{"ip_address": "192.168.30.40"}]}}))
    attached = by_net["interfaceAttachment"]
    assert (attached["net_id"], attached["fixed_ips"][0]["ip_address"], attached["port_state"]) == (network["id"], "192.168.30.40", "ACTIVE")
    given = neutron(cloud, "POST", "/ports", port={"network_id": network["id"]}).json()["port"]
    by_port = validate(schema.get_create_interfaces, cloud.request("POST", base, version=version,
                                                                   json={"interfaceAttachment": {"port_id": given["id"]}}))
    assert by_port["interfaceAttachment"]["port_id"] == given["id"]
    assert sorted(show(cloud, server)["addresses"]) == ["extra", "private"]
    assert [a["addr"] for a in show(cloud, server)["addresses"]["extra"]] == ["192.168.30.40", given["fixed_ips"][0]["ip_address"]]
    shown = validate(schema.get_create_interfaces, cloud.request("GET", f"{base}/{given['id']}", version=version))
    assert shown["interfaceAttachment"]["mac_addr"] == given["mac_address"]
    actions = [a["action"] for a in cloud.request("GET", f"/v2.1/servers/{server}/os-instance-actions").json()["instanceActions"]]
    assert actions.count("attach_interface") == 2
    # Refusals: both ids, an address without a network, a port in use, another project's server.
    assert_fault(cloud.request("POST", base, json={"interfaceAttachment": {"net_id": network["id"], "port_id": given["id"]}}), 400)
    assert_fault(cloud.request("POST", base, json={"interfaceAttachment": {"fixed_ips": [{"ip_address": "192.168.30.41"}]}}), 400)
    assert_fault(cloud.request("POST", base, json={"interfaceAttachment": {"port_id": given["id"]}}), 409)
    assert_fault(cloud.request("GET", base, token=OTHER), 404)
    # Detaching: compute's own port goes, a given one is unbound and kept.
    assert cloud.request("DELETE", f"{base}/{attached['port_id']}", version=version).status_code == 202
    assert cloud.request("DELETE", f"{base}/{given['id']}", version=version).status_code == 202
    assert_fault(cloud.request("DELETE", f"{base}/{given['id']}"), 404)
    assert_fault(cloud.request("GET", f"{base}/{given['id']}"), 404)
    assert list(show(cloud, server)["addresses"]) == ["private"]
    assert neutron(cloud, "GET", f"/ports/{attached['port_id']}").status_code == 404
    kept = neutron(cloud, "GET", f"/ports/{given['id']}").json()["port"]
    assert (kept["device_id"], kept["status"]) == ("", "DOWN")
    # A server that is not settled refuses both.
    assert action(cloud, server, {"os-stop": None}).status_code == 202
    assert_fault(cloud.request("POST", base, json={"interfaceAttachment": {"net_id": network["id"]}}), 409)

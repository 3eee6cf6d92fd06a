"""Issue 11: bootstrap's `private` network (the simulated network's id and range) through os-networks and
os-tenant-networks (≤ 2.35), and server create naming it, validated against tempest's schemas."""
import pytest
from tempest.lib.api_schema.response.compute.v2_1 import tenant_networks

from conftest import ADMIN, assert_fault, validate
from servers import create, show, wait


@pytest.fixture
def cloud(novakit):
    return novakit("--compute-step-delay", "5", admin_password="pw")


def test_os_networks_list_and_show(cloud):
    listed = cloud.request("GET", "/v2.1/os-networks").json()["networks"]
    assert sorted(n["label"] for n in listed) == ["private", "public"]
    network = next(n for n in listed if n["label"] == "private")
    assert (network["label"], network["cidr"], network["gateway"]) == ("private", "10.0.0.0/16", "10.0.0.1")
    assert "bridge" not in network and "project_id" not in network
    admin_view = cloud.request("GET", f"/v2.1/os-networks/{network['id']}", token=ADMIN).json()["network"]
    assert admin_view["id"] == network["id"] and "bridge" in admin_view and admin_view["enable_dhcp"] is True
    # The id is stable: another NovaKit names the same network the same way.
    assert_fault(cloud.request("GET", "/v2.1/os-networks/00000000-0000-0000-0000-000000000000"), 404)
    assert_fault(cloud.request("POST", "/v2.1/os-networks", token=ADMIN, json={"network": {"label": "x"}}), 410)
    assert_fault(cloud.request("DELETE", f"/v2.1/os-networks/{network['id']}", token=ADMIN), 410)
    assert_fault(cloud.request("GET", "/v2.1/os-networks", version="2.36"), 404)


def test_os_tenant_networks(cloud):
    listed = validate(tenant_networks.list_tenant_networks, cloud.request("GET", "/v2.1/os-tenant-networks"))["networks"]
    assert sorted(n["label"] for n in listed) == ["private", "public"]
    for network in listed:
        shown = validate(tenant_networks.get_tenant_network, cloud.request("GET", f"/v2.1/os-tenant-networks/{network['id']}"))
        assert shown["network"] == network
    assert_fault(cloud.request("GET", "/v2.1/os-tenant-networks", version="2.36"), 404)


@pytest.mark.parametrize("version", ["2.1", "2.37"])
def test_create_on_the_network_by_uuid(cloud, version):
    network = next(n["id"] for n in cloud.request("GET", "/v2.1/os-tenant-networks").json()["networks"] if n["label"] == "private")
    server = create(cloud, name="on-private", version=version, networks=[{"uuid": network}])
    wait(cloud, server, "ACTIVE")
    addresses = show(cloud, server)["addresses"]
    assert list(addresses) == ["private"] and addresses["private"][0]["addr"].startswith("10.0.")
    image = cloud.request("GET", "/v2.1/images").json()["images"][0]["id"]
    refused = cloud.request("POST", "/v2.1/servers", version=version, json={"server": {
        "name": "x", "imageRef": image, "flavorRef": "1", "networks": [{"uuid": "00000000-0000-0000-0000-000000000000"}]}})
    assert_fault(refused, 400, "Network 00000000-0000-0000-0000-000000000000 could not be found.")

"""Issue 16: which network a server lands on when its request names none, and Neutron's "get me a network"
(`auto-allocated-topology`) — a project with no network to use gets its own network, subnet and router on
its first `auto` server, and the same ones after."""
import pytest

from conftest import ADMIN, OTHER_PROJECT, PROJECT, USER, assert_fault
from network import neutron as call
from servers import create, show, wait, wait_deleted

OTHER = f"bob:{OTHER_PROJECT}"


@pytest.fixture
def cloud(novakit):
    return novakit("--compute-step-delay", "5", admin_password="pw")



def network_named(cloud, name, token=ADMIN):
    found = call(cloud, "GET", f"/networks?name={name}", token=token).json()["networks"]
    assert len(found) == 1, found
    return found[0]


def own_network(cloud, name, cidr):
    network = call(cloud, "POST", "/networks", network={"name": name}).json()["network"]
    assert call(cloud, "POST", "/subnets", subnet={"network_id": network["id"], "cidr": cidr, "ip_version": 4}).status_code == 201
    return network


def networks_of(cloud, server):
    return {name: [a["addr"] for a in addresses] for name, addresses in show(cloud, server)["addresses"].items()}


def test_a_request_naming_no_network_lands_on_the_one_the_project_may_use(cloud):
    # No network of its own: the shared `private`, with `auto` and (before 2.37) with no `networks` at all.
    first = create(cloud, name="shared", networks="auto")
    older = create(cloud, name="older", version="2.36", networks=None)
    for server in (first, older):
        wait(cloud, server, "ACTIVE")
        assert list(networks_of(cloud, server)) == ["private"]
    # Its own network wins over the shared one; `none` still means none.
    own_network(cloud, "mine", "192.168.40.0/24")
    second = create(cloud, name="own", networks="auto")
    wait(cloud, second, "ACTIVE")
    assert networks_of(cloud, second) == {"mine": ["192.168.40.2"]}
    bare = create(cloud, name="bare", networks="none")
    assert wait(cloud, bare, "ACTIVE")["addresses"] == {}
    # Two of its own: Nova cannot choose.
    own_network(cloud, "mine-too", "192.168.41.0/24")
    for version, networks in (("2.37", "auto"), ("2.36", None)):
        response = cloud.request("POST", "/v2.1/servers", version=version, json={"server": {
            "name": "which", "imageRef": show(cloud, first)["image"]["id"], "flavorRef": "1",
            **({"networks": networks} if networks else {})}})
        assert_fault(response, 409, "Multiple possible networks found, use a Network ID to be more specific.")
    # Attaching an interface with neither a network nor a port is as ambiguous.
    assert_fault(cloud.request("POST", f"/v2.1/servers/{second}/os-interface", json={"interfaceAttachment": {}}), 409)


def test_auto_makes_the_projects_topology_once_and_it_can_be_removed(cloud):
    public = network_named(cloud, "public")
    # An operator who shares no network: `private` goes (with bootstrap's router1), so projects have nothing
    # to boot on.
    private = network_named(cloud, "private")
    router1 = call(cloud, "GET", "/routers?name=router1", token=ADMIN).json()["routers"][0]
    assert router1["external_gateway_info"]["network_id"] == public["id"]
    busy = call(cloud, "DELETE", f"/networks/{private['id']}", token=ADMIN)
    assert busy.status_code == 409 and busy.json()["NeutronError"]["type"] == "NetworkInUse"
    assert call(cloud, "PUT", f"/routers/{router1['id']}/remove_router_interface", token=ADMIN,
                subnet_id=private["subnets"][0]).status_code == 200
    assert call(cloud, "DELETE", f"/routers/{router1['id']}", token=ADMIN).status_code == 204
    assert call(cloud, "DELETE", f"/networks/{private['id']}", token=ADMIN).status_code == 204
    dry = call(cloud, "GET", f"/auto-allocated-topology/{PROJECT}?fields=dry-run")
    assert dry.status_code == 200 and dry.json() == {"auto_allocated_topology": {"dry-run": "pass"}}
    assert "auto-allocated-topology" in [e["alias"] for e in call(cloud, "GET", "/extensions").json()["extensions"]]
    # Before 2.37 no `networks` means no interface when there is no network to use.
    older = create(cloud, name="older", version="2.36", networks=None)
    assert wait(cloud, older, "ACTIVE")["addresses"] == {}
    # Three servers in one request: one topology, all of them on it.
    image = show(cloud, older)["image"]["id"]
    response = cloud.request("POST", "/v2.1/servers", version="2.37", json={"server": {
        "name": "gman", "imageRef": image, "flavorRef": "1", "networks": "auto", "min_count": 3}})
    assert response.status_code == 202, response.text
    servers = [s["id"] for s in cloud.request("GET", "/v2.1/servers?name=gman").json()["servers"]]
    assert len(servers) == 3
    addresses = []
    for server in servers:
        wait(cloud, server, "ACTIVE")
        on = networks_of(cloud, server)
        assert list(on) == ["auto_allocated_network"]
        addresses += on["auto_allocated_network"]
    assert sorted(addresses) == ["192.168.0.2", "192.168.0.3", "192.168.0.4"]
    network = network_named(cloud, "auto_allocated_network", token=USER)
    assert (network["project_id"], network["shared"], network["router:external"]) == (PROJECT, False, False)
    subnets = call(cloud, "GET", f"/subnets?network_id={network['id']}").json()["subnets"]
    assert [(s["name"], s["cidr"], s["gateway_ip"]) for s in subnets] == [("auto_allocated_subnet_v4", "192.168.0.0/24", "192.168.0.1")]
    routers = call(cloud, "GET", "/routers").json()["routers"]
    assert [(r["name"], r["external_gateway_info"]["network_id"]) for r in routers] == [("auto_allocated_router", public["id"])]
    interface = call(cloud, "GET", f"/ports?device_id={routers[0]['id']}").json()["ports"]
    assert [(p["device_owner"], p["fixed_ips"][0]["ip_address"]) for p in interface] == [("network:router_interface", "192.168.0.1")]
    # The API names the same network; a later `auto` server joins it.
    shown = call(cloud, "GET", f"/auto-allocated-topology/{PROJECT}")
    assert shown.status_code == 200 and shown.json()["auto_allocated_topology"]["id"] == network["id"]
    later = create(cloud, name="later", networks="auto")
    wait(cloud, later, "ACTIVE")
    assert networks_of(cloud, later) == {"auto_allocated_network": ["192.168.0.5"]}
    # Another project reaches only its own.
    assert call(cloud, "GET", f"/auto-allocated-topology/{PROJECT}", token=OTHER).status_code == 403
    # Removing it waits for its servers; then network, subnet and router go.
    busy = call(cloud, "DELETE", f"/auto-allocated-topology/{PROJECT}")
    assert busy.status_code == 409 and busy.json()["NeutronError"]["type"] == "NetworkInUse"
    for server in servers + [later]:
        assert cloud.request("DELETE", f"/v2.1/servers/{server}").status_code == 204
        wait_deleted(cloud, server)
    assert call(cloud, "DELETE", f"/auto-allocated-topology/{PROJECT}").status_code == 204
    assert call(cloud, "GET", f"/networks/{network['id']}").status_code == 404
    assert call(cloud, "GET", "/routers").json()["routers"] == []
    assert call(cloud, "DELETE", f"/auto-allocated-topology/{PROJECT}").status_code == 404
    # Without an external network to route to, nothing can be made: Neutron's 409, Nova's 400.
    assert call(cloud, "DELETE", f"/networks/{public['id']}", token=ADMIN).status_code == 204
    failed = call(cloud, "GET", f"/auto-allocated-topology/{PROJECT}?fields=dry-run")
    assert failed.status_code == 409 and failed.json()["NeutronError"]["type"] == "AutoAllocationFailure"
    refused = cloud.request("POST", "/v2.1/servers", version="2.37", json={"server": {
        "name": "nowhere", "imageRef": image, "flavorRef": "1", "networks": "auto"}})
    assert_fault(refused, 400, f"Unable to automatically allocate a network for project {PROJECT}")

"""Issue 16: the Neutron v2.0 subset on its own listener (networks, subnets, ports, routers), and compute on
top of it — servers on a network service network get a port, keep given ports, release their own."""
import pytest
import requests
from tempest.lib.api_schema.response.compute.v2_1 import tenant_networks

from conftest import ADMIN, OTHER_PROJECT, PROJECT, USER, assert_fault, validate
from network import made, neutron as call
from servers import create, image_id, show, wait, wait_deleted

OTHER = f"bob:{OTHER_PROJECT}"


@pytest.fixture
def cloud(novakit):
    return novakit("--compute-step-delay", "5", admin_password="pw")




def neutron_fault(response, code, kind):
    assert response.status_code == code, response.text
    error = response.json()["NeutronError"]
    assert error["type"] == kind and error["message"] and error["detail"] == ""


def test_bootstrap_networks_and_the_catalog_entry(cloud):
    listed = call(cloud, "GET", "/networks").json()["networks"]
    by_name = {n["name"]: n for n in listed}
    assert set(by_name) == {"private", "public"}
    assert by_name["private"]["shared"] is True and by_name["public"]["router:external"] is True
    subnet = call(cloud, "GET", f"/subnets?network_id={by_name['private']['id']}").json()["subnets"]
    assert [(s["cidr"], s["gateway_ip"], s["allocation_pools"]) for s in subnet] == \
        [("10.0.0.0/16", "10.0.0.1", [{"start": "10.0.0.2", "end": "10.0.255.254"}])]
    aliases = {e["alias"] for e in call(cloud, "GET", "/extensions").json()["extensions"]}
    assert {"router", "external-net", "binding"} <= aliases
    assert requests.get(cloud.network + "/", timeout=5).json()["versions"][0]["id"] == "v2.0"
    neutron_fault(call(cloud, "GET", "/networks", token=None), 401, "HTTPUnauthorized")


def test_network_subnet_port_router_lifecycle(cloud):
    network = made(cloud, "networks", "network", name="net1")
    assert (network["status"], network["shared"], network["subnets"], network["project_id"]) == ("ACTIVE", False, [], USER.split(":")[1])
    subnet = made(cloud, "subnets", "subnet", network_id=network["id"], cidr="10.100.0.0/28", ip_version=4, name="sub1")
    assert subnet["gateway_ip"] == "10.100.0.1" and subnet["allocation_pools"] == [{"start": "10.100.0.2", "end": "10.100.0.14"}]
    overlapping = call(cloud, "POST", "/subnets", subnet={"network_id": network["id"], "cidr": "10.100.0.8/29", "ip_version": 4})
    neutron_fault(overlapping, 400, "HTTPBadRequest")
    assert "overlaps with another subnet" in overlapping.json()["NeutronError"]["message"]
    assert call(cloud, "GET", f"/networks/{network['id']}").json()["network"]["subnets"] == [subnet["id"]]
    # Ports take the lowest free address, or the one asked for; a taken one is a 409.
    first = made(cloud, "ports", "port", network_id=network["id"], name="p1")
    assert first["fixed_ips"] == [{"subnet_id": subnet["id"], "ip_address": "10.100.0.2"}] and first["status"] == "DOWN"
    assert first["mac_address"].startswith("fa:16:3e:")
    chosen = made(cloud, "ports", "port", network_id=network["id"], fixed_ips=[{"ip_address": "10.100.0.9"}])
    assert chosen["fixed_ips"][0]["ip_address"] == "10.100.0.9"
    neutron_fault(call(cloud, "POST", "/ports", port={"network_id": network["id"], "fixed_ips": [{"ip_address": "10.100.0.9"}]}),
                  409, "IpAddressAlreadyAllocated")
    neutron_fault(call(cloud, "POST", "/ports", port={"network_id": network["id"], "fixed_ips": [{"ip_address": "10.200.0.9"}]}),
                  400, "HTTPBadRequest")
    renamed = call(cloud, "PUT", f"/ports/{first['id']}", port={"name": "renamed", "admin_state_up": "false"}).json()["port"]
    assert (renamed["name"], renamed["admin_state_up"], renamed["fixed_ips"]) == ("renamed", False, first["fixed_ips"])
    # Routers plug into a subnet on its gateway address.
    router = made(cloud, "routers", "router", name="r1")
    plugged = call(cloud, "PUT", f"/routers/{router['id']}/add_router_interface", subnet_id=subnet["id"]).json()
    assert plugged["subnet_id"] == subnet["id"] and plugged["id"] == router["id"]
    interface = call(cloud, "GET", f"/ports/{plugged['port_id']}").json()["port"]
    assert (interface["device_owner"], interface["device_id"], interface["fixed_ips"][0]["ip_address"]) == \
        ("network:router_interface", router["id"], "10.100.0.1")
    neutron_fault(call(cloud, "DELETE", f"/routers/{router['id']}"), 409, "RouterInUse")
    neutron_fault(call(cloud, "DELETE", f"/subnets/{subnet['id']}"), 409, "SubnetInUse")
    neutron_fault(call(cloud, "DELETE", f"/networks/{network['id']}"), 409, "NetworkInUse")
    assert call(cloud, "PUT", f"/routers/{router['id']}/remove_router_interface", subnet_id=subnet["id"]).status_code == 200
    neutron_fault(call(cloud, "PUT", f"/routers/{router['id']}/remove_router_interface", subnet_id=subnet["id"]), 404,
                  "RouterInterfaceNotFoundForSubnet")
    for path in [f"/routers/{router['id']}", f"/ports/{first['id']}", f"/ports/{chosen['id']}", f"/subnets/{subnet['id']}",
                 f"/networks/{network['id']}"]:
        assert call(cloud, "DELETE", path).status_code == 204, path
    neutron_fault(call(cloud, "GET", f"/networks/{network['id']}"), 404, "NetworkNotFound")


def test_filters_fields_sorting_and_paging(cloud):
    ids = [made(cloud, "networks", "network", name=name)["id"] for name in ["b-net", "a-net", "c-net"]]
    own = call(cloud, "GET", "/networks?shared=false&router:external=false&sort_key=name&sort_dir=asc").json()["networks"]
    assert [n["name"] for n in own] == ["a-net", "b-net", "c-net"]
    page = call(cloud, "GET", "/networks?shared=false&router:external=false&sort_key=name&sort_dir=desc&limit=2").json()["networks"]
    assert [n["name"] for n in page] == ["c-net", "b-net"]
    rest = call(cloud, "GET", f"/networks?shared=false&router:external=false&sort_key=name&sort_dir=desc&limit=2&marker={page[-1]['id']}")
    assert [n["name"] for n in rest.json()["networks"]] == ["a-net"]
    either = call(cloud, "GET", f"/networks?id={ids[0]}&id={ids[2]}&fields=id&fields=name").json()["networks"]
    assert sorted(either, key=lambda n: n["name"]) == [{"id": ids[0], "name": "b-net"}, {"id": ids[2], "name": "c-net"}]
    neutron_fault(call(cloud, "GET", "/networks?sort_key=bogus"), 400, "HTTPBadRequest")
    neutron_fault(call(cloud, "GET", "/networks?limit=-1"), 400, "HTTPBadRequest")
    neutron_fault(call(cloud, "POST", "/networks", network={"name": "x", "colour": "red"}), 400, "HTTPBadRequest")
    neutron_fault(call(cloud, "POST", "/networks", network={"admin_state_up": "maybe"}), 400, "HTTPBadRequest")


def test_isolation_and_admin_only_attributes(cloud):
    network = made(cloud, "networks", "network", name="mine")
    neutron_fault(call(cloud, "GET", f"/networks/{network['id']}", token=OTHER), 404, "NetworkNotFound")
    assert network["id"] not in [n["id"] for n in call(cloud, "GET", "/networks", token=OTHER).json()["networks"]]
    port = made(cloud, "ports", "port", network_id=network["id"])
    neutron_fault(call(cloud, "GET", f"/ports/{port['id']}", token=OTHER), 404, "PortNotFound")
    neutron_fault(call(cloud, "DELETE", f"/ports/{port['id']}", token=OTHER), 404, "PortNotFound")
    neutron_fault(call(cloud, "POST", "/networks", network={"name": "ext", "router:external": True}), 403, "PolicyNotAuthorized")
    neutron_fault(call(cloud, "POST", "/networks", network={"name": "sh", "shared": True}), 403, "PolicyNotAuthorized")
    external = made(cloud, "networks", "network", token=ADMIN, name="ext", **{"router:external": True})
    assert external["router:external"] is True
    assert external["id"] in [n["id"] for n in call(cloud, "GET", "/networks", token=OTHER).json()["networks"]]
    # A shared network (bootstrap's private) is usable but not changeable by others.
    private = call(cloud, "GET", "/networks?name=private").json()["networks"][0]
    neutron_fault(call(cloud, "PUT", f"/networks/{private['id']}", network={"name": "mine-now"}), 403, "PolicyNotAuthorized")
    neutron_fault(call(cloud, "DELETE", f"/networks/{private['id']}"), 403, "PolicyNotAuthorized")
    assert call(cloud, "GET", f"/ports/{port['id']}", token=ADMIN).json()["port"]["binding:host_id"] == ""
    assert "binding:host_id" not in call(cloud, "GET", f"/ports/{port['id']}").json()["port"]


def test_servers_get_ports_and_release_them(cloud):
    network = made(cloud, "networks", "network", name="app")
    subnet = made(cloud, "subnets", "subnet", network_id=network["id"], cidr="192.168.10.0/24", ip_version=4)
    server = create(cloud, name="on-app", networks=[{"uuid": network["id"]}])
    wait(cloud, server, "ACTIVE")
    ports = call(cloud, "GET", f"/ports?device_id={server}").json()["ports"]
    assert len(ports) == 1 and ports[0]["device_owner"] == "compute:nova" and ports[0]["status"] == "ACTIVE"
    assert show(cloud, server)["addresses"] == {"app": [{
        "version": 4, "addr": "192.168.10.2", "OS-EXT-IPS:type": "fixed", "OS-EXT-IPS-MAC:mac_addr": ports[0]["mac_address"]}]}
    by_address = call(cloud, "GET", "/ports?fixed_ips=ip_address%3D192.168.10.2").json()["ports"]
    assert [p["id"] for p in by_address] == [ports[0]["id"]]
    neutron_fault(call(cloud, "DELETE", f"/networks/{network['id']}"), 409, "NetworkInUse")
    # A fixed address, and a port the caller made (bound, then kept and unbound when the server goes).
    fixed = create(cloud, name="fixed", networks=[{"uuid": network["id"], "fixed_ip": "192.168.10.50"}])
    given = made(cloud, "ports", "port", network_id=network["id"], name="given")
    on_port = create(cloud, name="on-port", networks=[{"port": given["id"]}])
    wait(cloud, fixed, "ACTIVE")
    wait(cloud, on_port, "ACTIVE")
    assert show(cloud, fixed)["addresses"]["app"][0]["addr"] == "192.168.10.50"
    bound = call(cloud, "GET", f"/ports/{given['id']}").json()["port"]
    assert (bound["device_id"], bound["device_owner"]) == (on_port, "compute:nova")
    image = cloud.request("GET", "/v2.1/images").json()["images"][0]["id"]
    in_use = cloud.request("POST", "/v2.1/servers", version="2.37", json={"server": {
        "name": "x", "imageRef": image, "flavorRef": "1", "networks": [{"port": given["id"]}]}})
    assert_fault(in_use, 409, f"Port {given['id']} is still in use.")
    missing = cloud.request("POST", "/v2.1/servers", version="2.37", json={"server": {
        "name": "x", "imageRef": image, "flavorRef": "1", "networks": [{"port": "00000000-0000-0000-0000-000000000000"}]}})
    assert_fault(missing, 404)
    for server_id in [server, fixed, on_port]:
        assert cloud.request("DELETE", f"/v2.1/servers/{server_id}").status_code == 204
        wait_deleted(cloud, server_id)
    remaining = call(cloud, "GET", f"/ports?network_id={network['id']}").json()["ports"]
    assert [(p["id"], p["device_id"], p["status"]) for p in remaining] == [(given["id"], "", "DOWN")]
    assert call(cloud, "DELETE", f"/ports/{given['id']}").status_code == 204
    assert call(cloud, "DELETE", f"/subnets/{subnet['id']}").status_code == 204
    assert call(cloud, "DELETE", f"/networks/{network['id']}").status_code == 204


def test_default_network_and_proxies(cloud):
    server = create(cloud, name="auto", networks="auto")
    wait(cloud, server, "ACTIVE")
    assert show(cloud, server)["addresses"]["private"][0]["addr"] == "10.0.0.2"
    assert call(cloud, "GET", f"/ports?device_id={server}").json()["ports"][0]["fixed_ips"][0]["ip_address"] == "10.0.0.2"
    own = made(cloud, "networks", "network", name="own")
    made(cloud, "subnets", "subnet", network_id=own["id"], cidr="192.168.20.0/24", ip_version=4)
    listed = validate(tenant_networks.list_tenant_networks, cloud.request("GET", "/v2.1/os-tenant-networks"))["networks"]
    assert {(n["label"], n["cidr"]) for n in listed} == {("private", "10.0.0.0/16"), ("public", "172.24.4.0/24"),
                                                         ("own", "192.168.20.0/24")}
    shown = validate(tenant_networks.get_tenant_network, cloud.request("GET", f"/v2.1/os-tenant-networks/{own['id']}"))
    assert shown["network"] == {"id": own["id"], "label": "own", "cidr": "192.168.20.0/24"}
    assert_fault(cloud.request("GET", f"/v2.1/os-tenant-networks/{own['id']}", token=OTHER), 404)
    bare = made(cloud, "networks", "network", name="bare")
    image = cloud.request("GET", "/v2.1/images").json()["images"][0]["id"]
    refused = cloud.request("POST", "/v2.1/servers", version="2.37", json={"server": {
        "name": "x", "imageRef": image, "flavorRef": "1", "networks": [{"uuid": bare["id"]}]}})
    assert_fault(refused, 400, f"Network {bare['id']} requires a subnet in order to boot instances on.")


def test_security_groups_in_the_network_service_and_the_compute_proxy(cloud):
    groups = call(cloud, "GET", "/security-groups").json()["security_groups"]
    assert [g["name"] for g in groups] == ["default"]
    web = made(cloud, "security-groups", "security_group", name="web", description="front end")
    assert sorted((r["direction"], r["ethertype"]) for r in web["security_group_rules"]) == [("egress", "IPv4"), ("egress", "IPv6")]
    rule = made(cloud, "security-group-rules", "security_group_rule", security_group_id=web["id"], direction="ingress",
                protocol="tcp", port_range_min=443, port_range_max=443, remote_ip_prefix="10.0.0.0/8")
    assert (rule["protocol"], rule["port_range_min"], rule["remote_ip_prefix"], rule["ethertype"]) == ("tcp", 443, "10.0.0.0/8", "IPv4")
    duplicate = call(cloud, "POST", "/security-group-rules", security_group_rule={
        "security_group_id": web["id"], "direction": "ingress", "protocol": "tcp", "port_range_min": 443, "port_range_max": 443,
        "remote_ip_prefix": "10.0.0.0/8"})
    neutron_fault(duplicate, 409, "SecurityGroupRuleExists")
    neutron_fault(call(cloud, "POST", "/security-group-rules", security_group_rule={
        "security_group_id": web["id"], "direction": "sideways"}), 400, "HTTPBadRequest")
    neutron_fault(call(cloud, "POST", "/security-group-rules", security_group_rule={
        "security_group_id": web["id"], "direction": "ingress", "ethertype": "IPv6", "remote_ip_prefix": "10.0.0.0/8"}),
        400, "SecurityGroupRuleParameterConflict")
    # Compute's proxy shows the same group with its ingress rules only.
    proxied = cloud.request("GET", f"/v2.1/os-security-groups/{web['id']}").json()["security_group"]
    assert proxied["name"] == "web" and [(r["ip_protocol"], r["from_port"], r["ip_range"]) for r in proxied["rules"]] == \
        [("tcp", 443, {"cidr": "10.0.0.0/8"})]
    server = create(cloud, name="guarded", networks="auto", security_groups=[{"name": "web"}])
    wait(cloud, server, "ACTIVE")
    renamed = call(cloud, "PUT", f"/security-groups/{web['id']}", security_group={"name": "www"}).json()["security_group"]
    assert renamed["name"] == "www"
    assert show(cloud, server)["security_groups"] == [{"name": "www"}]
    neutron_fault(call(cloud, "GET", f"/security-groups/{web['id']}", token=OTHER), 404, "SecurityGroupNotFound")
    default = next(g for g in call(cloud, "GET", "/security-groups?name=default").json()["security_groups"])
    neutron_fault(call(cloud, "DELETE", f"/security-groups/{default['id']}"), 409, "SecurityGroupCannotRemoveDefault")
    assert call(cloud, "DELETE", f"/security-group-rules/{rule['id']}").status_code == 204
    neutron_fault(call(cloud, "GET", f"/security-group-rules/{rule['id']}"), 404, "SecurityGroupRuleNotFound")
    assert len(call(cloud, "GET", f"/security-group-rules?security_group_id={web['id']}").json()["security_group_rules"]) == 2


def test_security_groups_and_rules_are_filtered_sorted_and_paged(cloud):
    web = made(cloud, "security-groups", "security_group", name="web")
    db = made(cloud, "security-groups", "security_group", name="db")
    made(cloud, "security-group-rules", "security_group_rule", security_group_id=web["id"], direction="ingress", protocol="tcp",
         port_range_min=22, port_range_max=22, remote_ip_prefix="10.0.0.0/8")
    names = lambda response: [g["name"] for g in response.json()["security_groups"]]  # noqa: E731
    assert names(call(cloud, "GET", "/security-groups?name=web&name=db")) == ["web", "db"]
    ordered = call(cloud, "GET", "/security-groups?sort_key=name&sort_dir=asc&limit=2")
    assert names(ordered) == ["db", "default"]
    rest = call(cloud, "GET", f"/security-groups?sort_key=name&sort_dir=asc&marker={ordered.json()['security_groups'][1]['id']}")
    assert names(rest) == ["web"]
    assert call(cloud, "GET", "/security-groups?name=web&fields=id").json()["security_groups"] == [{"id": web["id"]}]
    rules = lambda query: call(cloud, "GET", f"/security-group-rules?{query}").json()["security_group_rules"]  # noqa: E731
    assert [(r["direction"], r["ethertype"]) for r in rules(f"security_group_id={web['id']}&direction=egress")] == \
        [("egress", "IPv4"), ("egress", "IPv6")]
    assert [r["remote_ip_prefix"] for r in rules("protocol=tcp&port_range_min=22")] == ["10.0.0.0/8"]
    assert [r["security_group_id"] for r in rules(f"ethertype=IPv6&security_group_id={db['id']}")] == [db["id"]]
    assert len(rules(f"security_group_id={web['id']}&limit=1")) == 1
    # Another project's groups and rules stay its own; an admin filters by project.
    assert call(cloud, "GET", "/security-groups", token=OTHER).status_code == 200  # its `default`, made on first use
    assert "web" not in names(call(cloud, "GET", "/security-groups", token=OTHER))
    assert rules(f"security_group_id={web['id']}&project_id={OTHER_PROJECT}") == []
    other = call(cloud, "GET", f"/security-groups?project_id={OTHER_PROJECT}", token=ADMIN).json()["security_groups"]
    assert [(g["name"], g["project_id"]) for g in other] == [("default", OTHER_PROJECT)]
    by_project = call(cloud, "GET", f"/security-group-rules?tenant_id={OTHER_PROJECT}", token=ADMIN).json()["security_group_rules"]
    assert {r["security_group_id"] for r in by_project} <= {other[0]["id"]}
    mine = call(cloud, "GET", f"/security-group-rules?project_id={PROJECT}&protocol=tcp", token=ADMIN).json()["security_group_rules"]
    assert [r["port_range_max"] for r in mine] == [22]


def test_network_quotas(cloud):
    project = USER.split(":")[1]
    assert call(cloud, "GET", f"/quotas/{project}").json()["quota"]["network"] == 100
    neutron_fault(call(cloud, "PUT", f"/quotas/{project}", quota={"network": 1}), 403, "PolicyNotAuthorized")
    neutron_fault(call(cloud, "GET", f"/quotas/{OTHER_PROJECT}"), 403, "PolicyNotAuthorized")
    assert call(cloud, "PUT", f"/quotas/{project}", token=ADMIN, quota={"network": 1, "port": "3"}).json()["quota"]["port"] == 3
    network = made(cloud, "networks", "network", name="only")
    neutron_fault(call(cloud, "POST", "/networks", network={"name": "second"}), 409, "OverQuota")
    details = call(cloud, "GET", f"/quotas/{project}/details").json()["quota"]
    assert details["network"] == {"limit": 1, "used": 1, "reserved": 0}
    assert [q["project_id"] for q in call(cloud, "GET", "/quotas", token=ADMIN).json()["quotas"]] == [project]
    assert call(cloud, "DELETE", f"/quotas/{project}", token=ADMIN).status_code == 204
    assert call(cloud, "GET", f"/quotas/{project}").json()["quota"]["network"] == 100
    assert call(cloud, "DELETE", f"/networks/{network['id']}").status_code == 204


def test_server_create_respects_the_port_quota(cloud):
    """Nova asks the network service how many ports are left before it builds: a request for more servers
    than fit is cut to what fits (never below min_count), and one that cannot fit its minimum is a 403."""
    project = USER.split(":")[1]
    private = call(cloud, "GET", "/networks?name=private").json()["networks"][0]["id"]
    assert call(cloud, "PUT", f"/quotas/{project}", token=ADMIN, quota={"port": 3}).status_code == 200
    given = made(cloud, "ports", "port", network_id=private)  # one port used: two left
    image = image_id(cloud)

    def boot(name, networks, min_count, max_count):
        return cloud.request("POST", "/v2.1/servers", version="2.37", json={"server": {
            "name": name, "imageRef": image, "flavorRef": "1", "networks": networks, "min_count": min_count, "max_count": max_count}})

    assert boot("many", [{"uuid": private}], 1, 5).status_code == 202
    assert len(cloud.request("GET", "/v2.1/servers?name=many").json()["servers"]) == 2
    assert_fault(boot("more", [{"uuid": private}], 1, 1), 403, "Maximum number of ports exceeded")
    # No new port needed: a server on a port that exists, or on no network, still boots.
    assert boot("on-port", [{"port": given["id"]}], 1, 1).status_code == 202
    assert boot("bare", "none", 2, 2).status_code == 202
    assert call(cloud, "GET", f"/quotas/{project}/details").json()["quota"]["port"] == {"limit": 3, "used": 3, "reserved": 0}
    # A larger quota lets min_count through.
    assert call(cloud, "PUT", f"/quotas/{project}", token=ADMIN, quota={"port": 5}).status_code == 200
    assert_fault(boot("three", [{"uuid": private}], 3, 3), 403, "Maximum number of ports exceeded")
    assert boot("two", [{"uuid": private}], 2, 2).status_code == 202


def test_floating_ips_map_to_ports_and_show_on_servers(cloud):
    public = call(cloud, "GET", "/networks?router:external=true").json()["networks"][0]
    private = call(cloud, "GET", "/networks?name=private").json()["networks"][0]
    neutron_fault(call(cloud, "POST", "/floatingips", floatingip={"floating_network_id": private["id"]}), 400, "HTTPBadRequest")
    neutron_fault(call(cloud, "POST", "/floatingips", floatingip={"floating_network_id": public["id"], "floating_ip_address": "172.24.4.99"}),
                  403, "PolicyNotAuthorized")
    free = made(cloud, "floatingips", "floatingip", floating_network_id=public["id"])
    assert (free["floating_ip_address"], free["port_id"], free["status"]) == ("172.24.4.2", None, "DOWN")
    server = create(cloud, name="public-facing", networks="auto")
    wait(cloud, server, "ACTIVE")
    port = call(cloud, "GET", f"/ports?device_id={server}").json()["ports"][0]
    mapped = call(cloud, "PUT", f"/floatingips/{free['id']}", floatingip={"port_id": port["id"]}).json()["floatingip"]
    assert (mapped["fixed_ip_address"], mapped["status"]) == (port["fixed_ips"][0]["ip_address"], "ACTIVE")
    second = call(cloud, "POST", "/floatingips", floatingip={"floating_network_id": public["id"], "port_id": port["id"]})
    neutron_fault(second, 409, "FloatingIPPortAlreadyAssociated")
    addresses = show(cloud, server)["addresses"]["private"]
    assert [(a["addr"], a["OS-EXT-IPS:type"]) for a in addresses] == [("10.0.0.2", "fixed"), ("172.24.4.2", "floating")]
    assert cloud.request("GET", f"/v2.1/servers/{server}/ips/private").json()["private"][1] == {"version": 4, "addr": "172.24.4.2"}
    listed = call(cloud, "GET", f"/floatingips?port_id={port['id']}").json()["floatingips"]
    assert [f["id"] for f in listed] == [free["id"]]
    neutron_fault(call(cloud, "GET", f"/floatingips/{free['id']}", token=OTHER), 404, "FloatingIPNotFound")
    # The server's port goes with it; the address stays the project's, unmapped.
    assert cloud.request("DELETE", f"/v2.1/servers/{server}").status_code == 204
    wait_deleted(cloud, server)
    kept = call(cloud, "GET", f"/floatingips/{free['id']}").json()["floatingip"]
    assert (kept["port_id"], kept["fixed_ip_address"], kept["status"]) == (None, None, "DOWN")
    assert call(cloud, "DELETE", f"/floatingips/{free['id']}").status_code == 204
    assert call(cloud, "GET", f"/ports?network_id={public['id']}").json()["ports"] == []


def test_a_floating_ip_needs_a_router_from_its_network_to_the_port(cloud):
    """As in Neutron: a floating address maps only to a fixed address whose subnet a router connects to the
    floating address's network (bootstrap's router1 does it for `private`)."""
    public = call(cloud, "GET", "/networks?router:external=true").json()["networks"][0]
    isolated = made(cloud, "networks", "network", name="isolated")
    subnet = made(cloud, "subnets", "subnet", network_id=isolated["id"], cidr="192.168.60.0/24", ip_version=4)
    port = made(cloud, "ports", "port", network_id=isolated["id"])
    unreachable = call(cloud, "POST", "/floatingips", floatingip={"floating_network_id": public["id"], "port_id": port["id"]})
    neutron_fault(unreachable, 404, "ExternalGatewayForFloatingIPNotFound")
    assert f"not reachable from subnet {subnet['id']}" in unreachable.json()["NeutronError"]["message"]
    assert call(cloud, "GET", "/floatingips").json()["floatingips"] == []  # nothing was allocated
    free = made(cloud, "floatingips", "floatingip", floating_network_id=public["id"])
    neutron_fault(call(cloud, "PUT", f"/floatingips/{free['id']}", floatingip={"port_id": port["id"]}), 404,
                  "ExternalGatewayForFloatingIPNotFound")
    # Through compute (before 2.44) the same refusal is Nova's 400.
    server = create(cloud, name="isolated", networks=[{"uuid": isolated["id"]}])
    wait(cloud, server, "ACTIVE")
    refused = cloud.request("POST", f"/v2.1/servers/{server}/action", version="2.43",
                            json={"addFloatingIp": {"address": free["floating_ip_address"]}})
    assert_fault(refused, 400)
    # A router with its gateway on public and an interface on the subnet makes it reachable.
    router = made(cloud, "routers", "router", name="edge", external_gateway_info={"network_id": public["id"]})
    assert call(cloud, "PUT", f"/routers/{router['id']}/add_router_interface", subnet_id=subnet["id"]).status_code == 200
    mapped = call(cloud, "PUT", f"/floatingips/{free['id']}", floatingip={"port_id": port["id"]})
    assert mapped.status_code == 200 and mapped.json()["floatingip"]["fixed_ip_address"] == port["fixed_ips"][0]["ip_address"]
    assert call(cloud, "PUT", f"/floatingips/{free['id']}", floatingip={"port_id": None}).status_code == 200
    added = cloud.request("POST", f"/v2.1/servers/{server}/action", version="2.43",
                          json={"addFloatingIp": {"address": free["floating_ip_address"]}})
    assert added.status_code == 202
    assert [a["OS-EXT-IPS:type"] for a in show(cloud, server)["addresses"]["isolated"]] == ["fixed", "floating"]


def test_port_security_groups_and_allowed_address_pairs(cloud):
    default = call(cloud, "GET", "/security-groups?name=default").json()["security_groups"][0]["id"]
    web = made(cloud, "security-groups", "security_group", name="web")
    private = call(cloud, "GET", "/networks?name=private").json()["networks"][0]["id"]
    plain = made(cloud, "ports", "port", network_id=private)
    assert plain["security_groups"] == [default] and plain["allowed_address_pairs"] == []
    paired = made(cloud, "ports", "port", network_id=private, security_groups=[web["id"]],
                  allowed_address_pairs=[{"ip_address": "10.0.9.0/24"}, {"ip_address": "10.0.8.8", "mac_address": "fa:16:3e:00:00:01"}])
    assert paired["security_groups"] == [web["id"]]
    assert paired["allowed_address_pairs"] == [{"ip_address": "10.0.9.0/24", "mac_address": paired["mac_address"]},
                                              {"ip_address": "10.0.8.8", "mac_address": "fa:16:3e:00:00:01"}]
    cleared = call(cloud, "PUT", f"/ports/{paired['id']}", port={"allowed_address_pairs": []}).json()["port"]
    assert cleared["allowed_address_pairs"] == []
    neutron_fault(call(cloud, "POST", "/ports", port={"network_id": private, "allowed_address_pairs": [{"ip_address": "nope"}]}),
                  400, "AllowedAddressPairsMissingIP")
    neutron_fault(call(cloud, "POST", "/ports", port={"network_id": private, "allowed_address_pairs": [{"ip_address": f"10.1.0.{i}"}
                                                                                                  for i in range(11)]}),
                  400, "AllowedAddressPairExhausted")
    neutron_fault(call(cloud, "POST", "/ports", port={"network_id": private, "security_groups": ["00000000-0000-4000-8000-000000000000"]}),
                  404, "SecurityGroupNotFound")
    # A server's ports carry its groups, and follow addSecurityGroup / removeSecurityGroup.
    server = create(cloud, name="grouped", networks="auto", security_groups=[{"name": "web"}])
    wait(cloud, server, "ACTIVE")
    groups = lambda: call(cloud, "GET", f"/ports?device_id={server}").json()["ports"][0]["security_groups"]
    assert groups() == [web["id"]]
    assert cloud.request("POST", f"/v2.1/servers/{server}/action", json={"addSecurityGroup": {"name": "default"}}).status_code == 202
    assert groups() == [web["id"], default]
    assert cloud.request("POST", f"/v2.1/servers/{server}/action", json={"removeSecurityGroup": {"name": "web"}}).status_code == 202
    assert groups() == [default]

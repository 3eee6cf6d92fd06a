"""Issue 11: security groups of the simulated network — os-security-groups and rules (through 2.35), a
server's groups, addSecurityGroup / removeSecurityGroup — validated against tempest's schemas."""
import pytest
from tempest.lib.api_schema.response.compute.v2_1 import security_groups as schema

from conftest import OTHER_PROJECT, PROJECT, ADMIN, assert_fault, validate
from servers import action, create, show, wait


@pytest.fixture
def cloud(novakit):
    return novakit("--compute-step-delay", "5", admin_password="pw")


def groups(cloud):
    return validate(schema.list_security_groups, cloud.request("GET", "/v2.1/os-security-groups"))["security_groups"]


def test_groups_and_rules(cloud):
    assert [g["name"] for g in groups(cloud)] == ["default"]
    created = validate(schema.get_security_group, cloud.request(
        "POST", "/v2.1/os-security-groups", json={"security_group": {"name": "web", "description": "http"}}))["security_group"]
    assert (created["name"], created["description"], created["tenant_id"], created["rules"]) == ("web", "http", PROJECT, [])
    assert_fault(cloud.request("POST", "/v2.1/os-security-groups", json={"security_group": {"name": "web", "description": "again"}}), 400)
    assert_fault(cloud.request("POST", "/v2.1/os-security-groups", json={"security_group": {"name": "x"}}), 400)
    rule = validate(schema.create_security_group_rule, cloud.request("POST", "/v2.1/os-security-group-rules", json={
        "security_group_rule": {"parent_group_id": created["id"], "ip_protocol": "tcp", "from_port": "80", "to_port": 80,
                                "cidr": "10.0.0.0/8"}}))["security_group_rule"]
    assert (rule["ip_protocol"], rule["from_port"], rule["to_port"], rule["ip_range"]) == ("tcp", 80, 80, {"cidr": "10.0.0.0/8"})
    default = next(g for g in groups(cloud) if g["name"] == "default")
    from_group = cloud.request("POST", "/v2.1/os-security-group-rules", json={
        "security_group_rule": {"parent_group_id": created["id"], "ip_protocol": "icmp", "from_port": -1, "to_port": -1,
                                "group_id": default["id"]}}).json()["security_group_rule"]
    assert from_group["group"] == {"name": "default", "tenant_id": PROJECT} and from_group["ip_range"] == {}
    for bad in [{"ip_protocol": "gre", "from_port": 1, "to_port": 2}, {"ip_protocol": "tcp", "from_port": 90, "to_port": 80},
                {"ip_protocol": "tcp", "from_port": 1, "to_port": 70000}, {"ip_protocol": "tcp", "from_port": 1, "to_port": 2, "cidr": "nope"},
                {"ip_protocol": "tcp", "from_port": "80", "to_port": 80, "cidr": "10.0.0.0/8"}]:
        body = {"security_group_rule": {"parent_group_id": created["id"], **bad}}
        assert_fault(cloud.request("POST", "/v2.1/os-security-group-rules", json=body), 400)
    shown = validate(schema.get_security_group, cloud.request("GET", f"/v2.1/os-security-groups/{created['id']}"))["security_group"]
    assert len(shown["rules"]) == 2
    assert cloud.request("DELETE", f"/v2.1/os-security-group-rules/{rule['id']}").status_code == 202
    assert_fault(cloud.request("DELETE", f"/v2.1/os-security-group-rules/{rule['id']}"), 404)
    updated = validate(schema.update_security_group, cloud.request(
        "PUT", f"/v2.1/os-security-groups/{created['id']}", json={"security_group": {"name": "www", "description": "web"}}))
    assert updated["security_group"]["name"] == "www"
    assert_fault(cloud.request("PUT", f"/v2.1/os-security-groups/{default['id']}",
                               json={"security_group": {"name": "d", "description": "d"}}), 400)
    assert_fault(cloud.request("DELETE", f"/v2.1/os-security-groups/{default['id']}"), 400)
    assert_fault(cloud.request("GET", f"/v2.1/os-security-groups/{created['id']}", token=f"bob:{OTHER_PROJECT}"), 404)
    assert cloud.request("DELETE", f"/v2.1/os-security-groups/{created['id']}").status_code == 202
    assert [g["name"] for g in groups(cloud)] == ["default"]
    assert_fault(cloud.request("GET", "/v2.1/os-security-groups", version="2.36"), 404)


def test_server_groups_add_and_remove(cloud):
    web = cloud.request("POST", "/v2.1/os-security-groups", json={"security_group": {"name": "web", "description": "w"}}).json()
    server = create(cloud, name="guarded", networks="auto", security_groups=[{"name": "web"}])
    wait(cloud, server, "ACTIVE")
    assert show(cloud, server)["security_groups"] == [{"name": "web"}]
    listed = validate(schema.list_security_groups, cloud.request("GET", f"/v2.1/servers/{server}/os-security-groups"))
    assert [g["name"] for g in listed["security_groups"]] == ["web"]
    assert_fault(cloud.request("DELETE", f"/v2.1/os-security-groups/{web['security_group']['id']}"), 400)  # in use
    assert action(cloud, server, {"addSecurityGroup": {"name": "default"}}).status_code == 202
    assert show(cloud, server)["security_groups"] == [{"name": "web"}, {"name": "default"}]
    assert_fault(action(cloud, server, {"addSecurityGroup": {"name": "default"}}), 400)
    assert_fault(action(cloud, server, {"addSecurityGroup": {"name": "nope"}}), 404)
    for name in ["web", "default"]:
        assert action(cloud, server, {"removeSecurityGroup": {"name": name}}).status_code == 202
    assert "security_groups" not in show(cloud, server)
    assert_fault(action(cloud, server, {"removeSecurityGroup": {"name": "default"}}), 400)
    # A server without an address has no ports, so no groups; unknown groups at create are refused.
    bare = create(cloud, name="bare", networks="none")
    assert "security_groups" not in show(cloud, bare)
    image = cloud.request("GET", "/v2.1/images").json()["images"][0]["id"]
    refused = cloud.request("POST", "/v2.1/servers", version="2.37", json={"server": {
        "name": "x", "imageRef": image, "flavorRef": "1", "networks": "auto", "security_groups": [{"name": "ghost"}]}})
    assert_fault(refused, 400)
    default_server = create(cloud, name="plain", networks="auto")
    assert show(cloud, default_server)["security_groups"] == [{"name": "default"}]
    assert show(cloud, default_server, token=ADMIN)["security_groups"] == [{"name": "default"}]


def test_all_tenants_peer_rules_and_uuid_ids(cloud):
    other = f"bob:{OTHER_PROJECT}"
    def make(name, token=None):
        return validate(schema.get_security_group, cloud.request(
            "POST", "/v2.1/os-security-groups", token=token or ADMIN, json={"security_group": {"name": name, "description": ""}}))["security_group"]
    mine, theirs = make("mine"), make("theirs", token=other)
    everyone = lambda token: [g["id"] for g in validate(schema.list_security_groups, cloud.request(
        "GET", "/v2.1/os-security-groups?all_tenants=true", token=token))["security_groups"]]
    assert {mine["id"], theirs["id"]} <= set(everyone(ADMIN))
    assert theirs["id"] in everyone(other) and mine["id"] not in everyone(other)
    # A rule admitting another group's members goes when that group is deleted.
    peer = make("peer")
    rule = {"security_group_rule": {"parent_group_id": mine["id"], "ip_protocol": "tcp", "from_port": 22, "to_port": 22, "group_id": peer["id"]}}
    validate(schema.create_security_group_rule, cloud.request("POST", "/v2.1/os-security-group-rules", token=ADMIN, json=rule))
    assert cloud.request("DELETE", f"/v2.1/os-security-groups/{peer['id']}", token=ADMIN).status_code == 202
    assert cloud.request("GET", f"/v2.1/os-security-groups/{mine['id']}", token=ADMIN).json()["security_group"]["rules"] == []
    # Group ids are uuids: another form is a 400 before any lookup; an unknown uuid a 404.
    bad = {"security_group_rule": {"parent_group_id": "not-a-uuid", "ip_protocol": "tcp", "from_port": 22, "to_port": 22}}
    assert_fault(cloud.request("POST", "/v2.1/os-security-group-rules", token=ADMIN, json=bad), 400, "Security group id should be uuid")
    bad["security_group_rule"]["parent_group_id"] = "00000000-0000-4000-8000-000000000000"
    assert_fault(cloud.request("POST", "/v2.1/os-security-group-rules", token=ADMIN, json=bad), 404)

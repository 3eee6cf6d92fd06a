"""Issue 11: os-server-groups at 2.1, 2.13, 2.15 and 2.64, the scheduler following group policies, quotas and
2.71's server_groups, validated against tempest's schemas."""
import uuid

import pytest
from tempest.lib.api_schema.response.compute.v2_71 import servers as servers271
from tempest.lib.services.compute.server_groups_client import ServerGroupsClient

from conftest import ADMIN, OTHER_PROJECT, assert_fault, validate
from servers import pick, show, wait


@pytest.fixture
def cloud(novakit):
    return novakit("--compute-step-delay", "5", "--compute-host", "node-a:8:16384:200", "--compute-host", "node-b:8:16384:200",
                   "--compute-host", "node-c:8:16384:200", admin_password="pw")


def schema(version):
    return pick(ServerGroupsClient.schema_versions_info, version)


def new_group(cloud, version=None, **body):
    response = cloud.request("POST", "/v2.1/os-server-groups", version=version, json={"server_group": body})
    return validate(schema(version).create_show_server_group, response)["server_group"]


def boot(cloud, group, name, count=1):
    image = cloud.request("GET", "/v2.1/images").json()["images"][0]["id"]
    response = cloud.request("POST", "/v2.1/servers", version="2.37", json={
        "server": {"name": name, "imageRef": image, "flavorRef": "1", "networks": "none", "min_count": count, "max_count": count,
                   "return_reservation_id": True},
        "os:scheduler_hints": {"group": group}})
    assert response.status_code == 202, response.text
    reservation = response.json()["reservation_id"]
    servers = cloud.request("GET", f"/v2.1/servers?reservation_id={reservation}").json()["servers"]
    return [s["id"] for s in servers]


def host_of(cloud, server):
    return wait(cloud, server, "ACTIVE") and show(cloud, server, token=ADMIN)["OS-EXT-SRV-ATTR:host"]


@pytest.mark.parametrize("version", [None, "2.13", "2.64"])
def test_create_list_show_delete_by_version(cloud, version):
    body = {"name": "grp", "policy": "anti-affinity", "rules": {"max_server_per_host": "2"}} if version == "2.64" else {
        "name": "grp", "policies": ["affinity"]}
    group = new_group(cloud, version, **body)
    assert group["members"] == [] and group["name"] == "grp"
    if version == "2.64":
        assert (group["policy"], group["rules"]) == ("anti-affinity", {"max_server_per_host": 2})
    else:
        assert group["policies"] == ["affinity"] and group["metadata"] == {}
    assert ("project_id" in group) == (version is not None)
    listed = validate(schema(version).list_server_groups, cloud.request("GET", "/v2.1/os-server-groups", version=version))
    assert [g["id"] for g in listed["server_groups"]] == [group["id"]]
    shown = validate(schema(version).create_show_server_group,
                     cloud.request("GET", f"/v2.1/os-server-groups/{group['id']}", version=version))
    assert shown["server_group"] == group
    assert_fault(cloud.request("GET", f"/v2.1/os-server-groups/{group['id']}", token=f"bob:{OTHER_PROJECT}"), 404)
    deleted = cloud.request("DELETE", f"/v2.1/os-server-groups/{group['id']}", version=version)
    validate(schema(version).delete_server_group, deleted)
    assert_fault(cloud.request("GET", f"/v2.1/os-server-groups/{group['id']}"), 404)


def test_create_validation_by_version(cloud):
    bad = [
        (None, {"name": "g", "policies": ["soft-affinity"]}),  # soft policies from 2.15
        (None, {"name": "g", "policies": ["affinity", "anti-affinity"]}),
        (None, {"name": "g", "policies": []}), (None, {"name": "", "policies": ["affinity"]}), (None, {"policies": ["affinity"]}),
        ("2.64", {"name": "g", "policies": ["affinity"]}),
        ("2.64", {"name": "g", "policy": "affinity", "rules": {"max_server_per_host": 2}}),
        ("2.64", {"name": "g", "policy": "anti-affinity", "rules": {"max_server_per_host": 0}}),
    ]
    for version, body in bad:
        assert_fault(cloud.request("POST", "/v2.1/os-server-groups", version=version, json={"server_group": body}), 400)
    assert new_group(cloud, "2.15", name="soft", policies=["soft-anti-affinity"])["policies"] == ["soft-anti-affinity"]


def test_affinity_and_anti_affinity_place_members(cloud):
    together = new_group(cloud, name="together", policies=["affinity"])
    members = boot(cloud, together["id"], "aff", count=2) + boot(cloud, together["id"], "aff-late")
    assert len({host_of(cloud, s) for s in members}) == 1
    apart = new_group(cloud, name="apart", policies=["anti-affinity"])
    spread = boot(cloud, apart["id"], "anti", count=3)
    assert len({host_of(cloud, s) for s in spread}) == 3
    # A fourth member has no host left: it fails with NoValidHost.
    extra = boot(cloud, apart["id"], "anti-extra")[0]
    assert "No valid host" in wait(cloud, extra, "ERROR")["fault"]["message"]
    shown = validate(schema(None).create_show_server_group, cloud.request("GET", f"/v2.1/os-server-groups/{apart['id']}"))
    assert set(shown["server_group"]["members"]) == set(spread + [extra])
    # 2.71 shows a member's group; a deleted member leaves the group.
    view = validate(servers271.get_server, cloud.request("GET", f"/v2.1/servers/{spread[0]}", version="2.71"))["server"]
    assert view["server_groups"] == [apart["id"]]
    # Update and rebuild answer with the full view from 2.75, groups included.
    from tempest.lib.api_schema.response.compute.v2_75 import servers as servers275
    updated = validate(servers275.update_server, cloud.request("PUT", f"/v2.1/servers/{spread[0]}", version="2.75",
                                                              json={"server": {"name": "renamed"}}))["server"]
    assert updated["server_groups"] == [apart["id"]]
    assert cloud.request("DELETE", f"/v2.1/servers/{extra}").status_code == 204
    for _ in range(100):
        members = cloud.request("GET", f"/v2.1/os-server-groups/{apart['id']}").json()["server_group"]["members"]
        if extra not in members:
            break
    assert set(members) == set(spread)


def test_max_server_per_host_and_soft_anti_affinity(cloud):
    two_per_host = new_group(cloud, "2.64", name="pairs", policy="anti-affinity", rules={"max_server_per_host": 2})
    placed = boot(cloud, two_per_host["id"], "pair", count=6)
    hosts = [host_of(cloud, s) for s in placed]
    assert sorted(hosts.count(h) for h in set(hosts)) == [2, 2, 2]
    soft = new_group(cloud, "2.15", name="soft", policies=["soft-anti-affinity"])
    many = boot(cloud, soft["id"], "soft", count=4)
    assert all(wait(cloud, s, "ACTIVE") for s in many)  # a fourth member still finds a host


def test_group_hint_errors_and_quotas(cloud):
    image = cloud.request("GET", "/v2.1/images").json()["images"][0]["id"]
    server = {"name": "x", "imageRef": image, "flavorRef": "1", "networks": "none"}
    missing = cloud.request("POST", "/v2.1/servers", version="2.37",
                            json={"server": server, "os:scheduler_hints": {"group": str(uuid.uuid4())}})
    assert_fault(missing, 404)
    assert_fault(cloud.request("POST", "/v2.1/servers", version="2.37", json={"server": server, "os:scheduler_hints": {"group": "nope"}}),
                 400)
    from conftest import PROJECT
    assert cloud.request("PUT", f"/v2.1/os-quota-sets/{PROJECT}", token=ADMIN,
                         json={"quota_set": {"server_groups": 1, "server_group_members": 1}}).status_code == 200
    group = new_group(cloud, name="only", policies=["affinity"])
    assert_fault(cloud.request("POST", "/v2.1/os-server-groups", json={"server_group": {"name": "two", "policies": ["affinity"]}}), 403)
    assert_fault(cloud.request("POST", "/v2.1/servers", version="2.37", json={
        "server": {**server, "min_count": 2}, "os:scheduler_hints": {"group": group["id"]}}), 403)
    assert len(boot(cloud, group["id"], "one")) == 1


def test_same_host_and_different_host_hints(cloud):
    first = boot_with_hints(cloud, "first", {})
    host = host_of(cloud, first)
    beside = boot_with_hints(cloud, "beside", {"same_host": first})
    assert host_of(cloud, beside) == host
    away = boot_with_hints(cloud, "away", {"different_host": [first, beside]})
    assert host_of(cloud, away) != host
    elsewhere = boot_with_hints(cloud, "elsewhere", {"different_host": first, "same_host": [away]})
    assert host_of(cloud, elsewhere) == host_of(cloud, away)
    image = cloud.request("GET", "/v2.1/images").json()["images"][0]["id"]
    bad = cloud.request("POST", "/v2.1/servers", version="2.37", json={
        "server": {"name": "x", "imageRef": image, "flavorRef": "1", "networks": "none"}, "os:scheduler_hints": {"same_host": "nope"}})
    assert_fault(bad, 400)


def boot_with_hints(cloud, name, hints):
    image = cloud.request("GET", "/v2.1/images").json()["images"][0]["id"]
    response = cloud.request("POST", "/v2.1/servers", version="2.37", json={
        "server": {"name": name, "imageRef": image, "flavorRef": "1", "networks": "none"}, "os:scheduler_hints": hints})
    assert response.status_code == 202, response.text
    return response.json()["server"]["id"]

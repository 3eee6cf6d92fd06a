"""Issue 6: servers on the fake driver — the seed's revertResize flow, every action's HTTP contract,
views at every microversion tempest has a schema for, listing, metadata, tags, migrations and instance actions."""
import pytest
from tempest.lib.api_schema.response.compute.v2_1 import servers as v21

from conftest import ADMIN, OTHER_PROJECT, PROJECT, USER, assert_fault, validate
from servers import (SCHEMA_VERSIONS, action, create, migration_schema, server_schema, show, wait, wait_deleted)

OTHER = f"bob:{OTHER_PROJECT}"


@pytest.fixture
def cloud(novakit):
    # Long enough that the transitional states (BUILD, RESIZE, REBOOT) are seen right after a 202.
    return novakit("--compute-step-delay", "150", admin_password="pw")


def test_seed_flow_resize_revert_and_confirm(cloud):
    server = create(cloud, "seed")
    assert show(cloud, server)["status"] == "BUILD"
    active = wait(cloud, server, "ACTIVE")
    assert active["flavor"]["id"] == "1" and active["OS-EXT-STS:power_state"] == 1 and active["OS-SRV-USG:launched_at"]

    # revertResize on an ACTIVE server that was never resized: 409 naming the state.
    assert_fault(action(cloud, server, {"revertResize": None}), 409,
                 f"Cannot 'revertResize' instance {server} while it is in vm_state active")
    assert_fault(action(cloud, server, {"confirmResize": None}), 409,
                 f"Cannot 'confirmResize' instance {server} while it is in vm_state active")
    assert_fault(action(cloud, server, {"resize": {"flavorRef": "1"}}), 400, "When resizing, instances must change flavor!")
    assert_fault(action(cloud, server, {"resize": {"flavorRef": "404"}}), 400, "Flavor 404 could not be found.")

    response = action(cloud, server, {"resize": {"flavorRef": "2"}})
    assert response.status_code == 202 and response.content == b""
    assert show(cloud, server)["status"] == "RESIZE"
    resized = wait(cloud, server, "VERIFY_RESIZE")
    assert resized["flavor"]["id"] == "2"
    migrations = validate(migration_schema("2.80").list_migrations,
                          cloud.request("GET", f"/v2.1/os-migrations?instance_uuid={server}", token=ADMIN, version="2.80"))["migrations"]
    assert [(m["status"], m["migration_type"], m["user_id"]) for m in migrations] == [("finished", "resize", "alice")]

    response = action(cloud, server, {"revertResize": None})
    assert response.status_code == 202 and response.content == b""
    reverted = wait(cloud, server, "ACTIVE")
    assert reverted["flavor"]["id"] == "1"
    migrations = cloud.request("GET", f"/v2.1/os-migrations?instance_uuid={server}", token=ADMIN).json()["migrations"]
    assert [m["status"] for m in migrations] == ["reverted"]
    assert migrations[0]["old_instance_type_id"] != migrations[0]["new_instance_type_id"]

    assert action(cloud, server, {"resize": {"flavorRef": "2"}}).status_code == 202
    wait(cloud, server, "VERIFY_RESIZE")
    response = action(cloud, server, {"confirmResize": None})
    assert response.status_code == 204 and response.content == b""
    confirmed = wait(cloud, server, "ACTIVE")
    assert confirmed["flavor"]["id"] == "2"
    statuses = [m["status"] for m in cloud.request("GET", f"/v2.1/os-migrations?instance_uuid={server}", token=ADMIN).json()["migrations"]]
    assert sorted(statuses) == ["confirmed", "reverted"]
    # The embedded flavor from 2.47 follows the resize too.
    assert show(cloud, server, version="2.47")["flavor"]["original_name"] == "m1.small"


def test_revert_without_a_finished_migration_or_with_the_old_flavor_gone(cloud):
    server = create(cloud, "lost")
    wait(cloud, server, "ACTIVE")
    assert action(cloud, server, {"resize": {"flavorRef": "2"}}).status_code == 202
    wait(cloud, server, "VERIFY_RESIZE")
    cloud.db.query(f"UPDATE migrations SET deleted = id WHERE instance_uuid = '{server}'")
    assert_fault(action(cloud, server, {"revertResize": None}), 400, "Instance has not been resized.")
    assert_fault(action(cloud, server, {"confirmResize": None}), 400, "Instance has not been resized.")
    cloud.db.query(f"UPDATE migrations SET deleted = 0 WHERE instance_uuid = '{server}'")
    old_flavor = cloud.db.query(f"SELECT old_flavor FROM instances WHERE uuid = '{server}'")
    cloud.db.query(f"UPDATE instances SET old_flavor = NULL WHERE uuid = '{server}'")
    assert_fault(action(cloud, server, {"revertResize": None}), 400, "Flavor used by the instance could not be found.")
    assert old_flavor[0][0], "the resize recorded the old flavor on the instance"
    # Confirming does not need the old flavor.
    assert action(cloud, server, {"confirmResize": None}).status_code == 204
    wait(cloud, server, "ACTIVE")


def test_revert_after_the_old_flavor_left_the_catalog(cloud):
    """The instance keeps its own record of the old flavor, so deleting the flavor does not stop a revert
    (tempest's test_resize_server_revert_deleted_flavor)."""
    created = cloud.request("POST", "/v2.1/flavors", token=ADMIN,
                            json={"flavor": {"name": "short-lived", "ram": 256, "vcpus": 1, "disk": 1}}).json()["flavor"]
    server = create(cloud, "reverting", flavor=created["id"])
    wait(cloud, server, "ACTIVE")
    assert cloud.request("DELETE", f"/v2.1/flavors/{created['id']}", token=ADMIN).status_code == 202
    assert action(cloud, server, {"resize": {"flavorRef": "2"}}).status_code == 202
    wait(cloud, server, "VERIFY_RESIZE")
    assert action(cloud, server, {"revertResize": None}).status_code == 202
    reverted = wait(cloud, server, "ACTIVE")
    assert reverted["flavor"]["id"] == created["id"]


def test_lock_by_admin_refuses_the_owner(cloud):
    server = create(cloud, "locked")
    wait(cloud, server, "ACTIVE")
    assert action(cloud, server, {"lock": {"locked_reason": "maintenance"}}, token=ADMIN, version="2.73").status_code == 202
    view = show(cloud, server, version="2.73")
    assert view["locked"] is True and view["locked_reason"] == "maintenance"
    for body in ({"os-stop": None}, {"reboot": {"type": "SOFT"}}, {"pause": None}, {"resize": {"flavorRef": "2"}}):
        assert_fault(action(cloud, server, body), 409, f"Instance {server} is locked")
    assert_fault(cloud.request("DELETE", f"/v2.1/servers/{server}"), 409, f"Instance {server} is locked")
    assert_fault(cloud.request("PUT", f"/v2.1/servers/{server}/metadata/k", json={"meta": {"k": "v"}}), 409)
    # The state check comes before the lock: a wrong state is reported as such.
    assert_fault(action(cloud, server, {"os-start": None}), 409, f"Cannot 'start' instance {server} while it is in vm_state active")
    # The owner may not lift an admin's lock; the admin may act and unlock.
    assert_fault(action(cloud, server, {"unlock": None}), 403)
    assert action(cloud, server, {"os-stop": None}, token=ADMIN).status_code == 202
    wait(cloud, server, "SHUTOFF")
    assert action(cloud, server, {"unlock": None}, token=ADMIN).status_code == 202
    assert action(cloud, server, {"os-start": None}).status_code == 202
    wait(cloud, server, "ACTIVE")
    # An owner's own lock: the owner may unlock it.
    assert action(cloud, server, {"lock": None}).status_code == 202
    assert show(cloud, server, version="2.73")["locked_reason"] is None
    assert action(cloud, server, {"unlock": None}).status_code == 202


@pytest.mark.parametrize("body, state_after, refused", [
    ({"os-stop": None}, "SHUTOFF", [({"os-stop": None}, "stop", "stopped"), ({"pause": None}, "pause", "stopped"),
                                    ({"reboot": {"type": "SOFT"}}, "reboot", "stopped")]),
    ({"pause": None}, "PAUSED", [({"pause": None}, "pause", "paused"), ({"suspend": None}, "suspend", "paused"),
                                 ({"os-start": None}, "start", "paused")]),
    ({"suspend": None}, "SUSPENDED", [({"unpause": None}, "unpause", "suspended"), ({"os-stop": None}, "stop", "suspended")]),
])
def test_actions_move_states_and_refuse_from_the_wrong_one(cloud, body, state_after, refused):
    server = create(cloud, "states")
    wait(cloud, server, "ACTIVE")
    response = action(cloud, server, body)
    assert response.status_code == 202 and response.content == b""
    wait(cloud, server, state_after)
    for refused_body, name, vm_state in refused:
        assert_fault(action(cloud, server, refused_body), 409, f"Cannot '{name}' instance {server} while it is in vm_state {vm_state}")
    undo = {"SHUTOFF": {"os-start": None}, "PAUSED": {"unpause": None}, "SUSPENDED": {"resume": None}}[state_after]
    assert action(cloud, server, undo).status_code == 202
    wait(cloud, server, "ACTIVE")


def test_task_in_flight_refuses_other_actions(novakit):
    cloud = novakit("--compute-step-delay", "1000", admin_password="pw")
    server = create(cloud, "busy")
    wait(cloud, server, "ACTIVE")
    assert action(cloud, server, {"reboot": {"type": "SOFT"}}).status_code == 202
    assert show(cloud, server)["status"] == "REBOOT"
    assert_fault(action(cloud, server, {"os-stop": None}), 409, f"Cannot 'stop' instance {server} while it is in task_state rebooting")
    # A hard reboot may take over a soft one, as in Nova.
    assert action(cloud, server, {"reboot": {"type": "HARD"}}).status_code == 202
    assert show(cloud, server)["status"] == "HARD_REBOOT"
    wait(cloud, server, "ACTIVE")


def test_more_actions(cloud):
    server = create(cloud, "many", metadata={"role": "web"})
    wait(cloud, server, "ACTIVE")
    # createImage registers an image (Location before 2.45, a body from 2.45).
    response = action(cloud, server, {"createImage": {"name": "snap", "metadata": {"k": "v", "image_type": "test"}}})
    assert response.status_code == 202 and "/images/" in response.headers["Location"]
    wait(cloud, server, "ACTIVE")
    response = action(cloud, server, {"createImage": {"name": "snap2"}}, version="2.45")
    assert response.status_code == 202
    image = response.json()["image_id"]
    images = {i["name"]: i for i in cloud.request("GET", "/v2.1/images/detail").json()["images"]}
    assert images["snap2"]["id"] == image and images["snap"]["metadata"]["instance_uuid"] == server
    # The request's metadata is laid over Nova's own properties: a given image_type wins.
    assert (images["snap"]["metadata"]["image_type"], images["snap2"]["metadata"]["image_type"]) == ("test", "snapshot")
    wait(cloud, server, "ACTIVE")
    # rebuild answers the server with a new admin password.
    rebuilt = validate(v21.rebuild_server_with_admin_pass,
                       action(cloud, server, {"rebuild": {"imageRef": image, "name": "rebuilt", "adminPass": "s3cret"}}))["server"]
    assert rebuilt["adminPass"] == "s3cret" and rebuilt["name"] == "rebuilt" and rebuilt["image"]["id"] == image
    wait(cloud, server, "ACTIVE")
    assert_fault(action(cloud, server, {"rebuild": {"imageRef": "nope"}}), 400, "Image nope could not be found.")
    # changePassword, admin-only migrate and reset-state.
    assert action(cloud, server, {"changePassword": {"adminPass": "n3w"}}).status_code == 202
    wait(cloud, server, "ACTIVE")
    assert_fault(action(cloud, server, {"migrate": None}), 403)
    assert action(cloud, server, {"migrate": None}, token=ADMIN).status_code == 202
    wait(cloud, server, "VERIFY_RESIZE")
    assert action(cloud, server, {"confirmResize": None}).status_code == 204
    wait(cloud, server, "ACTIVE")
    assert_fault(action(cloud, server, {"os-resetState": {"state": "error"}}), 403)
    assert action(cloud, server, {"os-resetState": {"state": "error"}}, token=ADMIN).status_code == 202
    assert show(cloud, server)["status"] == "ERROR"
    assert action(cloud, server, {"os-resetState": {"state": "active"}}, token=ADMIN).status_code == 202
    assert_fault(action(cloud, server, {"os-resetState": {"state": "bogus"}}, token=ADMIN), 400)
    # Unknown and malformed actions.
    assert_fault(action(cloud, server, {"fly": None}), 400, "There is no such action: fly")
    assert_fault(action(cloud, server, {"reboot": {"type": "GENTLE"}}), 400)
    assert_fault(action(cloud, server, {"os-stop": None, "os-start": None}), 400)
    assert_fault(action(cloud, "0" * 8, {"os-stop": None}), 404, "Instance 00000000 could not be found.")
    # Other projects do not see the server at all.
    assert_fault(cloud.request("POST", f"/v2.1/servers/{server}/action", token=OTHER, json={"os-stop": None}), 404)
    assert_fault(cloud.request("GET", f"/v2.1/servers/{server}", token=OTHER), 404)
    actions = validate(server_schema("2.58").list_instance_actions,
                       cloud.request("GET", f"/v2.1/servers/{server}/os-instance-actions", version="2.58"))["instanceActions"]
    assert [a["action"] for a in actions][::-1] == ["create", "createImage", "createImage", "rebuild", "changePassword", "migrate",
                                                    "confirmResize", "resetState", "resetState"]


def test_failures_put_the_server_in_error_with_a_fault(cloud):
    server = create(cloud, "doomed", metadata={"fake_fail_step": "spawn"})
    view = wait(cloud, server, "ERROR")
    assert view["fault"]["code"] == 500 and "spawn failed" in view["fault"]["message"]
    assert "details" not in view["fault"]
    assert "details" in show(cloud, server, token=ADMIN)["fault"]
    # A failed resize returns the server to ACTIVE on its old flavor, the migration in error.
    survivor = create(cloud, "survivor", metadata={"fake_fail_step": "finish_resize"})
    wait(cloud, survivor, "ACTIVE")
    assert action(cloud, survivor, {"resize": {"flavorRef": "2"}}).status_code == 202
    after = wait(cloud, survivor, "ACTIVE")
    assert after["flavor"]["id"] == "1"
    statuses = [m["status"] for m in cloud.request("GET", f"/v2.1/os-migrations?instance_uuid={survivor}", token=ADMIN).json()["migrations"]]
    assert statuses == ["error"]
    request_id = cloud.request("GET", f"/v2.1/servers/{survivor}/os-instance-actions").json()["instanceActions"][0]["request_id"]
    detail = validate(server_schema("2.84").show_instance_action,
                      cloud.request("GET", f"/v2.1/servers/{survivor}/os-instance-actions/{request_id}", token=ADMIN, version="2.84"))
    events = {e["event"]: e["result"] for e in detail["instanceAction"]["events"]}
    assert events == {"compute_migrate": "Success", "compute_finish_resize": "Error"}
    assert detail["instanceAction"]["message"] == "Error"
    # Deleting an ERROR server works.
    assert cloud.request("DELETE", f"/v2.1/servers/{server}").status_code == 204
    wait_deleted(cloud, server)


@pytest.mark.parametrize("version", SCHEMA_VERSIONS)
def test_views_match_tempest_schemas_at_every_microversion(cloud, version):
    server = create(cloud, "viewed", networks="auto", metadata={"a": "b"}, key_name=None) if False else create(cloud, "viewed", networks="auto")
    wait(cloud, server, "ACTIVE")
    schema = server_schema(version)
    for token in (USER, ADMIN):
        view = validate(schema.get_server, cloud.request("GET", f"/v2.1/servers/{server}", token=token, version=version))["server"]
        assert view["addresses"]["private"][0]["version"] == 4
        assert ("OS-EXT-SRV-ATTR:host" in view) == (token == ADMIN)
        validate(schema.list_servers_detail, cloud.request("GET", "/v2.1/servers/detail", token=token, version=version))
        validate(schema.list_servers, cloud.request("GET", "/v2.1/servers", token=token, version=version))
    v = (2, 1) if version is None else tuple(int(x) for x in version.split("."))
    assert ("locked" in view) == (v >= (2, 9))
    assert ("description" in view) == (v >= (2, 19))
    assert ("tags" in view) == (v >= (2, 26))
    assert isinstance(view["flavor"].get("vcpus"), int) == (v >= (2, 47))
    assert ("locked_reason" in view) == (v >= (2, 73))
    body = {"server": {"name": "renamed"}}
    if v >= (2, 19):
        body["server"]["description"] = "d"
    updated = validate(schema.update_server, cloud.request("PUT", f"/v2.1/servers/{server}", json=body, version=version))["server"]
    assert updated["name"] == "renamed"


def test_create_validation_and_quotas(cloud):
    def post(body, version="2.37", token=USER):
        return cloud.request("POST", "/v2.1/servers", token=token, version=version, json={"server": body})

    image = cloud.request("GET", "/v2.1/images").json()["images"][0]["id"]
    base = {"name": "q", "imageRef": image, "flavorRef": "1", "networks": "none"}
    assert_fault(post({k: v for k, v in base.items() if k != "networks"}), 400)
    assert_fault(post({**base, "networks": "some"}), 400)
    assert_fault(post({**base, "flavorRef": "99"}), 400, "Flavor 99 could not be found.")
    assert_fault(post({**base, "imageRef": "nope"}), 400, "Image nope could not be found.")
    assert_fault(post({**base, "key_name": "missing"}), 400, "Invalid key_name provided.")
    assert_fault(post({**base, "color": "red"}), 400)
    assert_fault(post({**base, "min_count": 0}), 400)
    assert_fault(post({**base, "user_data": "***"}), 400)
    assert_fault(post({**base, "name": ""}), 400)
    assert_fault(post({**base, "availability_zone": "mars"}), 400, "The requested availability zone is not available")
    assert_fault(post({**base, "return_reservation_id": "maybe"}), 400)
    assert_fault(post({**base, "min_count": 3, "max_count": 2}), 400)
    # Refused requests leave nothing behind.
    assert cloud.request("GET", "/v2.1/servers?name=^q").json()["servers"] == []
    # Before 2.37 networks are optional: the server gets an address on the private network.
    legacy = create(cloud, "legacy", version=None, networks=None)
    assert wait(cloud, legacy, "ACTIVE")["addresses"]["private"]
    # Quotas: instances, then cores.
    assert cloud.request("PUT", f"/v2.1/os-quota-sets/{PROJECT}", token=ADMIN, json={"quota_set": {"instances": 3, "cores": 20}}).status_code == 200
    reservation = post({**base, "min_count": 2, "max_count": 2, "return_reservation_id": True}).json()["reservation_id"]
    listed = cloud.request("GET", f"/v2.1/servers?reservation_id={reservation}").json()["servers"]
    assert sorted(s["name"] for s in listed) == ["q-1", "q-2"]
    assert_fault(post(base), 403, "Quota exceeded for instances: Requested 1, but already used 3 of 3 instances")
    limits = cloud.request("GET", "/v2.1/limits").json()["limits"]["absolute"]
    assert (limits["totalInstancesUsed"], limits["totalCoresUsed"], limits["totalRAMUsed"]) == (3, 3, 1536)
    assert cloud.request("PUT", f"/v2.1/os-quota-sets/{PROJECT}", token=ADMIN, json={"quota_set": {"instances": 10, "cores": 4}}).status_code == 200
    assert_fault(post({**base, "flavorRef": "3"}), 403, "Quota exceeded for cores: Requested 2, but already used 3 of 4 cores")
    usage = cloud.request("GET", f"/v2.1/os-quota-sets/{PROJECT}/detail", token=ADMIN).json()["quota_set"]
    assert usage["instances"]["in_use"] == 3 and usage["cores"]["in_use"] == 3


def test_list_filters_sorting_and_paging(cloud):
    ids = {name: create(cloud, name) for name in ["web-1", "web-2", "db-1"]}
    for server in ids.values():
        wait(cloud, server, "ACTIVE")
    assert action(cloud, ids["db-1"], {"os-stop": None}).status_code == 202
    wait(cloud, ids["db-1"], "SHUTOFF")
    other = create(cloud, "theirs", token=OTHER)

    def names(query, token=USER, version=None):
        body = validate(server_schema(version).list_servers, cloud.request("GET", f"/v2.1/servers?{query}", token=token, version=version))
        return [s["name"] for s in body["servers"]]

    assert names("") == ["db-1", "web-2", "web-1"]  # newest first
    assert names("sort_key=display_name&sort_dir=asc") == ["db-1", "web-1", "web-2"]
    assert names("name=^web") == ["web-2", "web-1"]
    assert names("status=SHUTOFF") == ["db-1"]
    assert names("flavor=1&status=ACTIVE") == ["web-2", "web-1"]
    assert names("name=nothing") == []
    assert_fault(cloud.request("GET", "/v2.1/servers?sort_key=colour", version="2.75"), 400)
    assert names("sort_key=colour") == ["db-1", "web-2", "web-1"]  # ignored before 2.75
    assert_fault(cloud.request("GET", "/v2.1/servers?status=SLEEPING", version="2.38"), 400, "Invalid status value: SLEEPING")
    assert names("status=SLEEPING") == []  # matches nothing before 2.38
    assert_fault(cloud.request("GET", "/v2.1/servers?colour=blue", version="2.75"), 400)
    assert names("colour=blue") == ["db-1", "web-2", "web-1"]  # unknown filters are dropped before 2.75
    assert_fault(cloud.request("GET", "/v2.1/servers?changes-since=2030-01-01T00:00:00Z&changes-before=2029-01-01T00:00:00Z",
                               version="2.66"), 400)
    assert_fault(cloud.request("GET", "/v2.1/servers?name=(unclosed"), 400)
    assert_fault(cloud.request("GET", "/v2.1/servers?limit=-1"), 400)
    assert_fault(cloud.request("GET", "/v2.1/servers?marker=nope"), 400, "marker [nope] not found")
    assert_fault(cloud.request("GET", "/v2.1/servers?changes-since=yesterday"), 400)
    page = cloud.request("GET", "/v2.1/servers/detail?limit=2").json()
    assert [s["name"] for s in page["servers"]] == ["db-1", "web-2"]
    following = page["servers_links"][0]["href"].replace(cloud.base, "")
    assert [s["name"] for s in cloud.request("GET", following).json()["servers"]] == ["web-1"]
    # all_tenants is for admins; the others are refused.
    assert_fault(cloud.request("GET", "/v2.1/servers?all_tenants=1"), 403)
    assert "theirs" in names("all_tenants=1", token=ADMIN)
    assert names(f"all_tenants=1&project_id={OTHER_PROJECT}", token=ADMIN) == ["theirs"]
    assert names("host=novakit-compute-1&all_tenants=1", token=ADMIN).count("theirs") == 1
    # Deleted servers show up under changes-since, as DELETED.
    wait(cloud, other, "ACTIVE", token=OTHER)
    assert cloud.request("DELETE", f"/v2.1/servers/{ids['web-1']}").status_code == 204
    wait_deleted(cloud, ids["web-1"])
    assert "web-1" not in names("")
    deleted = cloud.request("GET", "/v2.1/servers/detail?changes-since=2000-01-01T00:00:00Z").json()["servers"]
    assert {s["name"]: s["status"] for s in deleted}["web-1"] == "DELETED"


def test_metadata_and_tags(cloud):
    server = create(cloud, "tagged", metadata={"a": "1"}, version="2.52", tags=["blue"])
    wait(cloud, server, "ACTIVE")
    base = f"/v2.1/servers/{server}"
    assert cloud.request("GET", f"{base}/metadata").json() == {"metadata": {"a": "1"}}
    assert cloud.request("POST", f"{base}/metadata", json={"metadata": {"b": "2"}}).json() == {"metadata": {"a": "1", "b": "2"}}
    assert cloud.request("PUT", f"{base}/metadata", json={"metadata": {"c": "3"}}).json() == {"metadata": {"c": "3"}}
    assert cloud.request("PUT", f"{base}/metadata/d", json={"meta": {"d": "4"}}).json() == {"meta": {"d": "4"}}
    assert cloud.request("GET", f"{base}/metadata/d").json() == {"meta": {"d": "4"}}
    assert_fault(cloud.request("PUT", f"{base}/metadata/d", json={"meta": {"e": "5"}}), 400, "Request body and URI mismatch")
    assert cloud.request("DELETE", f"{base}/metadata/c").status_code == 204
    assert_fault(cloud.request("DELETE", f"{base}/metadata/c"), 404, "Metadata item was not found")
    assert show(cloud, server)["metadata"] == {"d": "4"}
    assert_fault(cloud.request("GET", f"{base}/metadata", token=OTHER), 404)

    v = "2.26"
    assert cloud.request("GET", f"{base}/tags", version=v).json() == {"tags": ["blue"]}
    assert cloud.request("PUT", f"{base}/tags/red", version=v).status_code == 201
    assert cloud.request("PUT", f"{base}/tags/red", version=v).status_code == 204
    assert cloud.request("GET", f"{base}/tags/red", version=v).status_code == 204
    assert_fault(cloud.request("GET", f"{base}/tags/green", version=v), 404)
    assert cloud.request("PUT", f"{base}/tags", json={"tags": ["x", "y"]}, version=v).json() == {"tags": ["x", "y"]}
    assert_fault(cloud.request("PUT", f"{base}/tags", json={"tags": ["a,b"]}, version=v), 400)
    assert [s["name"] for s in cloud.request("GET", "/v2.1/servers?tags=x", version=v).json()["servers"]] == ["tagged"]
    assert cloud.request("GET", "/v2.1/servers?not-tags=x", version=v).json()["servers"] == []
    assert cloud.request("DELETE", f"{base}/tags/x", version=v).status_code == 204
    assert cloud.request("DELETE", f"{base}/tags", version=v).status_code == 204
    assert show(cloud, server, version=v)["tags"] == []
    assert cloud.request("GET", f"{base}/tags", version="2.25").status_code == 404


def test_migrations_and_instance_actions(cloud):
    server = create(cloud, "moved")
    wait(cloud, server, "ACTIVE")
    assert action(cloud, server, {"resize": {"flavorRef": "2"}}).status_code == 202
    in_flight = cloud.request("GET", f"/v2.1/servers/{server}/migrations", token=ADMIN, version="2.23").json()["migrations"]
    wait(cloud, server, "VERIFY_RESIZE")
    assert cloud.request("GET", f"/v2.1/servers/{server}/migrations", token=ADMIN, version="2.23").json() == {"migrations": []}
    assert all(m["server_uuid"] == server for m in in_flight)
    for version in (None, "2.23", "2.59", "2.80"):
        body = validate(migration_schema(version).list_migrations,
                        cloud.request("GET", "/v2.1/os-migrations", token=ADMIN, version=version))
        assert [m["instance_uuid"] for m in body["migrations"]] == [server]
    assert_fault(cloud.request("GET", "/v2.1/os-migrations"), 403)
    assert cloud.request("GET", "/v2.1/os-migrations?status=finished", token=ADMIN).json()["migrations"][0]["status"] == "finished"
    assert cloud.request("GET", "/v2.1/os-migrations?migration_type=evacuation", token=ADMIN, version="2.23").json()["migrations"] == []

    response = action(cloud, server, {"confirmResize": None})
    request_id = response.headers["x-openstack-request-id"]
    wait(cloud, server, "ACTIVE")
    for version in (None, "2.51", "2.58", "2.62", "2.84"):
        schema = server_schema(version)
        listed = validate(schema.list_instance_actions,
                          cloud.request("GET", f"/v2.1/servers/{server}/os-instance-actions", version=version))["instanceActions"]
        assert [a["action"] for a in listed] == ["confirmResize", "resize", "create"]
        shown = validate(schema.show_instance_action,
                         cloud.request("GET", f"/v2.1/servers/{server}/os-instance-actions/{request_id}", token=ADMIN, version=version))
        assert shown["instanceAction"]["request_id"] == request_id
        assert [e["event"] for e in shown["instanceAction"]["events"]] == ["compute_confirm_resize"]
    # Before 2.51 only admins see events; from 2.51 owners see them without tracebacks.
    owner_view = cloud.request("GET", f"/v2.1/servers/{server}/os-instance-actions/{request_id}").json()["instanceAction"]
    assert "events" not in owner_view
    owner_view = cloud.request("GET", f"/v2.1/servers/{server}/os-instance-actions/{request_id}", version="2.51").json()["instanceAction"]
    assert "traceback" not in owner_view["events"][0]
    assert_fault(cloud.request("GET", f"/v2.1/servers/{server}/os-instance-actions/req-nope"), 404)
    # After deletion the actions stay readable (2.21+).
    assert cloud.request("DELETE", f"/v2.1/servers/{server}").status_code == 204
    wait_deleted(cloud, server)
    actions = cloud.request("GET", f"/v2.1/servers/{server}/os-instance-actions", version="2.21").json()["instanceActions"]
    assert actions[0]["action"] == "delete"


def test_soft_delete_restore_and_force_delete(novakit):
    cloud = novakit("--compute-step-delay", "50", "--reclaim-interval", "3600", admin_password="pw")
    server = create(cloud, "kept")
    wait(cloud, server, "ACTIVE")
    assert cloud.request("DELETE", f"/v2.1/servers/{server}").status_code == 204
    wait(cloud, server, "SOFT_DELETED")
    assert action(cloud, server, {"restore": None}).status_code == 202
    wait(cloud, server, "ACTIVE")
    assert_fault(action(cloud, server, {"restore": None}), 409, f"Cannot 'restore' instance {server} while it is in vm_state active")
    assert cloud.request("DELETE", f"/v2.1/servers/{server}").status_code == 204
    wait(cloud, server, "SOFT_DELETED")
    assert action(cloud, server, {"forceDelete": None}).status_code == 202
    wait_deleted(cloud, server)
    rows = cloud.db.query(f"SELECT deleted, id FROM instances WHERE uuid = '{server}'")
    assert rows[0][0] == rows[0][1]  # soft-deleted: deleted = id


def test_concurrent_actions_start_work_once(cloud):
    from concurrent.futures import ThreadPoolExecutor
    server = create(cloud, "contended")
    wait(cloud, server, "ACTIVE")
    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = list(pool.map(lambda _: action(cloud, server, {"os-stop": None}).status_code, range(10)))
    assert sorted(codes) == [202] + [409] * 9
    wait(cloud, server, "SHUTOFF")
    stops = [a for a in cloud.request("GET", f"/v2.1/servers/{server}/os-instance-actions").json()["instanceActions"] if a["action"] == "stop"]
    assert len(stops) == 1  # the requests that lost left no instance action behind


def test_reclaim_interval_deletes_soft_deleted_servers(novakit):
    cloud = novakit("--compute-step-delay", "50", "--reclaim-interval", "1", admin_password="pw")
    server = create(cloud, "reclaimed")
    wait(cloud, server, "ACTIVE")
    assert cloud.request("DELETE", f"/v2.1/servers/{server}").status_code == 204
    wait(cloud, server, "SOFT_DELETED")
    wait_deleted(cloud, server, timeout=15)  # the periodic task deleted it after the interval


def test_scheduling_over_configured_hosts_and_no_valid_host(novakit):
    cloud = novakit("--compute-step-delay", "50", "--compute-host", "small:2:2048:40", "--compute-host", "big:4:4096:80",
                    admin_password="pw")
    placed = {}
    for index in range(3):  # m1.small: 1 vCPU, 2048 MB — the host with the most free RAM, ties by name
        server = create(cloud, f"fit-{index}", flavor="2")
        placed[server] = wait(cloud, server, "ACTIVE", token=ADMIN)["OS-EXT-SRV-ATTR:host"]
    assert list(placed.values()) == ["big", "big", "small"]
    refused = create(cloud, "no-room", flavor="2")
    view = wait(cloud, refused, "ERROR")
    assert view["fault"]["message"].startswith("No valid host was found.")
    first, _, on_small = placed
    assert cloud.request("DELETE", f"/v2.1/servers/{on_small}").status_code == 204
    wait_deleted(cloud, on_small)
    # m1.medium (4096 MB) fits on neither host once the others are counted.
    assert_fault(action(cloud, first, {"resize": {"flavorRef": "3"}}), 400)
    # A cold migration leaves its host for one with room, and comes back on revert.
    assert action(cloud, first, {"migrate": None}, token=ADMIN).status_code == 202
    assert wait(cloud, first, "VERIFY_RESIZE", token=ADMIN)["OS-EXT-SRV-ATTR:host"] == "small"
    assert action(cloud, first, {"revertResize": None}).status_code == 202
    assert wait(cloud, first, "ACTIVE", token=ADMIN)["OS-EXT-SRV-ATTR:host"] == "big"


def test_configured_failures_delete_during_build_keys_and_upsize_quota(novakit):
    cloud = novakit("--compute-step-delay", "300", "--compute-fail-step", "pause", admin_password="pw")
    server = create(cloud, "paused-never")
    wait(cloud, server, "ACTIVE")
    assert action(cloud, server, {"pause": None}).status_code == 202
    view = wait(cloud, server, "ERROR")
    assert "pause failed" in view["fault"]["message"]
    # Deleting a server that is still building cancels the build.
    building = create(cloud, "short-lived")
    assert show(cloud, building)["status"] == "BUILD"
    assert cloud.request("DELETE", f"/v2.1/servers/{building}").status_code == 204
    wait_deleted(cloud, building)
    # key_name is kept and shown.
    assert cloud.request("POST", "/v2.1/os-keypairs", json={"keypair": {"name": "k"}}).status_code == 200
    keyed = create(cloud, "keyed", key_name="k")
    assert wait(cloud, keyed, "ACTIVE")["key_name"] == "k"
    # Growing past the cores quota is refused before anything moves.
    assert cloud.request("PUT", f"/v2.1/os-quota-sets/{PROJECT}", token=ADMIN, json={"quota_set": {"cores": 3}}).status_code == 200
    assert_fault(action(cloud, keyed, {"resize": {"flavorRef": "4"}}), 403,
                 "Quota exceeded for cores: Requested 3, but already used 2 of 3 cores")
    assert show(cloud, keyed)["status"] == "ACTIVE"


def test_migrations_and_instance_actions_page_newest_first_with_markers(novakit):
    """os-migrations (2.59+) and a server's instance actions (2.58+) page newest first through markers read
    in SQL; an unknown marker is a 400; before those versions every entry comes, oldest migration first."""
    cloud = novakit("--compute-step-delay", "5", admin_password="pw")
    server = create(cloud)
    wait(cloud, server, "ACTIVE")
    for flavor in ("2", "1", "2"):
        assert action(cloud, server, {"resize": {"flavorRef": flavor}}).status_code == 202
        wait(cloud, server, "VERIFY_RESIZE")
        assert action(cloud, server, {"confirmResize": None}).status_code == 204
        wait(cloud, server, "ACTIVE")

    everything = cloud.request("GET", "/v2.1/os-migrations", token=ADMIN).json()["migrations"]
    assert [m["id"] for m in everything] == sorted(m["id"] for m in everything) and len(everything) == 3
    pages, marker = [], None
    while True:
        query = "limit=2" + (f"&marker={marker}" if marker else "")
        # Tempest's migrations schema has no `migrations_links` (Nova adds it to a full page), so pages are
        # checked by hand and the schema is applied to the unpaged list below.
        body = cloud.request("GET", f"/v2.1/os-migrations?{query}", token=ADMIN, version="2.59").json()
        pages.append([m["id"] for m in body["migrations"]])
        if "migrations_links" not in body:
            break
        marker = body["migrations"][-1]["uuid"]
        assert f"marker={marker}" in body["migrations_links"][0]["href"]
    assert pages == [[everything[2]["id"], everything[1]["id"]], [everything[0]["id"]]]
    newest_first = validate(migration_schema("2.59").list_migrations,
                            cloud.request("GET", "/v2.1/os-migrations", token=ADMIN, version="2.59"))["migrations"]
    assert [m["id"] for m in newest_first] == [m["id"] for m in reversed(everything)]
    assert_fault(cloud.request("GET", "/v2.1/os-migrations?marker=no-such-migration", token=ADMIN, version="2.59"), 400)
    assert cloud.request("GET", "/v2.1/os-migrations?status=confirmed&limit=1", token=ADMIN, version="2.59").json()["migrations"][0][
        "id"] == everything[2]["id"]

    actions = cloud.request("GET", f"/v2.1/servers/{server}/os-instance-actions").json()["instanceActions"]
    assert [a["action"] for a in actions] == ["confirmResize", "resize"] * 3 + ["create"]
    first = cloud.request("GET", f"/v2.1/servers/{server}/os-instance-actions?limit=3", version="2.58").json()
    assert [a["request_id"] for a in first["instanceActions"]] == [a["request_id"] for a in actions[:3]]
    marker = first["instanceActions"][-1]["request_id"]
    rest = cloud.request("GET", f"/v2.1/servers/{server}/os-instance-actions?limit=10&marker={marker}", version="2.58").json()
    assert [a["request_id"] for a in rest["instanceActions"]] == [a["request_id"] for a in actions[3:]]
    assert "links" not in rest
    assert_fault(cloud.request("GET", f"/v2.1/servers/{server}/os-instance-actions?marker=req-unknown", version="2.58"), 400)


def test_deleting_twice_is_accepted_twice(cloud):
    """A client's cleanup often deletes a server that is already being deleted: Nova accepts it again."""
    server = create(cloud, "twice")
    wait(cloud, server, "ACTIVE")
    assert cloud.request("DELETE", f"/v2.1/servers/{server}").status_code == 204
    assert show(cloud, server)["OS-EXT-STS:task_state"] == "deleting"
    assert cloud.request("DELETE", f"/v2.1/servers/{server}").status_code == 204
    wait_deleted(cloud, server)
    assert_fault(cloud.request("DELETE", f"/v2.1/servers/{server}"), 404)

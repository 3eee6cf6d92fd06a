"""Issue 11: os-migrateLive on the fake driver (host chosen or picked, body by microversion), the server's
live migrations in progress (list, show, force_complete, abort) and os-migrations' records, validated
against tempest's schemas."""
import time

import pytest
from tempest.lib.api_schema.response.compute.v2_1 import servers as servers21

from conftest import ADMIN, assert_fault, validate
from servers import action, create, server_schema, show, wait


@pytest.fixture
def cloud(novakit):
    # Slow steps, so a live migration is seen in progress.
    return novakit("--compute-step-delay", "400", "--compute-host", "node-a:8:16384:200", "--compute-host", "node-b:8:16384:200",
                   admin_password="pw")


def host(cloud, server):
    return show(cloud, server, token=ADMIN)["OS-EXT-SRV-ATTR:host"]


def test_live_migration_moves_and_reports_progress(cloud):
    server = create(cloud, name="live")
    wait(cloud, server, "ACTIVE")
    source = host(cloud, server)
    target = "node-b" if source == "node-a" else "node-a"
    moved = action(cloud, server, {"os-migrateLive": {"host": target, "block_migration": "auto"}}, token=ADMIN, version="2.25")
    validate(servers21.server_actions_common_schema, moved)
    assert moved.text == ""
    assert show(cloud, server)["status"] == "MIGRATING"
    listed = None
    for _ in range(50):
        response = cloud.request("GET", f"/v2.1/servers/{server}/migrations", token=ADMIN, version="2.80")
        listed = validate(server_schema("2.80").list_live_migrations, response)["migrations"]
        if listed and listed[0]["status"] == "running":
            break
        time.sleep(0.02)
    assert listed and (listed[0]["source_compute"], listed[0]["dest_compute"]) == (source, target)
    migration_id = listed[0]["id"]
    shown = cloud.request("GET", f"/v2.1/servers/{server}/migrations/{migration_id}", token=ADMIN, version="2.80")
    assert shown.status_code == 200 and shown.json()["migration"]["server_uuid"] == server
    forced = cloud.request("POST", f"/v2.1/servers/{server}/migrations/{migration_id}/action", token=ADMIN, version="2.22",
                           json={"force_complete": "null"})
    assert forced.status_code == 202, forced.text
    wait(cloud, server, "ACTIVE")
    assert host(cloud, server) == target
    assert cloud.request("GET", f"/v2.1/servers/{server}/migrations", token=ADMIN, version="2.23").json() == {"migrations": []}
    assert_fault(cloud.request("GET", f"/v2.1/servers/{server}/migrations/{migration_id}", token=ADMIN, version="2.23"), 404)
    assert_fault(cloud.request("POST", f"/v2.1/servers/{server}/migrations/{migration_id}/action", token=ADMIN, version="2.22",
                               json={"force_complete": None}), 400)
    assert_fault(cloud.request("DELETE", f"/v2.1/servers/{server}/migrations/{migration_id}", token=ADMIN, version="2.24"), 400)
    assert_fault(cloud.request("DELETE", f"/v2.1/servers/{server}/migrations/999", token=ADMIN, version="2.24"), 404)
    records = cloud.request("GET", f"/v2.1/os-migrations?instance_uuid={server}", token=ADMIN, version="2.23").json()["migrations"]
    assert [(m["migration_type"], m["status"]) for m in records] == [("live-migration", "completed")]
    actions = [a["action"] for a in cloud.request("GET", f"/v2.1/servers/{server}/os-instance-actions").json()["instanceActions"]]
    assert actions[0] == "live-migration"


def test_aborting_a_running_live_migration_keeps_the_server_home(cloud):
    server = create(cloud, name="stay")
    wait(cloud, server, "ACTIVE")
    source = host(cloud, server)
    assert action(cloud, server, {"os-migrateLive": {"host": None, "block_migration": "auto"}}, token=ADMIN, version="2.25").status_code == 202
    migration = cloud.request("GET", f"/v2.1/servers/{server}/migrations", token=ADMIN, version="2.24").json()["migrations"][0]
    aborted = cloud.request("DELETE", f"/v2.1/servers/{server}/migrations/{migration['id']}", token=ADMIN, version="2.24")
    assert aborted.status_code == 202 and aborted.text == ""
    wait(cloud, server, "ACTIVE")
    assert host(cloud, server) == source
    records = cloud.request("GET", f"/v2.1/os-migrations?instance_uuid={server}", token=ADMIN, version="2.23").json()["migrations"]
    assert [(m["migration_type"], m["status"]) for m in records] == [("live-migration", "cancelled")]
    assert_fault(cloud.request("DELETE", f"/v2.1/servers/{server}/migrations/{migration['id']}", token=ADMIN, version="2.24"), 400)
    assert_fault(cloud.request("DELETE", f"/v2.1/servers/{server}/migrations/{migration['id']}", token=ADMIN, version="2.23"), 404)


def test_live_migration_picks_a_host_and_refuses_what_nova_refuses(cloud):
    server = create(cloud, name="picked")
    wait(cloud, server, "ACTIVE")
    source = host(cloud, server)
    old_body = {"host": None, "block_migration": False, "disk_over_commit": False}
    assert action(cloud, server, {"os-migrateLive": old_body}, token=ADMIN).status_code == 202
    wait(cloud, server, "ACTIVE")
    assert host(cloud, server) != source
    current = host(cloud, server)
    assert_fault(action(cloud, server, {"os-migrateLive": {**old_body, "host": "nowhere"}}, token=ADMIN), 400)
    assert_fault(action(cloud, server, {"os-migrateLive": {**old_body, "host": current}}, token=ADMIN), 400)
    assert_fault(action(cloud, server, {"os-migrateLive": {"host": None}}, token=ADMIN), 400)  # block_migration is required
    assert_fault(action(cloud, server, {"os-migrateLive": {"host": None, "block_migration": "auto"}}, token=ADMIN, version="2.24"), 400)
    assert_fault(action(cloud, server, {"os-migrateLive": {"host": None, "block_migration": "auto", "force": True}}, token=ADMIN,
                        version="2.68"), 400)
    assert_fault(action(cloud, server, {"os-migrateLive": old_body}), 403)
    assert action(cloud, server, {"suspend": None}).status_code == 202
    wait(cloud, server, "SUSPENDED")
    assert_fault(action(cloud, server, {"os-migrateLive": old_body}, token=ADMIN), 409)


def test_evacuate_from_a_forced_down_host(novakit):
    cloud = novakit("--compute-step-delay", "5", "--compute-host", "node-a:8:16384:200", "--compute-host", "node-b:8:16384:200",
                    admin_password="pw")
    servers = [create(cloud, name=f"e{i}") for i in range(2)]
    for server in servers:
        wait(cloud, server, "ACTIVE")
    server = servers[0]
    source = host(cloud, server)
    target = "node-b" if source == "node-a" else "node-a"
    # While the source's compute service is up, evacuation is refused.
    assert_fault(action(cloud, server, {"evacuate": {"onSharedStorage": False}}, token=ADMIN), 400)
    assert cloud.request("PUT", "/v2.1/os-services/force-down", token=ADMIN, version="2.11",
                         json={"host": source, "binary": "nova-compute", "forced_down": True}).status_code == 200
    old = validate(servers21.evacuate_server_with_admin_pass, action(cloud, server, {"evacuate": {"onSharedStorage": False, "adminPass": "pw1"}},
                                                     token=ADMIN))
    assert old == {"adminPass": "pw1"}
    wait(cloud, server, "ACTIVE")
    assert host(cloud, server) == target
    records = cloud.request("GET", f"/v2.1/os-migrations?instance_uuid={server}", token=ADMIN, version="2.23").json()["migrations"]
    assert [(m["migration_type"], m["status"], m["dest_compute"]) for m in records] == [("evacuation", "done", target)]
    # From 2.95 the evacuated server lands stopped; from 2.14 the reply has no body.
    other = servers[1]
    if host(cloud, other) == source:
        landed = action(cloud, other, {"evacuate": {"host": target}}, token=ADMIN, version="2.95")
        assert landed.status_code == 200 and landed.text == ""
        assert wait(cloud, other, "SHUTOFF")["OS-EXT-STS:vm_state"] == "stopped"
    assert_fault(action(cloud, server, {"evacuate": {"host": "nowhere"}}, token=ADMIN, version="2.14"), 404)
    assert_fault(action(cloud, server, {"evacuate": {}}, token=ADMIN), 400)  # onSharedStorage before 2.14
    assert_fault(action(cloud, server, {"evacuate": {}}, version="2.14"), 403)

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


def test_simple_tenant_usage_list_show_and_paging(cloud):
    import datetime

    from tempest.lib.api_schema.response.compute.v2_1 import tenant_usages

    from conftest import PROJECT

    servers = [create(cloud, name=f"u{i}") for i in range(2)]
    for server in servers:
        wait(cloud, server, "ACTIVE")
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    window = f"start={(now - datetime.timedelta(hours=1)).isoformat()}&end={(now + datetime.timedelta(hours=1)).isoformat()}"
    listed = validate(tenant_usages.list_tenant_usage,
                      cloud.request("GET", f"/v2.1/os-simple-tenant-usage?{window}&detailed=1", token=ADMIN))["tenant_usages"]
    assert [u["tenant_id"] for u in listed] == [PROJECT]
    usage = listed[0]
    assert {s["instance_id"] for s in usage["server_usages"]} == set(servers)
    # Launched a moment ago and still running: about an hour until the window's end, weighted by the flavor.
    assert 0.9 < usage["server_usages"][0]["hours"] <= 1.01
    assert abs(usage["total_memory_mb_usage"] - 512 * usage["total_hours"]) < 0.01
    assert all(s["state"] == "active" and s["ended_at"] is None and s["flavor"] == "m1.tiny" for s in usage["server_usages"])
    summary = cloud.request("GET", f"/v2.1/os-simple-tenant-usage?{window}", token=ADMIN).json()["tenant_usages"][0]
    assert "server_usages" not in summary
    shown = validate(tenant_usages.get_tenant_usage,
                     cloud.request("GET", f"/v2.1/os-simple-tenant-usage/{PROJECT}?{window}"))["tenant_usage"]
    assert len(shown["server_usages"]) == 2
    assert_fault(cloud.request("GET", f"/v2.1/os-simple-tenant-usage?{window}"), 403)
    assert_fault(cloud.request("GET", f"/v2.1/os-simple-tenant-usage/{OTHER_PROJECT}?{window}"), 403)
    backwards = f"start={now.isoformat()}&end={(now - datetime.timedelta(hours=1)).isoformat()}"
    assert_fault(cloud.request("GET", f"/v2.1/os-simple-tenant-usage/{PROJECT}?{backwards}"), 400)
    assert_fault(cloud.request("GET", f"/v2.1/os-simple-tenant-usage/{PROJECT}?start=yesterday"), 400)
    first = cloud.request("GET", f"/v2.1/os-simple-tenant-usage/{PROJECT}?{window}&limit=1", version="2.40").json()
    assert [s["instance_id"] for s in first["tenant_usage"]["server_usages"]] == servers[:1]
    assert "marker=" in first["tenant_usage_links"][0]["href"]
    rest = cloud.request("GET", f"/v2.1/os-simple-tenant-usage/{PROJECT}?{window}&limit=1&marker={servers[0]}", version="2.40").json()
    assert [s["instance_id"] for s in rest["tenant_usage"]["server_usages"]] == servers[1:]
    # A window before anything ran holds no usage.
    early = f"start={(now - datetime.timedelta(days=2)).isoformat()}&end={(now - datetime.timedelta(days=1)).isoformat()}"
    assert cloud.request("GET", f"/v2.1/os-simple-tenant-usage/{PROJECT}?{early}").json() == {"tenant_usage": {}}


def test_server_external_events_per_event_codes(cloud):
    from tempest.lib.api_schema.response.compute.v2_1 import server_external_events

    server = create(cloud)
    wait(cloud, server, "ACTIVE")
    accepted = cloud.request("POST", "/v2.1/os-server-external-events", token=ADMIN,
                             json={"events": [{"name": "network-changed", "server_uuid": server, "tag": "port-1"}]})
    events = validate(server_external_events.create, accepted)["events"]
    assert events == [{"name": "network-changed", "server_uuid": server, "status": "completed", "tag": "port-1", "code": 200}]
    missing = "8c6a7c4e-0b3d-4f0e-9a55-6f0b8e3b2f11"
    mixed = cloud.request("POST", "/v2.1/os-server-external-events", token=ADMIN,
                          json={"events": [{"name": "network-vif-plugged", "server_uuid": server, "status": "failed"},
                                           {"name": "network-vif-plugged", "server_uuid": missing}]})
    assert mixed.status_code == 207
    assert [(e["server_uuid"], e["code"], e["status"]) for e in mixed.json()["events"]] == [(server, 200, "failed"), (missing, 404, "completed")]
    assert_fault(cloud.request("POST", "/v2.1/os-server-external-events", token=ADMIN,
                               json={"events": [{"name": "network-changed", "server_uuid": missing}]}), 404)
    assert_fault(cloud.request("POST", "/v2.1/os-server-external-events",
                               json={"events": [{"name": "network-changed", "server_uuid": server}]}), 403)
    assert_fault(cloud.request("POST", "/v2.1/os-server-external-events", token=ADMIN,
                               json={"events": [{"name": "volume-extended", "server_uuid": server}]}), 400)
    extended = cloud.request("POST", "/v2.1/os-server-external-events", token=ADMIN, version="2.51",
                             json={"events": [{"name": "volume-extended", "server_uuid": server}]})
    assert extended.status_code == 200 and extended.json()["events"][0]["code"] == 200
    assert_fault(cloud.request("POST", "/v2.1/os-server-external-events", token=ADMIN, json={"events": []}), 400)


def test_instance_usage_audit_log_reports_the_last_month(cloud):
    import datetime
    from urllib.parse import quote

    from tempest.lib.api_schema.response.compute.v2_1 import instance_usage_audit_logs as audit

    listed = validate(audit.list_instance_usage_audit_log,
                      cloud.request("GET", "/v2.1/os-instance_usage_audit_log", token=ADMIN))["instance_usage_audit_logs"]
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    this_month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    assert listed["period_beginning"] == str(last_month) and listed["period_ending"] == str(this_month)
    assert sorted(listed["hosts_not_run"]) == ["node-a", "node-b"] and listed["num_hosts"] == 2
    assert listed["overall_status"] == "0 of 2 hosts done. 0 errors."
    shown = validate(audit.get_instance_usage_audit_log,
                     cloud.request("GET", f"/v2.1/os-instance_usage_audit_log/{quote('2026-03-15 10:00:00')}", token=ADMIN))
    assert shown["instance_usage_audit_log"]["period_beginning"] == "2026-02-01 00:00:00"
    assert shown["instance_usage_audit_log"]["period_ending"] == "2026-03-01 00:00:00"
    assert_fault(cloud.request("GET", "/v2.1/os-instance_usage_audit_log/not-a-time", token=ADMIN), 400)
    assert_fault(cloud.request("GET", "/v2.1/os-instance_usage_audit_log"), 403)


def test_create_backup_rotates_per_type(cloud):
    server = create(cloud)
    wait(cloud, server, "ACTIVE")

    def backup(name, backup_type="daily", rotation=2, version="2.45"):
        response = action(cloud, server, {"createBackup": {"name": name, "backup_type": backup_type, "rotation": rotation}},
                           version=version)
        body = validate(server_schema(version).create_backup, response)
        wait(cloud, server, "ACTIVE")
        return response, body

    def backups(backup_type="daily"):
        images = cloud.request("GET", "/v2.1/images/detail").json()["images"]
        return sorted(i["name"] for i in images
                      if i["metadata"].get("image_type") == "backup" and i["metadata"].get("backup_type") == backup_type
                      and i["metadata"].get("instance_uuid") == server)

    _, first = backup("b1")
    assert set(first) == {"image_id"}
    backup("b2")
    backup("b3", rotation="2")
    assert backups() == ["b2", "b3"]
    legacy, _ = backup("w1", backup_type="weekly", rotation=1, version=None)
    w1 = next(i["id"] for i in cloud.request("GET", "/v2.1/images/detail").json()["images"] if i["name"] == "w1")
    assert legacy.headers["Location"].endswith(f"/images/{w1}") and legacy.text == ""
    assert backups("weekly") == ["w1"] and backups() == ["b2", "b3"]
    none_kept, body = backup("gone", backup_type="weekly", rotation=0)
    assert set(body) == {"image_id"} and backups("weekly") == []
    legacy_none, _ = backup("gone-too", backup_type="weekly", rotation=0, version=None)
    assert "Location" not in legacy_none.headers and legacy_none.text == "" and backups("weekly") == []
    actions = [a["action"] for a in cloud.request("GET", f"/v2.1/servers/{server}/os-instance-actions").json()["instanceActions"]]
    assert actions.count("createBackup") == 6
    for bad in ({"name": "x", "backup_type": "daily", "rotation": -1}, {"name": "x", "rotation": 1},
                {"name": "x", "backup_type": "daily", "rotation": "many"}):
        assert_fault(action(cloud, server, {"createBackup": bad}), 400)

"""Issue 11: os-services, os-hypervisors and os-hosts over the configured fake hosts, validated against
tempest's schemas at each microversion that changes them; the scheduler honours disabled services."""
import uuid

import pytest
from tempest.lib.api_schema.response.compute.v2_1 import hosts as hosts_schema
from tempest.lib.services.compute.hypervisor_client import HypervisorClient
from tempest.lib.services.compute.services_client import ServicesClient

from conftest import ADMIN, assert_fault, validate
from servers import create, pick, show, wait


@pytest.fixture
def cloud(novakit):
    return novakit("--compute-step-delay", "5", "--compute-host", "node-a:8:16384:200", "--compute-host", "node-b:4:8192:100",
                   admin_password="pw")


def services_schema(version):
    return pick(ServicesClient.schema_versions_info, version)


def hypervisor_schema(version):
    return pick(HypervisorClient.schema_versions_info, version)


def services(cloud, version=None, query=""):
    response = cloud.request("GET", f"/v2.1/os-services{query}", token=ADMIN, version=version)
    return validate(services_schema(version).list_services, response)["services"]


@pytest.mark.parametrize("version", [None, "2.11", "2.53"])
def test_services_list_by_version_and_filters(cloud, version):
    listed = services(cloud, version)
    assert sorted((s["host"], s["binary"], s["zone"]) for s in listed) == [
        ("node-a", "nova-compute", "nova"), ("node-a", "nova-conductor", "internal"), ("node-a", "nova-scheduler", "internal"),
        ("node-b", "nova-compute", "nova")]
    assert all(s["status"] == "enabled" and s["state"] == "up" and s["disabled_reason"] is None for s in listed)
    assert ("forced_down" in listed[0]) == (version is not None)
    if version == "2.53":
        assert all(uuid.UUID(s["id"]) for s in listed)
    else:
        assert all(isinstance(s["id"], int) for s in listed)
    assert [s["binary"] for s in services(cloud, version, "?host=node-b")] == ["nova-compute"]
    assert services(cloud, version, "?host=node-a&binary=xxx") == []
    assert services(cloud, version, "?host=xxx&binary=nova-compute") == []
    assert len(services(cloud, version, "?xxx=nova-compute")) == 4
    assert_fault(cloud.request("GET", "/v2.1/os-services", version=version), 403)


def test_services_unknown_filter_refused_from_2_75(cloud):
    assert_fault(cloud.request("GET", "/v2.1/os-services?xxx=1", token=ADMIN, version="2.75"), 400)


def test_legacy_disable_enable_and_force_down(cloud):
    v211 = services_schema("2.11")
    body = {"host": "node-b", "binary": "nova-compute"}
    disabled = validate(v211.disable_log_reason, cloud.request(
        "PUT", "/v2.1/os-services/disable-log-reason", token=ADMIN, version="2.11", json={**body, "disabled_reason": "maintenance"}))
    assert disabled == {"service": {**body, "status": "disabled", "disabled_reason": "maintenance"}}
    node_b = next(s for s in services(cloud, "2.11") if s["host"] == "node-b")
    assert node_b["status"] == "disabled" and node_b["disabled_reason"] == "maintenance"
    enabled = validate(v211.enable_disable_service, cloud.request("PUT", "/v2.1/os-services/enable", token=ADMIN, json=body))
    assert enabled == {"service": {**body, "status": "enabled"}}
    forced = validate(v211.update_forced_down, cloud.request(
        "PUT", "/v2.1/os-services/force-down", token=ADMIN, version="2.11", json={**body, "forced_down": "True"}))
    assert forced == {"service": {**body, "forced_down": True}}
    assert next(s for s in services(cloud, "2.11") if s["host"] == "node-b")["state"] == "down"
    # force-down is a 2.11 action (before it forced_down is an unknown field); unknown actions, hosts and
    # malformed bodies are refused.
    assert_fault(cloud.request("PUT", "/v2.1/os-services/force-down", token=ADMIN, json=body), 404)
    assert_fault(cloud.request("PUT", "/v2.1/os-services/force-down", token=ADMIN, json={**body, "forced_down": True}), 400)
    assert_fault(cloud.request("PUT", "/v2.1/os-services/reboot", token=ADMIN, json=body), 404)
    assert_fault(cloud.request("PUT", "/v2.1/os-services/disable", token=ADMIN, json={**body, "host": "nowhere"}), 404)
    assert_fault(cloud.request("PUT", "/v2.1/os-services/disable", token=ADMIN, json={"host": "node-b"}), 400)
    assert_fault(cloud.request("PUT", "/v2.1/os-services/disable", json=body), 403)


def test_update_service_2_53(cloud):
    schema = services_schema("2.53")
    listed = services(cloud, "2.53")
    compute = next(s for s in listed if s["host"] == "node-b")
    scheduler = next(s for s in listed if s["binary"] == "nova-scheduler")
    url = f"/v2.1/os-services/{compute['id']}"
    updated = validate(schema.update_service, cloud.request(
        "PUT", url, token=ADMIN, version="2.53", json={"status": "disabled", "disabled_reason": "upgrade"}))["service"]
    assert (updated["id"], updated["status"], updated["disabled_reason"]) == (compute["id"], "disabled", "upgrade")
    updated = validate(schema.update_service, cloud.request(
        "PUT", url, token=ADMIN, version="2.53", json={"status": "enabled", "forced_down": False}))["service"]
    assert (updated["status"], updated["disabled_reason"], updated["forced_down"]) == ("enabled", None, False)
    for bad in [{}, {"status": "enabled", "disabled_reason": "x"}, {"disabled_reason": "x"}, {"status": "off"}, {"forced_down": "maybe"}]:
        assert_fault(cloud.request("PUT", url, token=ADMIN, version="2.53", json=bad), 400)
    assert_fault(cloud.request("PUT", f"/v2.1/os-services/{scheduler['id']}", token=ADMIN, version="2.53",
                               json={"status": "disabled"}), 400)
    assert_fault(cloud.request("PUT", f"/v2.1/os-services/{uuid.uuid4()}", token=ADMIN, version="2.53", json={"status": "disabled"}), 404)
    assert_fault(cloud.request("PUT", "/v2.1/os-services/not-a-uuid", token=ADMIN, version="2.53", json={"status": "disabled"}), 400)


def test_scheduler_skips_disabled_and_forced_down_hosts(cloud):
    body = {"host": "node-a", "binary": "nova-compute"}
    assert cloud.request("PUT", "/v2.1/os-services/disable", token=ADMIN, json=body).status_code == 200
    servers = [create(cloud, name=f"d{i}") for i in range(2)]
    for server in servers:
        assert wait(cloud, server, "ACTIVE")
        assert show(cloud, server, token=ADMIN)["OS-EXT-SRV-ATTR:host"] == "node-b"
    assert cloud.request("PUT", "/v2.1/os-services/force-down", token=ADMIN, version="2.11",
                         json={"host": "node-b", "binary": "nova-compute", "forced_down": True}).status_code == 200
    failed = wait(cloud, create(cloud, name="nowhere"), "ERROR")
    assert "No valid host" in show(cloud, failed["id"])["fault"]["message"]
    assert cloud.request("PUT", "/v2.1/os-services/enable", token=ADMIN, json=body).status_code == 200
    placed = create(cloud, name="back")
    wait(cloud, placed, "ACTIVE")
    assert show(cloud, placed, token=ADMIN)["OS-EXT-SRV-ATTR:host"] == "node-a"


def test_delete_service(cloud):
    listed = services(cloud, "2.53")
    node_a = next(s for s in listed if s["host"] == "node-a" and s["binary"] == "nova-compute")
    node_b = next(s for s in listed if s["host"] == "node-b")
    cloud.request("PUT", "/v2.1/os-services/disable", token=ADMIN, json={"host": "node-b", "binary": "nova-compute"})
    server = create(cloud)
    wait(cloud, server, "ACTIVE")
    assert_fault(cloud.request("DELETE", f"/v2.1/os-services/{node_a['id']}", token=ADMIN, version="2.53"), 409)
    assert_fault(cloud.request("DELETE", f"/v2.1/os-services/{node_b['id']}", version="2.53"), 403)
    deleted = cloud.request("DELETE", f"/v2.1/os-services/{node_b['id']}", token=ADMIN, version="2.53")
    assert deleted.status_code == 204 and deleted.text == ""
    assert [s["host"] for s in services(cloud) if s["binary"] == "nova-compute"] == ["node-a"]
    hypervisors = cloud.request("GET", "/v2.1/os-hypervisors", token=ADMIN).json()["hypervisors"]
    assert [h["hypervisor_hostname"] for h in hypervisors] == ["node-a"]
    assert_fault(cloud.request("DELETE", f"/v2.1/os-services/{node_b['id']}", token=ADMIN, version="2.53"), 404)
    assert_fault(cloud.request("DELETE", "/v2.1/os-services/abc", token=ADMIN), 400)


@pytest.mark.parametrize("version", [None, "2.28", "2.33", "2.53"])
def test_hypervisors_list_detail_show_by_version(cloud, version):
    schema = hypervisor_schema(version)
    server = create(cloud, flavor="2")
    wait(cloud, server, "ACTIVE")
    host = show(cloud, server, token=ADMIN)["OS-EXT-SRV-ATTR:host"]
    listed = validate(schema.list_search_hypervisors,
                      cloud.request("GET", "/v2.1/os-hypervisors", token=ADMIN, version=version))["hypervisors"]
    assert [h["hypervisor_hostname"] for h in listed] == ["node-a", "node-b"]
    assert all(h["state"] == "up" and h["status"] == "enabled" for h in listed)
    detail = validate(schema.list_hypervisors_detail,
                      cloud.request("GET", "/v2.1/os-hypervisors/detail", token=ADMIN, version=version))["hypervisors"]
    by_host = {h["hypervisor_hostname"]: h for h in detail}
    flavor = cloud.request("GET", "/v2.1/flavors/2").json()["flavor"]
    used = by_host[host]
    assert (used["vcpus_used"], used["memory_mb_used"], used["local_gb_used"], used["running_vms"]) == (
        flavor["vcpus"], flavor["ram"], flavor["disk"], 1)
    assert by_host["node-b"]["vcpus"] == 4 and by_host["node-b"]["memory_mb"] == 8192 and by_host["node-a"]["local_gb"] == 200
    assert used["free_ram_mb"] == used["memory_mb"] - flavor["ram"]
    assert isinstance(used["cpu_info"], str if version is None else dict)
    shown = validate(schema.get_hypervisor,
                     cloud.request("GET", f"/v2.1/os-hypervisors/{used['id']}", token=ADMIN, version=version))["hypervisor"]
    assert shown == used
    assert_fault(cloud.request("GET", "/v2.1/os-hypervisors", version=version), 403)
    assert_fault(cloud.request("GET", f"/v2.1/os-hypervisors/{used['id']}", version=version), 403)


def test_hypervisor_statistics_uptime_search_and_servers(cloud):
    schema = hypervisor_schema(None)
    server = create(cloud, name="on-host")
    wait(cloud, server, "ACTIVE")
    host = show(cloud, server, token=ADMIN)["OS-EXT-SRV-ATTR:host"]
    stats = validate(schema.get_hypervisor_statistics,
                     cloud.request("GET", "/v2.1/os-hypervisors/statistics", token=ADMIN))["hypervisor_statistics"]
    assert (stats["count"], stats["vcpus"], stats["memory_mb"], stats["running_vms"]) == (2, 12, 24576, 1)
    listed = cloud.request("GET", "/v2.1/os-hypervisors", token=ADMIN).json()["hypervisors"]
    hypervisor = next(h for h in listed if h["hypervisor_hostname"] == host)
    uptime = validate(schema.get_hypervisor_uptime,
                      cloud.request("GET", f"/v2.1/os-hypervisors/{hypervisor['id']}/uptime", token=ADMIN))["hypervisor"]
    assert " up " in uptime["uptime"] and uptime["hypervisor_hostname"] == host
    found = validate(schema.list_search_hypervisors, cloud.request("GET", "/v2.1/os-hypervisors/node/search", token=ADMIN))
    assert len(found["hypervisors"]) == 2
    with_servers = validate(schema.get_hypervisors_servers,
                            cloud.request("GET", f"/v2.1/os-hypervisors/{host}/servers", token=ADMIN))["hypervisors"]
    assert with_servers[0]["servers"] == [{"uuid": server, "name": "on-host"}]
    assert_fault(cloud.request("GET", "/v2.1/os-hypervisors/nothing/search", token=ADMIN), 404)
    assert_fault(cloud.request("GET", "/v2.1/os-hypervisors/statistics"), 403)
    assert_fault(cloud.request("GET", "/v2.1/os-hypervisors/999/uptime", token=ADMIN), 404)
    # 2.53 replaces search and servers with query parameters; 2.88 drops statistics and uptime.
    assert_fault(cloud.request("GET", "/v2.1/os-hypervisors/node/search", token=ADMIN, version="2.53"), 404)
    assert_fault(cloud.request("GET", "/v2.1/os-hypervisors/statistics", token=ADMIN, version="2.88"), 404)


def test_hypervisors_2_53_pattern_servers_paging_and_2_88(cloud):
    schema = hypervisor_schema("2.53")
    server = create(cloud, name="listed")
    wait(cloud, server, "ACTIVE")
    host = show(cloud, server, token=ADMIN)["OS-EXT-SRV-ATTR:host"]
    found = validate(schema.list_search_hypervisors, cloud.request(
        "GET", f"/v2.1/os-hypervisors?hypervisor_hostname_pattern={host}&with_servers=true", token=ADMIN, version="2.53"))
    assert [(h["hypervisor_hostname"], h["servers"]) for h in found["hypervisors"]] == [(host, [{"uuid": server, "name": "listed"}])]
    assert_fault(cloud.request("GET", "/v2.1/os-hypervisors?hypervisor_hostname_pattern=zzz", token=ADMIN, version="2.53"), 404)
    assert_fault(cloud.request("GET", "/v2.1/os-hypervisors?hypervisor_hostname_pattern=node&limit=1", token=ADMIN,
                               version="2.53"), 400)
    first = validate(schema.list_search_hypervisors,
                     cloud.request("GET", "/v2.1/os-hypervisors?limit=1", token=ADMIN, version="2.53"))
    assert len(first["hypervisors"]) == 1 and "marker=" + first["hypervisors"][0]["id"] in first["hypervisors_links"][0]["href"]
    second = cloud.request("GET", f"/v2.1/os-hypervisors?limit=1&marker={first['hypervisors'][0]['id']}", token=ADMIN,
                           version="2.53").json()
    assert [h["hypervisor_hostname"] for h in second["hypervisors"]] == ["node-b"]
    assert_fault(cloud.request("GET", "/v2.1/os-hypervisors?marker=zzz", token=ADMIN, version="2.53"), 400)
    hypervisor_id = first["hypervisors"][0]["id"]
    shown = validate(schema.get_hypervisor, cloud.request(
        "GET", f"/v2.1/os-hypervisors/{hypervisor_id}?with_servers=1", token=ADMIN, version="2.53"))["hypervisor"]
    assert uuid.UUID(shown["id"]) and uuid.UUID(shown["service"]["id"]) and "servers" in shown
    assert_fault(cloud.request("GET", "/v2.1/os-hypervisors/1", token=ADMIN, version="2.53"), 400)
    assert_fault(cloud.request("GET", f"/v2.1/os-hypervisors/{uuid.uuid4()}", token=ADMIN, version="2.53"), 404)
    latest = cloud.request("GET", f"/v2.1/os-hypervisors/{hypervisor_id}", token=ADMIN, version="2.88").json()["hypervisor"]
    assert "uptime" in latest and "vcpus" not in latest and "cpu_info" not in latest and "running_vms" not in latest


def test_os_hosts(cloud):
    listed = validate(hosts_schema.list_hosts, cloud.request("GET", "/v2.1/os-hosts", token=ADMIN))["hosts"]
    assert sorted((h["host_name"], h["service"], h["zone"]) for h in listed) == [
        ("node-a", "compute", "nova"), ("node-a", "conductor", "internal"), ("node-a", "scheduler", "internal"),
        ("node-b", "compute", "nova")]
    assert len(cloud.request("GET", "/v2.1/os-hosts?zone=", token=ADMIN).json()["hosts"]) == 4
    assert [h["host_name"] for h in cloud.request("GET", "/v2.1/os-hosts?zone=nova", token=ADMIN).json()["hosts"]] == ["node-a", "node-b"]
    assert cloud.request("GET", "/v2.1/os-hosts?zone=xxx", token=ADMIN).json()["hosts"] == []
    server = create(cloud)
    wait(cloud, server, "ACTIVE")
    host = show(cloud, server, token=ADMIN)["OS-EXT-SRV-ATTR:host"]
    resources = validate(hosts_schema.get_host_detail, cloud.request("GET", f"/v2.1/os-hosts/{host}", token=ADMIN))["host"]
    rows = {r["resource"]["project"]: r["resource"] for r in resources}
    assert set(rows) >= {"(total)", "(used_now)", "(used_max)"} and all(r["host"] == host for r in rows.values())
    assert rows["(used_now)"]["cpu"] == 1 and len(rows) == 4
    updated = validate(hosts_schema.update_host, cloud.request("PUT", "/v2.1/os-hosts/node-b", token=ADMIN,
                                                               json={"status": "disable", "maintenance_mode": "enable"}))
    assert updated == {"host": "node-b", "status": "disabled", "maintenance_mode": "on_maintenance"}
    assert next(s for s in services(cloud) if s["host"] == "node-b")["status"] == "disabled"
    for action in ["startup", "shutdown", "reboot"]:
        schema = getattr(hosts_schema, f"{action}_host")
        assert validate(schema, cloud.request("GET", f"/v2.1/os-hosts/node-a/{action}", token=ADMIN)) == {
            "host": "node-a", "power_action": action}
        assert_fault(cloud.request("GET", f"/v2.1/os-hosts/nowhere/{action}", token=ADMIN), 404)
        assert_fault(cloud.request("GET", f"/v2.1/os-hosts/node-a/{action}"), 403)
    for bad in [{}, {"status": "sideways"}, {"maintenance_mode": "x"}]:
        assert_fault(cloud.request("PUT", "/v2.1/os-hosts/node-a", token=ADMIN, json=bad), 400)
    assert_fault(cloud.request("PUT", "/v2.1/os-hosts/nowhere", token=ADMIN, json={"status": "enable"}), 404)
    assert_fault(cloud.request("GET", "/v2.1/os-hosts/nowhere", token=ADMIN), 404)
    assert_fault(cloud.request("GET", "/v2.1/os-hosts"), 403)
    assert_fault(cloud.request("GET", "/v2.1/os-hosts", token=ADMIN, version="2.43"), 404)

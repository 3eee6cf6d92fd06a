"""Issue 11: shelve, shelveOffload and unshelve on the fake driver — Nova's states, the shelved snapshot, the
host freed while offloaded, unshelve to a zone (2.77) or host (2.91) — validated against tempest's schemas."""
import pytest

from conftest import ADMIN, assert_fault
from servers import action, create, show, wait


@pytest.fixture
def cloud(novakit):
    return novakit("--compute-step-delay", "5", "--compute-host", "node-a:8:16384:200", "--compute-host", "node-b:8:16384:200",
                   admin_password="pw")


def hypervisor_usage(cloud):
    detail = cloud.request("GET", "/v2.1/os-hypervisors/detail", token=ADMIN).json()["hypervisors"]
    return {h["hypervisor_hostname"]: h["running_vms"] for h in detail}


@pytest.mark.parametrize("start", ["ACTIVE", "SHUTOFF", "PAUSED"])
def test_shelve_offloads_and_unshelve_returns(cloud, start):
    server = create(cloud, name="shelf")
    wait(cloud, server, "ACTIVE")
    if start != "ACTIVE":
        assert action(cloud, server, {"os-stop" if start == "SHUTOFF" else "pause": None}).status_code == 202
        wait(cloud, server, start)
    shelved = action(cloud, server, {"shelve": None})
    assert shelved.status_code == 202 and shelved.text == ""
    view = wait(cloud, server, "SHELVED_OFFLOADED")
    assert (view["OS-EXT-STS:vm_state"], view["OS-EXT-STS:power_state"]) == ("shelved_offloaded", 4)
    admin_view = show(cloud, server, token=ADMIN)
    assert admin_view["OS-EXT-SRV-ATTR:host"] is None and admin_view["hostId"] == ""
    assert sum(hypervisor_usage(cloud).values()) == 0
    snapshots = cloud.request("GET", "/v2.1/images/detail?name=shelf-shelved").json()["images"]
    assert len(snapshots) == 1 and snapshots[0]["metadata"]["instance_uuid"] == server
    # Shelving again, or offloading what is already offloaded, is a state conflict.
    assert_fault(action(cloud, server, {"shelve": {}}), 409)
    assert_fault(action(cloud, server, {"shelveOffload": None}, token=ADMIN), 409)
    assert action(cloud, server, {"unshelve": None}).status_code == 202
    back = wait(cloud, server, "ACTIVE")
    assert back["OS-EXT-STS:power_state"] == 1
    assert show(cloud, server, token=ADMIN)["OS-EXT-SRV-ATTR:host"] in {"node-a", "node-b"}
    assert sum(hypervisor_usage(cloud).values()) == 1
    assert cloud.request("GET", "/v2.1/images?name=shelf-shelved").json()["images"] == []
    actions = [a["action"] for a in cloud.request("GET", f"/v2.1/servers/{server}/os-instance-actions").json()["instanceActions"]]
    assert actions[:2] == ["unshelve", "shelve"]


def test_unshelve_errors_and_locks(cloud):
    server = create(cloud, name="guarded")
    wait(cloud, server, "ACTIVE")
    assert_fault(action(cloud, server, {"unshelve": None}), 409)
    assert action(cloud, server, {"lock": None}, token=ADMIN).status_code == 202
    assert_fault(action(cloud, server, {"shelve": None}), 409)
    assert action(cloud, server, {"unlock": None}, token=ADMIN).status_code == 202
    assert action(cloud, server, {"shelve": None}).status_code == 202
    wait(cloud, server, "SHELVED_OFFLOADED")
    assert_fault(action(cloud, server, {"unshelve": {"availability_zone": "elsewhere"}}, version="2.77"), 400)
    assert_fault(action(cloud, server, {"unshelve": {"host": "node-a"}}, version="2.77"), 400)  # host is 2.91
    assert_fault(action(cloud, server, {"unshelve": {"host": "node-a"}}, version="2.91"), 403)  # admins only
    assert_fault(action(cloud, server, {"unshelve": {"host": "nowhere"}}, token=ADMIN, version="2.91"), 400)
    assert_fault(action(cloud, server, {"unshelveX": None}), 400)
    assert_fault(action(cloud, "no-such-server", {"shelve": None}), 404)


def test_unshelve_to_a_chosen_host_2_91(cloud):
    server = create(cloud, name="mover")
    wait(cloud, server, "ACTIVE")
    first = show(cloud, server, token=ADMIN)["OS-EXT-SRV-ATTR:host"]
    other = "node-b" if first == "node-a" else "node-a"
    for target in [first, other]:
        assert action(cloud, server, {"shelve": None}).status_code == 202
        wait(cloud, server, "SHELVED_OFFLOADED")
        body = {"unshelve": {"host": target, "availability_zone": None}}
        assert action(cloud, server, body, token=ADMIN, version="2.91").status_code == 202
        wait(cloud, server, "ACTIVE")
        assert show(cloud, server, token=ADMIN)["OS-EXT-SRV-ATTR:host"] == target
    # A zone applies to an offloaded server only.
    assert_fault(action(cloud, server, {"unshelve": {"availability_zone": "nova"}}, version="2.77"), 409)


def test_console_output(cloud):
    """os-getConsoleOutput: the simulated boot log's last `length` lines (all for -1 or none); no console before a
    host has the server or while it is offloaded."""
    from tempest.lib.api_schema.response.compute.v2_1 import servers as servers21

    from conftest import validate

    server = create(cloud, name="console", networks="auto")
    wait(cloud, server, "ACTIVE")
    full = validate(servers21.get_console_output, action(cloud, server, {"os-getConsoleOutput": {}}))["output"].split("\n")
    assert len(full) > 3 and full[-1] == "console login: " and any(server in line for line in full)
    three = validate(servers21.get_console_output, action(cloud, server, {"os-getConsoleOutput": {"length": "3"}}))["output"]
    assert three.split("\n") == full[-3:]
    assert action(cloud, server, {"os-getConsoleOutput": {"length": -1}}).json()["output"].split("\n") == full
    assert action(cloud, server, {"os-getConsoleOutput": {"length": None}}).json()["output"].split("\n") == full
    for bad in [{"length": -2}, {"length": "x"}, {"size": 3}]:
        assert_fault(action(cloud, server, {"os-getConsoleOutput": bad}), 400)
    assert action(cloud, server, {"os-stop": None}).status_code == 202
    wait(cloud, server, "SHUTOFF")
    assert action(cloud, server, {"os-getConsoleOutput": {"length": 1}}).json() == {"output": "console login: "}
    assert action(cloud, server, {"shelve": None}).status_code == 202
    wait(cloud, server, "SHELVED_OFFLOADED")
    assert_fault(action(cloud, server, {"os-getConsoleOutput": {}}), 409)
    assert_fault(action(cloud, "no-such-server", {"os-getConsoleOutput": {}}), 404)

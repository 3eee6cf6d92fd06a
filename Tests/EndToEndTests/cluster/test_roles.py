"""Issue 14, roles: `--role api` nodes accept, validate and record; `--role compute` nodes claim the work and run
it, woken by PostgreSQL NOTIFY (their polling is only the fallback).

Run in the PostgreSQL pass with the other cluster tests."""
import time

import pytest
import requests

from conftest import ADMIN, POSTGRES_URL, run_cli
from servers import action, create, show, wait, wait_deleted

# Compute nodes look for handed work every third of a lease: 20 s with this lease. An action that starts
# sooner than that was started by the API node's notice.
SLOW_POLL = ("--lease-seconds", "60")
STEP = ("--compute-step-delay", "50")


@pytest.fixture(autouse=True)
def _postgres():
    assert POSTGRES_URL, "the cluster tests need NOVAKIT_TEST_POSTGRES_URL (API and compute nodes share one PostgreSQL)"


def lease(node, server):
    rows = node.db.query(f"SELECT held_by, handed_action FROM instance_leases WHERE instance_uuid = '{server}' AND deleted = 0")
    assert len(rows) == 1, rows
    return rows[0]


def test_an_api_node_hands_its_work_to_compute_nodes_which_start_it_at_its_notice(novakit):
    api = novakit("--role", "api", *STEP, *SLOW_POLL, admin_password="pw")
    assert "role api: the work accepted here is left to compute nodes" in api.logs()
    # No compute node yet: the build is accepted, recorded and handed over, and nothing runs it.
    server = create(api, "handed")
    time.sleep(1)
    view = show(api, server)
    assert (view["status"], view["OS-EXT-STS:task_state"]) == ("BUILD", "scheduling"), view["status"]
    assert lease(api, server) == (None, "build")

    # A compute node serves no API, only its health check, and takes the waiting build as it starts.
    worker = novakit("--role", "compute", *STEP, *SLOW_POLL, database=api.db)
    assert "role compute: runs compute work; serves no API" in worker.logs()
    assert requests.get(worker.base + "/healthcheck", timeout=5).status_code == 200
    assert worker.request("GET", "/v2.1/flavors").status_code == 404
    for port in (worker.identity, worker.image, worker.network):
        with pytest.raises(requests.ConnectionError):
            requests.get(port + "/", timeout=5)
    wait(api, server, "ACTIVE", timeout=10)

    # With a second worker, each action starts within moments of its acceptance, long before a worker's poll.
    novakit("--role", "compute", *STEP, *SLOW_POLL, database=api.db)
    steps = [({"reboot": {"type": "SOFT"}}, "ACTIVE"), ({"os-stop": None}, "SHUTOFF"), ({"os-start": None}, "ACTIVE"),
             ({"resize": {"flavorRef": "2"}}, "VERIFY_RESIZE"), ({"confirmResize": None}, "ACTIVE"),
             ({"reboot": {"type": "HARD"}}, "ACTIVE")]
    for body, status in steps:
        accepted = time.monotonic()
        assert action(api, server, body).status_code in (202, 204), body
        wait(api, server, status, timeout=20)
        assert time.monotonic() - accepted < 5, (body, time.monotonic() - accepted)
    assert show(api, server)["flavor"]["id"] == "2"
    assert lease(api, server) == (None, None)
    # Events were recorded under the instance actions the API node wrote.
    actions = api.request("GET", f"/v2.1/servers/{server}/os-instance-actions", token=ADMIN).json()["instanceActions"]
    assert [a["action"] for a in actions][::-1] == ["create", "reboot", "stop", "start", "resize", "confirmResize", "reboot"]
    request_id = next(a["request_id"] for a in actions if a["action"] == "resize")
    events = api.request("GET", f"/v2.1/servers/{server}/os-instance-actions/{request_id}", token=ADMIN, version="2.51").json()
    assert [e["result"] for e in events["instanceAction"]["events"]] == ["Success", "Success"]


def test_a_killed_compute_node_s_work_is_taken_over_by_another_compute_node(novakit):
    api = novakit("--role", "api", "--lease-seconds", "2", admin_password="pw")
    slow = ("--role", "compute", "--compute-step-delay", "1500", "--lease-seconds", "2")
    workers = [novakit(*slow, database=api.db), novakit(*slow, database=api.db)]
    server = create(api, "moving")
    wait(api, server, "ACTIVE", timeout=60)
    assert action(api, server, {"resize": {"flavorRef": "2"}}).status_code == 202
    deadline = time.monotonic() + 10
    while (holder := lease(api, server)[0]) is None:
        assert time.monotonic() < deadline, "no compute node claimed the resize"
        time.sleep(0.05)
    doomed = next(w for w in workers if f":{w.process.pid}:" in holder)
    survivor = next(w for w in workers if w is not doomed)
    doomed.process.kill()
    doomed.process.wait()
    killed_at = time.monotonic()
    view = wait(api, server, "VERIFY_RESIZE", timeout=20)
    assert time.monotonic() - killed_at < 2 + 8
    # Carried through as start-up recovery carries an interrupted resize, by the surviving compute node.
    assert view["flavor"]["id"] == "2"
    migrations = api.request("GET", f"/v2.1/os-migrations?instance_uuid={server}", token=ADMIN).json()["migrations"]
    assert [m["status"] for m in migrations] == ["finished"]
    assert "took over the work of 1 server(s)" in survivor.logs()
    assert lease(api, server) == (None, None)


def test_an_action_through_one_node_on_work_another_node_runs_is_handed_to_that_node(novakit):
    """Two `all` nodes: a delete accepted by the second while the first builds the server goes to the first, which
    cuts its build short and deletes (neither node drives the instance beside the other)."""
    first = novakit("--compute-step-delay", "3000", admin_password="pw")
    second = novakit("--compute-step-delay", "3000", database=first.db)
    server = create(first, "short-lived")
    holder, handed = lease(first, server)
    assert f":{first.process.pid}:" in holder and handed is None
    assert show(second, server)["status"] == "BUILD"
    started = time.monotonic()
    assert second.request("DELETE", f"/v2.1/servers/{server}").status_code == 204
    # The first node claims the handed delete at its notice; the second never holds the instance.
    while (current := lease(first, server))[1] is not None:
        assert time.monotonic() - started < 2, current
        time.sleep(0.02)
    assert f":{first.process.pid}:" in current[0]
    wait_deleted(second, server, timeout=15)
    # The build (a 3 s spawn) was cut short, not waited for: the delete's own 3 s step is most of the time taken.
    assert time.monotonic() - started < 3 + 2.5


def test_roles_other_than_all_need_postgresql(tmp_path):
    for role in ("api", "compute"):
        out = run_cli("serve", "--role", role, "--database", f"sqlite://{tmp_path}/one.sqlite")
        assert out.returncode != 0
        assert f"role '{role}' needs PostgreSQL" in out.stderr
    out = run_cli("serve", "--role", "worker", "--database", f"sqlite://{tmp_path}/one.sqlite")
    assert out.returncode != 0 and "unknown role 'worker'; use one of: all, api, compute" in out.stderr

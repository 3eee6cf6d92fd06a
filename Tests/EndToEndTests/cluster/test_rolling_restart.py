"""Issue 14: three nodes on one PostgreSQL behind HAProxy (`scripts/cluster.sh`), restarted one at a time
while clients keep working through the balancer: no 5xx, no server lost or duplicated, all settle."""
import shutil
import subprocess
import threading
import time

import pytest
import requests

from conftest import BINARY, POSTGRES_URL, ROOT, Database, clean_env, free_ports
from identity import Identity

ADMIN_PASSWORD = "cluster-Pw-123"
STABLE = {"ACTIVE", "SHUTOFF", "ERROR"}


class Balanced:
    """The cloud as clients see it: HAProxy's listeners (what `Identity` needs of a server)."""

    def __init__(self, ports):
        self.compute, self.identity = (f"http://127.0.0.1:{port}" for port in ports[:2])


class Client(threading.Thread):
    """Creates a server, reboots it, stops it, deletes it; again and again until told to stop. Every answer
    is kept, so the test can see each status the balancer returned."""

    def __init__(self, cloud, token, index, image, stop):
        super().__init__(daemon=True)
        self.cloud, self.token, self.index, self.image, self.stop_event = cloud, token, index, image, stop
        self.statuses, self.created, self.deleted, self.errors = [], {}, set(), []

    def call(self, method, path, json=None):
        response = requests.request(method, self.cloud.compute + "/v2.1" + path, json=json, timeout=30,
                                    headers={"X-Auth-Token": self.token, "OpenStack-API-Version": "compute 2.37"})
        self.statuses.append((method, path, response.status_code))
        if response.status_code >= 500:
            self.errors.append(f"{method} {path}: {response.status_code} {response.text[:200]}")
        return response

    def settle(self, server, expected):
        """Waits until the server has no task in flight (or is gone, for `expected` None); it must then show
        `expected`: a node stopped gracefully finishes its work, so nothing ends in ERROR."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            response = self.call("GET", f"/servers/{server}")
            if expected is None and response.status_code == 404:
                return
            if response.status_code == 200:
                view = response.json()["server"]
                if expected is not None and view["status"] in STABLE and view["OS-EXT-STS:task_state"] is None:
                    assert view["status"] == expected, f"server {server} is {view['status']}, not {expected}: {view.get('fault')}"
                    return
            time.sleep(0.05)
        raise AssertionError(f"server {server} did not become {expected}")

    def act(self, server, body):
        """An action, asked again while the server is busy (409: another task in flight)."""
        for _ in range(100):
            response = self.call("POST", f"/servers/{server}/action", body)
            if response.status_code != 409:
                assert response.status_code == 202, response.text
                return
            time.sleep(0.05)
        raise AssertionError(f"{body} on {server} stayed refused")

    def run(self):
        try:
            round = 0
            while not self.stop_event.is_set():
                name = f"client{self.index}-{round}"
                response = self.call("POST", "/servers", {"server": {"name": name, "imageRef": self.image, "flavorRef": "1",
                                                                     "networks": "none"}})
                assert response.status_code == 202, response.text
                server = response.json()["server"]["id"]
                self.created[name] = server
                self.settle(server, "ACTIVE")
                self.act(server, {"reboot": {"type": "SOFT"}})
                self.settle(server, "ACTIVE")
                if round != 1:  # each client keeps its second server, so the end state holds live servers too
                    self.act(server, {"os-stop": None})
                    self.settle(server, "SHUTOFF")
                    assert self.call("DELETE", f"/servers/{server}").status_code == 204
                    self.deleted.add(server)
                    self.settle(server, None)
                round += 1
        except Exception as error:  # noqa: BLE001 - reported by the test
            self.errors.append(repr(error))


@pytest.mark.parametrize("workers", [0, 2], ids=["three-all-nodes", "three-api-nodes-two-compute-workers"])
def test_a_rolling_restart_behind_haproxy_loses_no_request_and_no_server(tmp_path, workers):
    """Three nodes that each run their own work; or three API nodes that hand it all to two compute workers
    (`CLUSTER_WORKERS`), the workers restarted after the nodes."""
    assert POSTGRES_URL, "the cluster tests need NOVAKIT_TEST_POSTGRES_URL"
    assert shutil.which("haproxy"), "scripts/cluster.sh needs HAProxy (.ci/run installs it: apt-get install haproxy)"
    database = Database(tmp_path)
    ports = free_ports(5 + 3 * 5 + 2 * workers)
    cloud = Balanced(ports[:5])
    env = {
        "CLUSTER_DATABASE": database.url, "CLUSTER_DIR": str(tmp_path / "cluster"), "CLUSTER_NODES": "3",
        "CLUSTER_PORTS": " ".join(map(str, ports[:5])), "CLUSTER_NODE_PORTS": " ".join(map(str, ports[5:20])),
        "CLUSTER_WORKERS": str(workers), "CLUSTER_WORKER_PORTS": " ".join(map(str, ports[20:])),
        "CLUSTER_ADMIN_PASSWORD": ADMIN_PASSWORD, "NOVAKIT_BIN": str(BINARY),
        # Work that takes a while, so restarts land in the middle of builds and actions.
        "CLUSTER_SERVE_ARGS": "--compute-step-delay 300 --lease-seconds 3",
    }
    script = str(ROOT / "scripts" / "cluster.sh")

    def cluster(*args):
        result = subprocess.run([script, *args], env=clean_env(env), capture_output=True, text=True, timeout=240)
        assert result.returncode == 0, f"cluster.sh {' '.join(args)}: {result.stdout}{result.stderr}"
        return result.stdout + result.stderr

    cluster("start")
    try:
        # The catalog names the balancer, not the nodes.
        identity = Identity(cloud)
        token = identity.token(password=ADMIN_PASSWORD)
        catalog = identity.call("GET", "/auth/catalog", token).json()
        compute_urls = {e["url"] for s in catalog["catalog"] if s["type"] == "compute" for e in s["endpoints"]}
        assert compute_urls == {f"{cloud.compute}/v2.1"}
        image = requests.get(cloud.compute + "/v2.1/images", headers={"X-Auth-Token": token}, timeout=10).json()["images"][0]["id"]

        stop = threading.Event()
        clients = [Client(cloud, token, index, image, stop) for index in range(4)]
        for client in clients:
            client.start()
        time.sleep(2)
        log = cluster("rolling-restart")
        assert [f"node {n} is back" in log for n in (1, 2, 3)] == [True] * 3, log
        assert [f"worker {n} is back" in log for n in range(1, workers + 1)] == [True] * workers, log
        time.sleep(2)
        stop.set()
        for client in clients:
            client.join(timeout=120)
        assert not any(client.is_alive() for client in clients)

        errors = [error for client in clients for error in client.errors]
        # What the nodes said about work they took over or recovered, should a server have ended wrongly.
        recoveries = [line for log_file in sorted((tmp_path / "cluster").glob("*.log")) for line in log_file.read_text().splitlines()
                      if "recovery:" in line or "took over" in line or "could not record" in line]
        assert errors == [], (errors, recoveries)
        statuses = [status for client in clients for status in client.statuses]
        assert len(statuses) > 100 and all(code < 500 for _, _, code in statuses)
        # Every node served requests, and every node was restarted while they came in.
        for n in (1, 2, 3):
            node_log = (tmp_path / "cluster" / f"node{n}.log").read_text()
            assert node_log.count("compute API listening") == 2, node_log[-2000:]
            assert "POST /v2.1/servers 202" in node_log
            # With workers, the nodes run no work: nothing they accepted was recovered or taken over by them.
            assert workers == 0 or ("role api" in node_log and "took over" not in node_log and "recovery:" not in node_log)
        for n in range(1, workers + 1):
            worker_log = (tmp_path / "cluster" / f"worker{n}.log").read_text()
            assert worker_log.count("role compute: runs compute work") == 2, worker_log[-2000:]

        # Each create that was accepted made exactly one server; deleted ones are gone, the others settled.
        created = {name: server for client in clients for name, server in client.created.items()}
        deleted = set().union(*(client.deleted for client in clients))
        kept = {name: server for name, server in created.items() if server not in deleted}
        assert len(created) >= 8 and kept and deleted
        listed = requests.get(cloud.compute + "/v2.1/servers/detail", headers={"X-Auth-Token": token},
                              timeout=10).json()["servers"]
        assert sorted(s["name"] for s in listed) == sorted(kept)
        assert {s["name"]: s["id"] for s in listed} == kept
        assert all(s["status"] == "ACTIVE" and s["OS-EXT-STS:task_state"] is None for s in listed), listed
        rows = database.query("SELECT COUNT(*) FROM instances WHERE deleted = 0")
        assert rows == [(str(len(kept)),)]
        assert database.query("SELECT COUNT(*) FROM instance_leases WHERE held_by IS NOT NULL") == [("0",)]
    finally:
        cluster("stop")

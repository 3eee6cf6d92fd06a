"""Issue 13: a SIGKILL in the middle of a write-heavy run loses no acknowledged write — documents, keypairs,
servers, issued tokens — the SQLite file passes its integrity check, and every server settles after restart."""
import threading
import time

import requests

from conftest import POSTGRES_URL
from identity import ADMIN_PASSWORD, Identity

SETTLED = {"ACTIVE", "ERROR"}


def test_sigkill_under_write_load_loses_no_acknowledged_write(novakit):
    server = novakit("--compute-step-delay", "50", auth="keystone", admin_password=ADMIN_PASSWORD)
    identity = Identity(server)
    admin = identity.token()
    image = server.request("GET", "/v2.1/images", token=admin).json()["images"][0]["id"]
    acknowledged = {"documents": [], "keypairs": [], "servers": [], "tokens": []}
    lock = threading.Lock()
    stop = threading.Event()

    def record(kind, value):
        with lock:
            acknowledged[kind].append(value)

    def writer(worker):
        session = requests.Session()
        session.headers["X-Auth-Token"] = admin
        count = 0
        while not stop.is_set():
            count += 1
            try:
                kind = count % 4
                if kind == 0:
                    doc_id = worker * 100000 + count
                    r = session.post(f"{server.base}/v2.1/os-documents", json={"id": doc_id, "name": f"d{doc_id}"}, timeout=5)
                    if r.status_code == 202:
                        record("documents", doc_id)
                elif kind == 1:
                    name = f"k-{worker}-{count}"
                    r = session.post(f"{server.base}/v2.1/os-keypairs", json={"keypair": {"name": name}}, timeout=5)
                    if r.status_code in (200, 201):
                        record("keypairs", name)
                elif kind == 2:
                    body = {"server": {"name": f"s-{worker}-{count}", "imageRef": image, "flavorRef": "1", "networks": "none"}}
                    r = session.post(f"{server.base}/v2.1/servers", json=body, headers={"OpenStack-API-Version": "compute 2.37"},
                                     timeout=5)
                    if r.status_code == 202:
                        record("servers", r.json()["server"]["id"])
                else:
                    r = identity.issue({"auth": {"identity": {"methods": ["password"], "password": {"user": {
                        "name": "admin", "domain": {"id": "default"}, "password": ADMIN_PASSWORD}}}}})
                    if r.status_code == 201:
                        record("tokens", r.headers["X-Subject-Token"])
            except requests.RequestException:
                return  # the server is gone: what was acknowledged before is what counts

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(3)
    server.process.kill()  # SIGKILL mid-load: no graceful shutdown, writes in flight
    server.process.wait()
    stop.set()
    for thread in threads:
        thread.join(timeout=10)
    server.log.close()
    assert all(len(values) >= 3 for values in acknowledged.values()), {k: len(v) for k, v in acknowledged.items()}

    if not POSTGRES_URL:
        assert server.db.query("PRAGMA integrity_check") == [("ok",)]
    restarted = novakit("--compute-step-delay", "5", auth="keystone", admin_password=ADMIN_PASSWORD, database=server.db)
    token = Identity(restarted).token()
    for doc_id in acknowledged["documents"]:
        assert restarted.request("GET", f"/v2.1/os-documents/{doc_id}", token=token).status_code == 200, doc_id
    names = {k["keypair"]["name"] for k in restarted.request("GET", "/v2.1/os-keypairs", token=token).json()["keypairs"]}
    assert set(acknowledged["keypairs"]) <= names
    check = requests.Session()
    for issued in acknowledged["tokens"]:
        answer = check.get(f"{restarted.identity}/v3/auth/tokens", headers={"X-Auth-Token": token, "X-Subject-Token": issued}, timeout=10)
        assert answer.status_code == 200, issued
    deadline = time.monotonic() + 60
    pending = set(acknowledged["servers"])
    while pending:
        for server_id in sorted(pending):
            view = restarted.request("GET", f"/v2.1/servers/{server_id}", token=token)
            assert view.status_code == 200, server_id  # acknowledged, so it exists
            body = view.json()["server"]
            if body["status"] in SETTLED and body["OS-EXT-STS:task_state"] is None:
                pending.discard(server_id)
        assert time.monotonic() < deadline, pending
        time.sleep(0.1)

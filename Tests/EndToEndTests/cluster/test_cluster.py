"""Issue 14: several NovaKit nodes on one PostgreSQL database behave as one cloud.

Run only on PostgreSQL (`scripts/test.sh` runs this directory in its PostgreSQL pass): SQLite is one node.
Each test starts real nodes on one fresh database and talks to each on its own ports."""
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from conftest import ADMIN, POSTGRES_URL, PROJECT, assert_fault
from identity import ADMIN_PASSWORD, Identity
from servers import image_id


@pytest.fixture
def cluster(novakit):
    """Two nodes with the built-in identity service on one PostgreSQL database."""
    assert POSTGRES_URL, "the cluster tests need NOVAKIT_TEST_POSTGRES_URL (several nodes share one PostgreSQL)"
    first = novakit(auth="keystone", admin_password=ADMIN_PASSWORD)
    second = novakit(auth="keystone", database=first.db)
    return first, second


def compute_answers(node, token):
    return node.request("GET", "/v2.1/flavors", token=token).status_code


def test_a_token_revoked_through_one_node_is_refused_by_the_other_two_at_once(cluster, novakit):
    first, second = cluster
    third = novakit(auth="keystone", database=first.db)
    identity = Identity(first)
    admin = identity.token()
    token = identity.token()
    # The other nodes have validated (and cached) the token before it is revoked.
    for node in (second, third):
        assert compute_answers(node, token) == 200
        assert compute_answers(node, token) == 200
    revoked = identity.call("DELETE", "/auth/tokens", admin, headers={"X-Subject-Token": token})
    assert revoked.status_code == 204
    assert compute_answers(second, token) == 401
    assert compute_answers(third, token) == 401
    assert compute_answers(first, token) == 401
    assert compute_answers(second, admin) == 200
    assert compute_answers(third, admin) == 200


def test_directory_changes_through_either_node_reach_the_other_at_once(cluster):
    first, second = cluster
    through_first, through_second = Identity(first), Identity(second)
    admin = through_first.token()
    _, dora = through_first.make_user(admin, "dora", "dora-Secret-1", "doras")
    _, ed = through_first.make_user(admin, "ed", "ed-Secret-1", "eds")
    dora_token = through_first.token("dora", "dora-Secret-1", "doras")
    ed_token = through_first.token("ed", "ed-Secret-1", "eds")
    assert compute_answers(second, dora_token) == 200
    assert compute_answers(first, ed_token) == 200

    # A user disabled through the first node: the second refuses the user's token at once.
    disabled = through_first.call("PATCH", f"/users/{dora['id']}", admin, json={"user": {"enabled": False}})
    assert disabled.status_code == 200, disabled.text
    assert compute_answers(second, dora_token) == 401

    # A role taken away through the second node: the first refuses the token it scoped at once.
    project = through_second.call("GET", "/projects?name=eds", admin).json()["projects"][0]["id"]
    member = through_second.call("GET", "/roles?name=member", admin).json()["roles"][0]["id"]
    removed = through_second.call("DELETE", f"/projects/{project}/users/{ed['id']}/roles/{member}", admin)
    assert removed.status_code == 204, removed.text
    assert compute_answers(first, ed_token) == 401
    assert compute_answers(first, admin) == 200

    # A password changed through the first node (the user's own change, no token): the second refuses the
    # user's old token at once.
    _, fay = through_first.make_user(admin, "fay", "fay-Secret-1", "fays")
    fay_token = through_first.token("fay", "fay-Secret-1", "fays")
    assert compute_answers(second, fay_token) == 200
    changed = requests.post(f"{through_first.url}/users/{fay['id']}/password", timeout=30,
                            json={"user": {"original_password": "fay-Secret-1", "password": "fay-Secret-2"}})
    assert changed.status_code == 204, changed.text
    assert compute_answers(second, fay_token) == 401
    fay_token = through_second.token("fay", "fay-Secret-2", "fays")
    assert compute_answers(first, fay_token) == 200

    # A project disabled through the second node: the first refuses tokens scoped to it at once.
    fays = through_second.call("GET", "/projects?name=fays", admin).json()["projects"][0]["id"]
    disabled = through_second.call("PATCH", f"/projects/{fays}", admin, json={"project": {"enabled": False}})
    assert disabled.status_code == 200, disabled.text
    assert compute_answers(first, fay_token) == 401


def test_flavors_and_keypairs_written_through_one_node_are_listed_by_the_other_at_once(cluster):
    first, second = cluster
    identity = Identity(first)
    admin = identity.token()
    names = lambda node, path, key, member: [item[member]["name"] if member else item["name"]
                                             for item in node.request("GET", path, token=admin).json()[key]]
    # The second node lists (and caches) both before the first writes.
    assert "cluster.tiny" not in names(second, "/v2.1/flavors", "flavors", None)
    assert names(second, "/v2.1/os-keypairs", "keypairs", "keypair") == []
    flavor = {"flavor": {"name": "cluster.tiny", "ram": 64, "vcpus": 1, "disk": 1}}
    assert first.request("POST", "/v2.1/flavors", token=admin, json=flavor).status_code == 200
    assert first.request("POST", "/v2.1/os-keypairs", token=admin, json={"keypair": {"name": "shared"}}).status_code == 200
    assert "cluster.tiny" in names(second, "/v2.1/flavors", "flavors", None)
    assert names(second, "/v2.1/os-keypairs", "keypairs", "keypair") == ["shared"]
    assert second.request("DELETE", "/v2.1/os-keypairs/shared", token=admin).status_code == 202
    assert names(first, "/v2.1/os-keypairs", "keypairs", "keypair") == []


def test_concurrent_creates_over_three_nodes_stop_exactly_at_the_project_quota(novakit):
    """Quota is checked under a database lock, not a process's: 200 creates spread over three nodes against
    a quota of 50 instances end with exactly 50 accepted and usage 50."""
    assert POSTGRES_URL, "the cluster tests need NOVAKIT_TEST_POSTGRES_URL (several nodes share one PostgreSQL)"
    first = novakit(admin_password="pw")
    nodes = [first, novakit(database=first.db), novakit(database=first.db)]
    quota = {"quota_set": {"instances": 50, "cores": 1000, "ram": 10_000_000}}
    assert first.request("PUT", f"/v2.1/os-quota-sets/{PROJECT}", token=ADMIN, json=quota).status_code == 200
    image = image_id(first)

    def create(index):
        body = {"server": {"name": f"spread{index}", "imageRef": image, "flavorRef": "1", "networks": "none"}}
        return nodes[index % 3].request("POST", "/v2.1/servers", version="2.37", json=body)

    with ThreadPoolExecutor(max_workers=24) as pool:
        responses = list(pool.map(create, range(200)))
    statuses = [r.status_code for r in responses]
    assert statuses.count(202) == 50 and statuses.count(403) == 150, sorted(set(statuses))
    for refused in (r for r in responses if r.status_code == 403):
        assert_fault(refused, 403)
    # Every node accepted some: the requests really were spread.
    assert all(any(r.status_code == 202 for r in responses[i::3]) for i in range(3))
    for node in nodes:
        assert node.request("GET", "/v2.1/limits").json()["limits"]["absolute"]["totalInstancesUsed"] == 50
    assert len(first.request("GET", "/v2.1/servers?limit=1000").json()["servers"]) == 50


def test_the_work_of_a_killed_node_is_taken_over_by_another_once_its_lease_runs_out(novakit):
    """A node killed mid-resize stops renewing its leases; after the lease (2 s here) another node claims the
    work and carries it on as start-up recovery does: no server is left in a task state."""
    assert POSTGRES_URL, "the cluster tests need NOVAKIT_TEST_POSTGRES_URL (several nodes share one PostgreSQL)"
    from servers import action, create, show, wait

    doomed = novakit("--compute-step-delay", "1500", "--lease-seconds", "2", admin_password="pw")
    survivor = novakit("--compute-step-delay", "20", "--lease-seconds", "2", database=doomed.db)
    server = create(doomed, "moving")
    wait(doomed, server, "ACTIVE", timeout=60)
    assert action(doomed, server, {"resize": {"flavorRef": "2"}}).status_code == 202
    assert show(survivor, server)["OS-EXT-STS:task_state"] is not None
    held = doomed.db.query(f"SELECT held_by FROM instance_leases WHERE instance_uuid = '{server}' AND deleted = 0")
    assert held and held[0][0], held
    doomed.process.kill()
    doomed.process.wait()
    killed_at = time.monotonic()

    deadline = killed_at + 2 + 10
    while True:
        view = show(survivor, server)
        if view["OS-EXT-STS:task_state"] is None:
            break
        assert time.monotonic() < deadline, (view["status"], view["OS-EXT-STS:task_state"])
        time.sleep(0.1)
    # Carried through as start-up recovery carries an interrupted resize: VERIFY_RESIZE on the new flavor, its one
    # migration finished.
    assert view["status"] == "VERIFY_RESIZE" and view["flavor"]["id"] == "2", view["status"]
    migrations = survivor.request("GET", f"/v2.1/os-migrations?instance_uuid={server}", token=ADMIN).json()["migrations"]
    assert [m["status"] for m in migrations] == ["finished"]
    assert "took over the work of 1 server(s)" in survivor.logs()
    released = f"SELECT COUNT(*) FROM instance_leases WHERE instance_uuid = '{server}' AND deleted = 0 AND held_by IS NULL"
    assert survivor.db.query(released) == [("1",)]
    # The server takes new work on the surviving node.
    assert action(survivor, server, {"revertResize": None}).status_code == 202
    wait(survivor, server, "ACTIVE")
    assert show(survivor, server)["flavor"]["id"] == "1"

"""Issue 14: several NovaKit nodes on one PostgreSQL database behave as one cloud.

Run only on PostgreSQL (`scripts/test.sh` runs this directory in its PostgreSQL pass): SQLite is one node.
Each test starts real nodes on one fresh database and talks to each on its own ports."""
import pytest

from conftest import POSTGRES_URL
from identity import ADMIN_PASSWORD, Identity


@pytest.fixture
def cluster(novakit):
    """Two nodes with the built-in identity service on one PostgreSQL database."""
    assert POSTGRES_URL, "the cluster tests need NOVAKIT_TEST_POSTGRES_URL (several nodes share one PostgreSQL)"
    first = novakit(auth="keystone", admin_password=ADMIN_PASSWORD)
    second = novakit(auth="keystone", database=first.db)
    return first, second


def compute_answers(node, token):
    return node.request("GET", "/v2.1/flavors", token=token).status_code


def test_a_token_revoked_through_one_node_is_refused_by_the_other_at_once(cluster):
    first, second = cluster
    identity = Identity(first)
    admin = identity.token()
    token = identity.token()
    # The second node has validated (and cached) the token before it is revoked.
    assert compute_answers(second, token) == 200
    assert compute_answers(second, token) == 200
    revoked = identity.call("DELETE", "/auth/tokens", admin, headers={"X-Subject-Token": token})
    assert revoked.status_code == 204
    assert compute_answers(second, token) == 401
    assert compute_answers(first, token) == 401
    assert compute_answers(second, admin) == 200


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

"""Issue 4: the built-in Keystone v3 subset over HTTP against the real binary."""
import hashlib
import time

import pytest
import requests

from conftest import HASH_ROUNDS, Database, assert_fault, run_cli
from identity import ADMIN_PASSWORD, Identity, assert_keystone_error, password_auth


@pytest.fixture
def keystone(novakit):
    server = novakit(auth="keystone", admin_password=ADMIN_PASSWORD)
    return server, Identity(server)


def test_version_documents(keystone):
    server, identity = keystone
    root = requests.get(server.identity + "/", timeout=5)
    assert root.status_code == 300
    values = root.json()["versions"]["values"]
    assert values[0]["id"] == "v3.14" and values[0]["status"] == "stable"
    v3 = requests.get(identity.url, timeout=5).json()["version"]
    assert v3["links"][0]["href"] == f"{server.identity}/v3/"
    assert v3["media-types"][0]["type"] == "application/vnd.openstack.identity-v3+json"


def test_password_token_body(keystone):
    server, identity = keystone
    response = identity.issue(password_auth("admin", ADMIN_PASSWORD, "admin"))
    assert response.status_code == 201
    token = response.headers["X-Subject-Token"]
    assert len(token) >= 40
    body = response.json()["token"]
    assert body["methods"] == ["password"]
    assert body["user"]["name"] == "admin" and body["user"]["domain"] == {"id": "default", "name": "Default"}
    assert body["project"]["name"] == "admin" and body["project"]["domain"]["id"] == "default"
    # Keystone's bootstrap roles: admin implies manager, manager member, member reader.
    assert sorted(r["name"] for r in body["roles"]) == ["admin", "manager", "member", "reader"]
    assert body["expires_at"].endswith("Z") and body["issued_at"].endswith("Z") and len(body["audit_ids"]) == 1
    catalog = {service["type"]: service for service in body["catalog"]}
    assert set(catalog) == {"compute", "identity", "image", "network"}
    for service_type, url in [("compute", f"http://127.0.0.1:{server.port}/v2.1"), ("identity", f"{server.identity}/v3"),
                              ("image", server.image), ("network", server.network)]:
        endpoints = catalog[service_type]["endpoints"]
        assert sorted(e["interface"] for e in endpoints) == ["admin", "internal", "public"]
        assert all(e["url"] == url and e["region"] == "RegionOne" and e["region_id"] == "RegionOne" for e in endpoints)
    assert "catalog" not in identity.issue(password_auth("admin", ADMIN_PASSWORD, "admin"), "?nocatalog").json()["token"]


def test_user_and_project_by_id_and_unscoped(keystone):
    server, identity = keystone
    admin = identity.token()
    project, user = identity.make_user(admin, "alice", "alice-pw", "demo")
    by_id = identity.issue(password_auth(user["id"], "alice-pw", project["id"], user_by_id=True, project_by_id=True))
    assert by_id.status_code == 201 and by_id.json()["token"]["project"]["id"] == project["id"]
    assert sorted(r["name"] for r in by_id.json()["token"]["roles"]) == ["member", "reader"]
    unscoped = identity.issue(password_auth("alice", "alice-pw"))
    assert unscoped.status_code == 201
    assert not {"project", "roles", "catalog"} & set(unscoped.json()["token"])


@pytest.mark.parametrize("case", ["wrong password", "unknown user", "disabled user", "disabled project", "no role", "unknown project"])
def test_authentication_failures(keystone, case):
    server, identity = keystone
    admin = identity.token()
    project, user = identity.make_user(admin, "bob", "bob-pw", "bobs")
    identity.create(admin, "projects", "project", name="empty", domain_id="default")
    body = {
        "wrong password": password_auth("bob", "nope", "bobs"),
        "unknown user": password_auth("nobody", "bob-pw", "bobs"),
        "disabled user": password_auth("bob", "bob-pw", "bobs"),
        "disabled project": password_auth("bob", "bob-pw", "bobs"),
        "no role": password_auth("bob", "bob-pw", "empty"),
        "unknown project": password_auth("bob", "bob-pw", "nowhere"),
    }[case]
    if case == "disabled user":
        assert identity.call("PATCH", f"/users/{user['id']}", admin, json={"user": {"enabled": False}}).status_code == 200
    if case == "disabled project":
        assert identity.call("PATCH", f"/projects/{project['id']}", admin, json={"project": {"enabled": False}}).status_code == 200
    error = assert_keystone_error(identity.issue(body), 401)
    assert error["title"] == "Unauthorized"


def test_validate_check_revoke(keystone):
    server, identity = keystone
    admin = identity.token()
    project, _ = identity.make_user(admin, "carol", "carol-pw", "carols")
    carol = identity.token("carol", "carol-pw", "carols")
    shown = identity.call("GET", "/auth/tokens", admin, headers={"X-Subject-Token": carol})
    assert shown.status_code == 200 and shown.json()["token"]["user"]["name"] == "carol"
    assert shown.headers["X-Subject-Token"] == carol
    assert identity.call("HEAD", "/auth/tokens", admin, headers={"X-Subject-Token": carol}).status_code == 200
    assert identity.call("GET", "/auth/tokens", carol, headers={"X-Subject-Token": carol}).status_code == 200
    assert_keystone_error(identity.call("GET", "/auth/tokens", admin, headers={"X-Subject-Token": "bogus"}), 404)
    assert_keystone_error(identity.call("GET", "/auth/tokens", "bogus", headers={"X-Subject-Token": carol}), 401)
    assert server.request("GET", f"/v2.1/{project['id']}/os-documents", token=carol).status_code == 200
    assert identity.call("DELETE", "/auth/tokens", carol, headers={"X-Subject-Token": carol}).status_code == 204
    assert_keystone_error(identity.call("GET", "/auth/tokens", admin, headers={"X-Subject-Token": carol}), 404)
    assert_fault(server.request("GET", "/v2.1/os-documents", token=carol), 401)


def test_a_changed_password_ends_the_users_tokens(keystone):
    """As Keystone (tempest's test_user_update_own_password): a user changes its own password with the old one
    and no token; its tokens end, the old password is refused, the new one works. A password an administrator
    sets ends them too."""
    server, identity = keystone
    admin = identity.token()
    project, dave = identity.make_user(admin, "dave", "dave-old-pw", "daves")
    old = identity.token("dave", "dave-old-pw", "daves")
    assert server.request("GET", "/v2.1/flavors", token=old).status_code == 200  # validated, so cached
    url = f"{identity.url}/users/{dave['id']}/password"
    change = lambda original, new: requests.post(url, json={"user": {"original_password": original, "password": new}}, timeout=30)
    # A wrong original password, an unknown user and a body without the new password change nothing.
    assert_keystone_error(change("not-it", "dave-new-pw"), 401)
    assert_keystone_error(requests.post(f"{identity.url}/users/nobody/password", json={"user": {
        "original_password": "dave-old-pw", "password": "x"}}, timeout=30), 401)
    assert_keystone_error(requests.post(url, json={"user": {"original_password": "dave-old-pw"}}, timeout=30), 400)
    assert server.request("GET", "/v2.1/flavors", token=old).status_code == 200

    changed = change("dave-old-pw", "dave-new-pw")
    assert changed.status_code == 204 and changed.content == b""
    assert_fault(server.request("GET", "/v2.1/flavors", token=old), 401)
    assert_keystone_error(identity.call("GET", "/auth/tokens", admin, headers={"X-Subject-Token": old}), 404)
    assert_keystone_error(identity.issue(password_auth("dave", "dave-old-pw", "daves")), 401)
    new = identity.token("dave", "dave-new-pw", "daves")
    assert server.request("GET", "/v2.1/flavors", token=new).status_code == 200

    # An administrator's PATCH with a password ends them as well; one without a password does not.
    assert identity.call("PATCH", f"/users/{dave['id']}", admin, json={"user": {"email": "d@example.org"}}).status_code == 200
    assert server.request("GET", "/v2.1/flavors", token=new).status_code == 200
    assert identity.call("PATCH", f"/users/{dave['id']}", admin, json={"user": {"password": "dave-third-pw"}}).status_code == 200
    assert_fault(server.request("GET", "/v2.1/flavors", token=new), 401)
    assert server.request("GET", "/v2.1/flavors", token=identity.token("dave", "dave-third-pw", "daves")).status_code == 200
    assert server.request("GET", "/v2.1/flavors", token=admin).status_code == 200  # other users keep theirs


def test_catalog_and_projects(keystone):
    server, identity = keystone
    admin = identity.token()
    identity.make_user(admin, "dave", "dave-pw", "daves")
    dave = identity.token("dave", "dave-pw", "daves")
    catalog = identity.call("GET", "/auth/catalog", dave).json()["catalog"]
    assert {service["type"] for service in catalog} == {"compute", "identity", "image", "network"}
    assert [p["name"] for p in identity.call("GET", "/auth/projects", dave).json()["projects"]] == ["daves"]


def test_rescoping_with_the_token_method(keystone):
    server, identity = keystone
    admin = identity.token()
    project, _ = identity.make_user(admin, "erin", "erin-pw", "erins")
    unscoped = identity.issue(password_auth("erin", "erin-pw"))
    token, expires = unscoped.headers["X-Subject-Token"], unscoped.json()["token"]["expires_at"]
    rescoped = identity.issue({"auth": {"identity": {"methods": ["token"], "token": {"id": token}},
                                        "scope": {"project": {"id": project["id"]}}}})
    assert rescoped.status_code == 201
    body = rescoped.json()["token"]
    assert body["methods"] == ["token"] and body["project"]["id"] == project["id"] and body["expires_at"] <= expires
    assert server.request("GET", "/v2.1/os-documents", token=rescoped.headers["X-Subject-Token"]).status_code == 200
    bad = identity.issue({"auth": {"identity": {"methods": ["token"], "token": {"id": "nonsense"}}}})
    assert_keystone_error(bad, 401)


def test_tokens_expire(novakit):
    server = novakit("--token-lifetime", "2", auth="keystone", admin_password=ADMIN_PASSWORD)
    identity = Identity(server)
    token = identity.token()
    assert server.request("GET", "/v2.1/os-documents", token=token).status_code == 200
    time.sleep(2.2)
    assert_fault(server.request("GET", "/v2.1/os-documents", token=token), 401)
    assert_keystone_error(identity.call("GET", "/auth/tokens", identity.token(), headers={"X-Subject-Token": token}), 404)


def test_tokens_survive_a_restart_and_are_stored_hashed(tmp_path, novakit):
    first = novakit(auth="keystone", admin_password=ADMIN_PASSWORD)
    token = Identity(first).token()
    first.stop()
    second = novakit(auth="keystone", database=first.db)
    assert second.request("GET", "/v2.1/os-documents", token=token).status_code == 200
    stored = [row[0] for row in second.db.query("SELECT id FROM identity_tokens")]
    assert hashlib.sha256(token.encode()).hexdigest() in stored and token not in stored


def test_passwords_are_hashed_and_never_shown(keystone):
    server, identity = keystone
    admin = identity.token()
    _, user = identity.make_user(admin, "frank", "frank-Secret-9", "franks")
    assert "password" not in user and "password_hash" not in user
    shown = identity.call("GET", f"/users/{user['id']}", admin).json()["user"]
    assert "password" not in shown and "password_hash" not in shown
    hashes = [row[0] for row in server.db.query("SELECT password_hash FROM identity_users WHERE name = 'frank'")]
    assert hashes[0].startswith("$2") and "frank-Secret-9" not in hashes[0]
    assert "frank-Secret-9" not in server.logs() and ADMIN_PASSWORD not in server.logs()


def test_password_hash_rounds_default_to_keystones_and_bind_new_hashes_only(novakit):
    """bcrypt's cost is Keystone's 12 unless set; a changed cost applies to new hashes, and a password hashed at
    the old cost still logs in."""
    hash_of = lambda server, name: server.db.query(f"SELECT password_hash FROM identity_users WHERE name = '{name}'")[0][0]
    default = novakit(auth="keystone", admin_password=ADMIN_PASSWORD, env={HASH_ROUNDS: None})
    identity = Identity(default)
    identity.make_user(identity.token(), "gail", "gail-Secret-1", "gails")
    assert hash_of(default, "admin").startswith("$2b$12$") and hash_of(default, "gail").startswith("$2b$12$")
    default.stop()

    cheap = novakit("--password-hash-rounds", "5", auth="keystone", database=default.db, env={HASH_ROUNDS: None})
    identity = Identity(cheap)
    admin = identity.token()
    identity.token("gail", "gail-Secret-1", "gails")
    identity.make_user(admin, "hank", "hank-Secret-2", "hanks")
    assert hash_of(cheap, "hank").startswith("$2b$05$") and hash_of(cheap, "gail").startswith("$2b$12$")
    identity.token("hank", "hank-Secret-2", "hanks")
    assert identity.issue(password_auth("hank", "wrong", "hanks")).status_code == 401


@pytest.mark.parametrize("rounds", ["3", "32", "many"])
def test_password_hash_rounds_out_of_bcrypts_range_are_refused(tmp_path, rounds):
    result = run_cli("serve", "--port", "0", "--password-hash-rounds", rounds, "--database", f"sqlite://{tmp_path}/x.sqlite")
    assert result.returncode != 0
    assert "password" in result.stderr and "rounds" in result.stderr, result.stderr


def test_bootstrap_is_idempotent_and_updates_endpoints(tmp_path):
    db = Database(tmp_path)
    args = ["bootstrap", "--admin-password", "pw1", "--database", db.url]
    assert run_cli(*args).returncode == 0
    counts = lambda: [db.query(f"SELECT COUNT(*) FROM {t} WHERE deleted = 0")[0][0] for t in
                      ["identity_users", "identity_projects", "identity_roles", "identity_assignments", "identity_services",
                       "identity_endpoints", "identity_domains", "flavors", "images"]]
    before = counts()
    assert before == ["1", "1", "5", "1", "4", "12", "1", "5", "1"]
    assert [row[0] for row in db.query("SELECT name FROM flavors WHERE deleted = 0 ORDER BY flavorid")] == \
        ["m1.tiny", "m1.small", "m1.medium", "m1.large", "m1.xlarge"]
    assert db.query("SELECT name, status FROM images WHERE deleted = 0") == [("cirros", "active")]
    assert run_cli(*args).returncode == 0
    assert counts() == before
    moved = run_cli("bootstrap", "--admin-password", "pw1", "--database", db.url, "--port", "18000",
                    "--identity-port", "15500", "--image-port", "19292", "--network-port", "19696",
                    "--public-url", "http://cloud.example")
    assert moved.returncode == 0, moved.stderr
    assert counts() == before
    urls = sorted({row[0] for row in db.query("SELECT url FROM identity_endpoints WHERE deleted = 0")})
    assert urls == ["http://cloud.example:15500/v3", "http://cloud.example:18000/v2.1", "http://cloud.example:19292",
                    "http://cloud.example:19696"]
    assert "admin-password" in run_cli("bootstrap", "--database", db.url).stderr


def test_serve_without_admin_says_how_to_bootstrap(novakit):
    server = novakit(auth="keystone")
    assert "novakit bootstrap --admin-password" in server.logs()


ADMIN_CALLS = [
    ("GET", "/users", None), ("POST", "/projects", {"project": {"name": "x"}}), ("GET", "/projects", None),
    ("POST", "/users", {"user": {"name": "x"}}), ("GET", "/roles", None), ("POST", "/roles", {"role": {"name": "x"}}),
    ("GET", "/domains", None), ("GET", "/domains/default", None), ("GET", "/services", None), ("GET", "/endpoints", None),
    ("POST", "/services", {"service": {"type": "x"}}), ("GET", "/role_assignments", None),
]


def test_non_admins_are_refused(keystone):
    server, identity = keystone
    admin = identity.token()
    identity.make_user(admin, "gina", "gina-pw", "ginas")
    gina = identity.token("gina", "gina-pw", "ginas")
    for method, path, body in ADMIN_CALLS:
        assert_keystone_error(identity.call(method, path, gina, json=body), 403)
        assert identity.call(method, path, admin, json=body).status_code in (200, 201), (method, path)
    for method, path, body in ADMIN_CALLS:
        assert_keystone_error(identity.call(method, path, "not-a-token", json=body), 401)


def test_admin_crud(keystone):
    server, identity = keystone
    admin = identity.token()
    # projects: create, filter by name, show, update (incl. enabled), delete
    project = identity.create(admin, "projects", "project", name="p1", description="first")
    assert [p["id"] for p in identity.call("GET", "/projects?name=p1", admin).json()["projects"]] == [project["id"]]
    assert identity.call("GET", "/projects?name=nope", admin).json()["projects"] == []
    patched = identity.call("PATCH", f"/projects/{project['id']}", admin, json={"project": {"enabled": False, "description": "x"}})
    assert patched.json()["project"]["enabled"] is False and patched.json()["project"]["description"] == "x"
    assert identity.call("GET", f"/projects/{project['id']}", admin).json()["project"]["enabled"] is False
    assert_keystone_error(identity.call("POST", "/projects", admin, json={"project": {"name": "p1"}}), 409)
    p2 = identity.create(admin, "projects", "project", name="p2")
    assert_keystone_error(identity.call("PATCH", f"/projects/{p2['id']}", admin, json={"project": {"name": "p1"}}), 409)
    assert identity.call("PATCH", f"/projects/{p2['id']}", admin, json={"project": {"name": "p2"}}).status_code == 200
    assert_keystone_error(identity.call("POST", "/users", admin, json={"user": {"name": "admin"}}), 409)
    assert_keystone_error(identity.call("POST", "/roles", admin, json={"role": {"name": "member"}}), 409)
    # users: create, filter, show, update, delete
    user = identity.create(admin, "users", "user", name="u1", password="u1-pw", email="u1@example.com")
    assert [u["name"] for u in identity.call("GET", "/users?name=u1", admin).json()["users"]] == ["u1"]
    assert identity.call("PATCH", f"/users/{user['id']}", admin, json={"user": {"email": "new@example.com"}}).json()["user"]["email"] \
        == "new@example.com"
    # roles: create, list by name, show, delete
    role = identity.create(admin, "roles", "role", name="auditor")
    assert identity.call("GET", f"/roles/{role['id']}", admin).json()["role"]["name"] == "auditor"
    assert [r["id"] for r in identity.call("GET", "/roles?name=auditor", admin).json()["roles"]] == [role["id"]]
    # grants and role assignments
    grant = f"/projects/{project['id']}/users/{user['id']}/roles/{role['id']}"
    assert identity.call("HEAD", grant, admin).status_code == 404
    assert identity.call("PUT", grant, admin).status_code == 204
    assert identity.call("PUT", grant, admin).status_code == 204
    assert identity.call("HEAD", grant, admin).status_code == 204
    listed = identity.call("GET", f"/role_assignments?user.id={user['id']}&include_names=1", admin).json()["role_assignments"]
    assert [(a["role"]["name"], a["user"]["name"], a["scope"]["project"]["id"]) for a in listed] == [("auditor", "u1", project["id"])]
    by_project = identity.call("GET", f"/role_assignments?scope.project.id={project['id']}", admin).json()["role_assignments"]
    assert len(by_project) == 1
    assert [r["name"] for r in identity.call("GET", f"/projects/{project['id']}/users/{user['id']}/roles", admin).json()["roles"]] \
        == ["auditor"]
    assert identity.call("DELETE", grant, admin).status_code == 204
    assert_keystone_error(identity.call("DELETE", grant, admin), 404)
    assert_keystone_error(identity.call("PUT", f"/projects/nope/users/{user['id']}/roles/{role['id']}", admin), 404)
    # deletes
    for path in [f"/roles/{role['id']}", f"/users/{user['id']}", f"/projects/{project['id']}"]:
        assert identity.call("DELETE", path, admin).status_code == 204
        assert_keystone_error(identity.call("GET", path, admin), 404)
    # domains, services, endpoints, regions
    assert [d["id"] for d in identity.call("GET", "/domains", admin).json()["domains"]] == ["default"]
    assert identity.call("GET", "/domains/default", admin).json()["domain"]["name"] == "Default"
    service = identity.create(admin, "services", "service", type="volumev3", name="cinder")
    endpoint = identity.create(admin, "endpoints", "endpoint", service_id=service["id"], interface="public",
                               url="http://127.0.0.1:8776/v3", region_id="RegionOne")
    assert endpoint["region"] == "RegionOne"
    assert any(s["id"] == service["id"] for s in identity.call("GET", "/services", admin).json()["services"])
    assert any(e["id"] == endpoint["id"] for e in identity.call("GET", "/endpoints?interface=public", admin).json()["endpoints"])
    catalog = identity.call("GET", "/auth/catalog", admin).json()["catalog"]
    assert any(s["type"] == "volumev3" for s in catalog)
    assert [r["id"] for r in identity.call("GET", "/regions", admin).json()["regions"]] == ["RegionOne"]
    assert_keystone_error(identity.call("POST", "/endpoints", admin, json={"endpoint": {"interface": "public"}}), 400)


def test_user_by_name_with_domain_id(keystone):
    _, identity = keystone
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "admin", "domain": {"id": "default"}, "password": ADMIN_PASSWORD}}}}}
    assert identity.issue(body).status_code == 201


def test_admin_password_from_the_environment(novakit):
    server = novakit(auth="keystone", env={"NOVAKIT_ADMIN_PASSWORD": "from-env-1"})
    assert Identity(server).token(password="from-env-1")


def test_identity_listener_can_be_switched_off(novakit):
    server = novakit("--identity-port", "0", auth="noauth2")
    with pytest.raises(requests.ConnectionError):
        requests.get(server.identity + "/v3", timeout=2)


def test_bootstrap_creates_keystones_default_roles(keystone):
    """Keystone's bootstrap roles, as tempest assigns them: admin, manager, member, reader and service."""
    server, identity = keystone
    roles = identity.call("GET", "/roles", identity.token()).json()["roles"]
    assert {"admin", "manager", "member", "reader", "service"} <= {r["name"] for r in roles}


def test_member_reads_own_project_and_user_under_keystones_rule_names(keystone):
    """Keystone's defaults: a user reads the project their token is scoped to and their own user record, not
    others'; listing users is `identity:list_users`."""
    server, identity = keystone
    admin = identity.token()
    project, user = identity.make_user(admin, "carol", "carol-pw", "carols")
    other, _ = identity.make_user(admin, "dave", "dave-pw", "daves")
    token = identity.token("carol", "carol-pw", "carols")
    own = identity.call("GET", f"/projects/{project['id']}", token)
    assert own.status_code == 200 and own.json()["project"]["name"] == "carols"
    assert_keystone_error(identity.call("GET", f"/projects/{other['id']}", token), 403)
    assert identity.call("GET", f"/users/{user['id']}", token).json()["user"]["name"] == "carol"
    refused = identity.call("GET", "/users", token)
    assert_keystone_error(refused, 403)
    assert "identity:list_users" in refused.json()["error"]["message"]
    assert identity.call("GET", "/users", admin).status_code == 200

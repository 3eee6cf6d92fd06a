"""Issue 12 (part): system-scoped tokens, as standard deployments' system-admin cloud entries ask for them."""
import openstack
import pytest

from conftest import assert_fault
from identity import ADMIN_PASSWORD, Identity, assert_keystone_error, openstack_cli, password_cloud


def system_auth(user, password):
    return {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "domain": {"id": "default"}, "password": password}}}, "scope": {"system": {"all": True}}}}


@pytest.fixture
def keystone(novakit):
    server = novakit(auth="keystone", admin_password=ADMIN_PASSWORD)
    return server, Identity(server)


def test_system_scoped_admin_token(keystone):
    server, identity = keystone
    issued = identity.issue(system_auth("admin", ADMIN_PASSWORD))
    assert issued.status_code == 201, issued.text
    token = issued.json()["token"]
    assert token["system"] == {"all": True} and "project" not in token
    assert {"admin", "member", "reader"} <= {r["name"] for r in token["roles"]}
    assert {"compute", "identity", "image"} <= {s["type"] for s in token["catalog"]}
    system_token = issued.headers["X-Subject-Token"]
    validated = identity.call("GET", "/auth/tokens", system_token, headers={"X-Subject-Token": system_token}).json()["token"]
    assert validated["system"] == {"all": True}
    assert identity.call("GET", "/auth/system", system_token).json()["system"] == [{"all": True}]
    # Keystone: the system admin manages the directory.
    assert "admin" in {p["name"] for p in identity.call("GET", "/projects", system_token).json()["projects"]}
    assert identity.call("POST", "/projects", system_token, json={"project": {"name": "by-system"}}).status_code == 201
    # Compute: the system admin reads admin APIs (compute services, hypervisors) but changes nothing.
    services = server.request("GET", "/v2.1/os-services", token=system_token)
    assert services.status_code == 200 and any(s["binary"] == "nova-compute" for s in services.json()["services"])
    assert server.request("GET", "/v2.1/os-hypervisors", token=system_token).status_code == 200
    assert server.request("GET", "/v2.1/servers?all_tenants=1", token=system_token).status_code == 200
    message = assert_fault(server.request("POST", "/v2.1/os-documents", token=system_token, json={"name": "x"}), 403)
    assert "system-scoped" in message
    # The project scope of the same user is unchanged.
    assert server.request("POST", "/v2.1/os-documents", token=identity.token(), json={"name": "x"}).status_code == 202


def test_system_roles_are_granted_listed_and_required(keystone):
    server, identity = keystone
    admin = identity.token()
    _, user = identity.make_user(admin, "sam", "sam-pw", "sams")
    # No role on the system: no system-scoped token.
    assert_keystone_error(identity.issue(system_auth("sam", "sam-pw")), 401)
    assert identity.call("GET", "/auth/system", identity.token("sam", "sam-pw", "sams")).json()["system"] == []
    reader = identity.call("GET", "/roles?name=reader", admin).json()["roles"][0]["id"]
    grant = f"/system/users/{user['id']}/roles/{reader}"
    assert identity.call("HEAD", grant, admin).status_code == 404
    assert identity.call("PUT", grant, admin).status_code == 204
    assert identity.call("PUT", grant, admin).status_code == 204
    assert identity.call("HEAD", grant, admin).status_code == 204
    assert [r["name"] for r in identity.call("GET", f"/system/users/{user['id']}/roles", admin).json()["roles"]] == ["reader"]
    system_assignments = identity.call("GET", "/role_assignments?scope.system=all&include_names=1", admin).json()["role_assignments"]
    assert {(a["user"]["name"], a["role"]["name"]) for a in system_assignments} == {("admin", "admin"), ("sam", "reader")}
    assert all(a["scope"] == {"system": {"all": True}} for a in system_assignments)
    mine = identity.call("GET", f"/role_assignments?user.id={user['id']}", admin).json()["role_assignments"]
    assert sorted("system" if "system" in a["scope"] else "project" for a in mine) == ["project", "system"]
    # A system reader reads the directory but does not change it; the grant is admin-only.
    issued = identity.issue(system_auth("sam", "sam-pw"))
    assert issued.status_code == 201 and [r["name"] for r in issued.json()["token"]["roles"]] == ["reader"]
    sam = issued.headers["X-Subject-Token"]
    assert identity.call("GET", "/users", sam).status_code == 200
    assert_keystone_error(identity.call("POST", "/users", sam, json={"user": {"name": "mallory"}}), 403)
    assert_keystone_error(identity.call("PUT", grant.replace(reader, reader), sam), 403)
    # Nova: a system reader is not an admin.
    assert_fault(server.request("GET", "/v2.1/os-services", token=sam), 403)
    # Revoking the role ends the system scope for new tokens.
    assert identity.call("DELETE", grant, admin).status_code == 204
    assert_keystone_error(identity.call("DELETE", grant, admin), 404)
    assert_keystone_error(identity.issue(system_auth("sam", "sam-pw")), 401)
    assert_keystone_error(identity.call("PUT", f"/system/users/nobody/roles/{reader}", admin), 404)
    body = system_auth("admin", ADMIN_PASSWORD)
    body["auth"]["scope"] = {"system": {"all": False}}
    assert_keystone_error(identity.issue(body), 400)


@pytest.mark.clients
def test_openstack_clients_with_a_system_scoped_cloud(keystone, tmp_path):
    server, _ = keystone
    clouds = tmp_path / "clouds.yaml"
    cloud = password_cloud(server, "admin", ADMIN_PASSWORD)
    cloud["auth"].append("system_scope: all")
    run = openstack_cli(clouds, {"system-admin": cloud})

    def osc(*args):
        return run(*args, cloud="system-admin")

    assert "admin" in osc("project", "list", "-f", "value", "-c", "Name").split()
    assert "nova-compute" in osc("compute", "service", "list", "-f", "value", "-c", "Binary").split()
    assert osc("token", "issue", "-f", "value", "-c", "system").strip() != ""
    region = openstack.config.OpenStackConfig(config_files=[str(clouds)]).get_one(cloud="system-admin")
    conn = openstack.connection.Connection(config=region)
    assert "admin" in {p.name for p in conn.identity.projects()}
    assert any(s.binary == "nova-compute" for s in conn.compute.services())

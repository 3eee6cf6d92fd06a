"""Issue 12 (part): groups (membership, group grants counted in tokens and in effective role assignments),
unified limits (registered and project limits) and read-only domain configuration."""
import json

import pytest

from identity import ADMIN_PASSWORD, Identity, assert_keystone_error, openstack_cli, password_cloud


@pytest.fixture
def keystone(novakit):
    server = novakit(auth="keystone", admin_password=ADMIN_PASSWORD)
    return server, Identity(server)


def scoped(identity, user, password, project_id):
    return identity.issue({"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "domain": {"id": "default"}, "password": password}}}, "scope": {"project": {"id": project_id}}}})


def test_groups_members_and_group_grants(keystone):
    server, identity = keystone
    admin = identity.token()
    project = identity.create(admin, "projects", "project", name="builds")
    user = identity.create(admin, "users", "user", name="hana", password="hana-pw")
    member_role = identity.call("GET", "/roles?name=member", admin).json()["roles"][0]
    group = identity.create(admin, "groups", "group", name="builders", description="CI people")
    assert (group["name"], group["domain_id"], group["description"]) == ("builders", "default", "CI people")
    assert_keystone_error(identity.call("POST", "/groups", admin, json={"group": {"name": "builders"}}), 409)
    assert_keystone_error(identity.call("POST", "/groups", admin, json={"group": {"name": "x", "domain_id": "nope"}}), 404)
    assert_keystone_error(identity.call("POST", "/groups", admin, json={"group": {"description": "no name"}}), 400)
    assert [g["id"] for g in identity.call("GET", "/groups?name=builders", admin).json()["groups"]] == [group["id"]]
    renamed = identity.call("PATCH", f"/groups/{group['id']}", admin, json={"group": {"description": "CI folk"}}).json()["group"]
    assert renamed["description"] == "CI folk"

    # Without a role anywhere the user cannot scope to the project.
    assert scoped(identity, "hana", "hana-pw", project["id"]).status_code == 401
    membership = f"/groups/{group['id']}/users/{user['id']}"
    assert identity.call("HEAD", membership, admin).status_code == 404
    assert identity.call("PUT", membership, admin).status_code == 204
    assert identity.call("PUT", membership, admin).status_code == 204
    assert identity.call("HEAD", membership, admin).status_code == 204
    assert [u["name"] for u in identity.call("GET", f"/groups/{group['id']}/users", admin).json()["users"]] == ["hana"]
    assert [g["name"] for g in identity.call("GET", f"/users/{user['id']}/groups", admin).json()["groups"]] == ["builders"]
    assert_keystone_error(identity.call("PUT", f"/groups/{group['id']}/users/nope", admin), 404)

    grant = f"/projects/{project['id']}/groups/{group['id']}/roles/{member_role['id']}"
    assert identity.call("HEAD", grant, admin).status_code == 404
    assert identity.call("PUT", grant, admin).status_code == 204
    assert identity.call("HEAD", grant, admin).status_code == 204
    assert [r["name"] for r in identity.call("GET", f"/projects/{project['id']}/groups/{group['id']}/roles", admin).json()["roles"]] \
        == ["member"]

    # The group's role counts in the member's token (with the role it implies), their projects and /auth/projects.
    issued = scoped(identity, "hana", "hana-pw", project["id"])
    assert issued.status_code == 201
    assert sorted(r["name"] for r in issued.json()["token"]["roles"]) == ["member", "reader"]
    hana = issued.headers["X-Subject-Token"]
    assert [p["name"] for p in identity.call("GET", "/auth/projects", hana).json()["projects"]] == ["builds"]
    assert [p["name"] for p in identity.call("GET", f"/users/{user['id']}/projects", hana).json()["projects"]] == ["builds"]
    assert [g["name"] for g in identity.call("GET", f"/users/{user['id']}/groups", hana).json()["groups"]] == ["builders"]
    assert_keystone_error(identity.call("GET", f"/groups/{group['id']}/users", hana), 403)

    # role_assignments: the group's grant as stored, and per member (with implied roles) when effective.
    stored = identity.call("GET", f"/role_assignments?scope.project.id={project['id']}&include_names=true", admin).json()
    assert [(a["group"]["name"], a["role"]["name"], a["scope"]["project"]["name"]) for a in stored["role_assignments"]] \
        == [("builders", "member", "builds")]
    assert stored["role_assignments"][0]["links"]["assignment"].endswith(grant)
    assert [a["role"]["id"] for a in identity.call("GET", f"/role_assignments?group.id={group['id']}", admin)
            .json()["role_assignments"]] == [member_role["id"]]
    effective = identity.call("GET", f"/role_assignments?effective&user.id={user['id']}&include_names=1", admin).json()
    rows = {a["role"]["name"]: a for a in effective["role_assignments"]}
    assert sorted(rows) == ["member", "reader"]
    assert all(a["user"]["name"] == "hana" and "group" not in a for a in rows.values())
    assert rows["member"]["links"]["membership"].endswith(membership)
    assert rows["reader"]["links"]["prior_role"].endswith(f"/roles/{member_role['id']}")
    assert_keystone_error(identity.call("GET", f"/role_assignments?effective&group.id={group['id']}", admin), 400)
    assert identity.call("GET", f"/role_assignments?user.id={user['id']}", admin).json()["role_assignments"] == []

    # Leaving the group ends the role; the group's deletion takes its grants and memberships with it.
    assert identity.call("DELETE", membership, admin).status_code == 204
    assert_keystone_error(identity.call("DELETE", membership, admin), 404)
    assert scoped(identity, "hana", "hana-pw", project["id"]).status_code == 401
    assert identity.call("PUT", membership, admin).status_code == 204
    assert scoped(identity, "hana", "hana-pw", project["id"]).status_code == 201
    assert identity.call("DELETE", f"/groups/{group['id']}", admin).status_code == 204
    assert_keystone_error(identity.call("GET", f"/groups/{group['id']}", admin), 404)
    assert scoped(identity, "hana", "hana-pw", project["id"]).status_code == 401
    assert identity.call("GET", f"/role_assignments?scope.project.id={project['id']}", admin).json()["role_assignments"] == []


@pytest.mark.clients
def test_a_group_member_inherits_a_role_with_openstackclient(keystone, tmp_path):
    server, identity = keystone
    admin = identity.token()
    identity.create(admin, "projects", "project", name="shared")
    identity.create(admin, "users", "user", name="ivan", password="ivan-pw")
    clouds = {"admin": password_cloud(server, "admin", ADMIN_PASSWORD, "admin"),
              "ivan": password_cloud(server, "ivan", "ivan-pw", "shared")}
    run = openstack_cli(tmp_path / "clouds.yaml", clouds)

    def osc(*args, cloud="admin"):
        return run(*args, cloud=cloud)

    osc("group", "create", "--description", "people on shared", "sharers")
    osc("group", "add", "user", "sharers", "ivan")
    assert "ivan in group sharers" in osc("group", "contains", "user", "sharers", "ivan")
    osc("role", "add", "--group", "sharers", "--project", "shared", "member")
    listed = json.loads(osc("role", "assignment", "list", "--effective", "--user", "ivan", "--names", "-f", "json"))
    assert sorted((a["Role"], a["User"], a["Project"]) for a in listed) == [
        ("member", "ivan@Default", "shared@Default"), ("reader", "ivan@Default", "shared@Default")]
    stored = json.loads(osc("role", "assignment", "list", "--group", "sharers", "--names", "-f", "json"))
    assert [(a["Role"], a["Group"], a["Project"]) for a in stored] == [("member", "sharers@Default", "shared@Default")]
    # The inherited role is enough to use the compute API on the project.
    assert osc("server", "list", "-f", "value", cloud="ivan") == ""
    assert json.loads(osc("group", "list", "--user", "ivan", "-f", "json"))[0]["Name"] == "sharers"


def test_registered_and_project_limits(keystone):
    server, identity = keystone
    admin = identity.token()
    project, member = identity.make_user(admin, "jade", "jade-pw", "jades")
    other, _ = identity.make_user(admin, "kurt", "kurt-pw", "kurts")
    compute = identity.call("GET", "/services?type=compute", admin).json()["services"][0]
    region = identity.call("GET", "/regions", admin).json()["regions"][0]["id"]

    made = identity.call("POST", "/registered_limits", admin, json={"registered_limits": [
        {"service_id": compute["id"], "resource_name": "servers", "default_limit": 10, "description": "servers per project"},
        {"service_id": compute["id"], "region_id": region, "resource_name": "cores", "default_limit": 20}]})
    assert made.status_code == 201
    servers_limit, cores_limit = made.json()["registered_limits"]
    assert (servers_limit["region_id"], servers_limit["default_limit"], servers_limit["description"]) == (None, 10, "servers per project")
    assert (cores_limit["region_id"], cores_limit["resource_name"]) == (region, "cores")
    # A batch is stored whole or not at all: one clash, one unknown service, one bad value each refuse it.
    for bad, code in [([{"service_id": compute["id"], "resource_name": "ram", "default_limit": 1},
                        {"service_id": compute["id"], "resource_name": "servers", "default_limit": 5}], 409),
                      ([{"service_id": "nope", "resource_name": "ram", "default_limit": 1}], 400),
                      ([{"service_id": compute["id"], "region_id": "Atlantis", "resource_name": "ram", "default_limit": 1}], 400),
                      ([{"service_id": compute["id"], "resource_name": "ram", "default_limit": "lots"}], 400),
                      ([], 400)]:
        assert_keystone_error(identity.call("POST", "/registered_limits", admin, json={"registered_limits": bad}), code)
    assert sorted(r["resource_name"] for r in identity.call("GET", "/registered_limits", admin).json()["registered_limits"]) \
        == ["cores", "servers"]
    assert [r["id"] for r in identity.call("GET", "/registered_limits?resource_name=cores", admin).json()["registered_limits"]] \
        == [cores_limit["id"]]
    patched = identity.call("PATCH", f"/registered_limits/{servers_limit['id']}", admin,
                            json={"registered_limit": {"default_limit": 12}}).json()["registered_limit"]
    assert patched["default_limit"] == 12

    # Project limits need a registered limit for the same service, region and resource.
    assert_keystone_error(identity.call("POST", "/limits", admin, json={"limits": [
        {"project_id": project["id"], "service_id": compute["id"], "resource_name": "ram", "resource_limit": 1}]}), 400)
    limits = identity.call("POST", "/limits", admin, json={"limits": [
        {"project_id": project["id"], "service_id": compute["id"], "resource_name": "servers", "resource_limit": 3},
        {"project_id": other["id"], "service_id": compute["id"], "resource_name": "servers", "resource_limit": 4}]})
    assert limits.status_code == 201
    mine, theirs = limits.json()["limits"]
    assert (mine["project_id"], mine["resource_limit"], mine["region_id"]) == (project["id"], 3, None)
    assert_keystone_error(identity.call("POST", "/limits", admin, json={"limits": [
        {"project_id": project["id"], "service_id": compute["id"], "resource_name": "servers", "resource_limit": 9}]}), 409)
    assert identity.call("PATCH", f"/limits/{mine['id']}", admin, json={"limit": {"resource_limit": 5}}).json()["limit"]["resource_limit"] == 5
    assert_keystone_error(identity.call("PATCH", f"/limits/{mine['id']}", admin, json={"limit": {"project_id": other["id"]}}), 400)

    # A member reads the registered limits and their own project's limits only.
    jade = identity.token("jade", "jade-pw", "jades")
    assert len(identity.call("GET", "/registered_limits", jade).json()["registered_limits"]) == 2
    assert [(l["id"], l["resource_limit"]) for l in identity.call("GET", "/limits", jade).json()["limits"]] == [(mine["id"], 5)]
    assert_keystone_error(identity.call("GET", f"/limits/{theirs['id']}", jade), 404)
    assert len(identity.call("GET", "/limits", admin).json()["limits"]) == 2
    assert_keystone_error(identity.call("POST", "/registered_limits", jade, json={"registered_limits": [
        {"service_id": compute["id"], "resource_name": "ram", "default_limit": 1}]}), 403)
    assert identity.call("GET", "/limits/model", jade).json()["model"]["name"] == "flat"

    # A registered limit with project limits on it cannot go; without them it can.
    assert_keystone_error(identity.call("DELETE", f"/registered_limits/{servers_limit['id']}", admin), 403)
    for limit in (mine, theirs):
        assert identity.call("DELETE", f"/limits/{limit['id']}", admin).status_code == 204
    assert identity.call("DELETE", f"/registered_limits/{servers_limit['id']}", admin).status_code == 204
    assert_keystone_error(identity.call("GET", f"/registered_limits/{servers_limit['id']}", admin), 404)


@pytest.mark.clients
def test_limits_with_openstackclient(keystone, tmp_path):
    server, identity = keystone
    identity.make_user(identity.token(), "lena", "lena-pw", "lenas")
    run = openstack_cli(tmp_path / "clouds.yaml", {"admin": password_cloud(server, "admin", ADMIN_PASSWORD, "admin")})
    made = json.loads(run("registered", "limit", "create", "--service", "nova", "--default-limit", "7", "key_pairs", "-f", "json",
                          cloud="admin"))
    assert (made["resource_name"], made["default_limit"]) == ("key_pairs", 7)
    limit = json.loads(run("limit", "create", "--project", "lenas", "--service", "nova", "--resource-limit", "2", "key_pairs",
                           "-f", "json", cloud="admin"))
    assert limit["resource_limit"] == 2
    listed = json.loads(run("limit", "list", "-f", "json", cloud="admin"))
    assert [(l["Resource Name"], l["Resource Limit"]) for l in listed] == [("key_pairs", 2)]


def test_domain_configuration_is_read_only_defaults(keystone):
    server, identity = keystone
    admin = identity.token()
    defaults = identity.call("GET", "/domains/config/default", admin).json()["config"]
    assert defaults["identity"] == {"driver": "sql"}
    assert identity.call("GET", "/domains/config/ldap/default", admin).json()["config"]["url"] == "ldap://localhost"
    assert identity.call("GET", "/domains/config/identity/driver/default", admin).json() == {"config": {"driver": "sql"}}
    assert_keystone_error(identity.call("GET", "/domains/config/nova/default", admin), 404)
    assert_keystone_error(identity.call("GET", "/domains/config/ldap/nope/default", admin), 404)
    assert_keystone_error(identity.call("GET", "/domains/default/config", admin), 404)
    assert_keystone_error(identity.call("GET", "/domains/nope/config", admin), 404)
    identity.make_user(admin, "mona", "mona-pw", "monas")
    assert_keystone_error(identity.call("GET", "/domains/config/default", identity.token("mona", "mona-pw", "monas")), 403)

"""Issue 12 (part): the identity surface clients touch beyond tokens — endpoint URL templates filled in token
catalogs, descriptions on users, services, domains and roles, a user's projects, and regions as Keystone keeps them."""
import pytest

from identity import ADMIN_PASSWORD, Identity, assert_keystone_error, openstack_cli, password_cloud


@pytest.fixture
def keystone(novakit):
    server = novakit(auth="keystone", admin_password=ADMIN_PASSWORD)
    return server, Identity(server)


def endpoint_urls(catalog, service_type):
    return sorted(e["url"] for s in catalog if s["type"] == service_type for e in s["endpoints"])


def test_endpoint_templates_are_filled_with_the_tokens_project(keystone):
    server, identity = keystone
    admin = identity.token()
    project, _ = identity.make_user(admin, "erin", "erin-pw", "erins")
    service = identity.create(admin, "services", "service", type="volumev3", name="cinder")
    for interface, url in [("public", "http://127.0.0.1:8776/v3/%(project_id)s"), ("internal", "http://127.0.0.1:8776/v3/$(tenant_id)s"),
                           ("admin", "http://127.0.0.1:8776/users/%(user_id)s/%(nonsense)s")]:
        identity.create(admin, "endpoints", "endpoint", service_id=service["id"], interface=interface, url=url)
    erin = identity.issue({"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "erin", "domain": {"id": "default"}, "password": "erin-pw"}}}, "scope": {"project": {"id": project["id"]}}}})
    assert erin.status_code == 201
    expected = [f"http://127.0.0.1:8776/v3/{project['id']}"] * 2
    # An endpoint whose template names something Keystone does not know is left out, as Keystone does.
    assert endpoint_urls(erin.json()["token"]["catalog"], "volumev3") == expected
    token = erin.headers["X-Subject-Token"]
    assert endpoint_urls(identity.call("GET", "/auth/catalog", token).json()["catalog"], "volumev3") == expected
    validated = identity.call("GET", "/auth/tokens", admin, headers={"X-Subject-Token": token})
    assert endpoint_urls(validated.json()["token"]["catalog"], "volumev3") == expected
    # The admin's own token gets the admin project; the endpoint list keeps the templates.
    admin_project = identity.call("GET", "/auth/tokens", admin, headers={"X-Subject-Token": admin}).json()["token"]["project"]["id"]
    assert endpoint_urls(identity.call("GET", "/auth/catalog", admin).json()["catalog"], "volumev3") \
        == [f"http://127.0.0.1:8776/v3/{admin_project}"] * 2
    listed = identity.call("GET", f"/endpoints?service_id={service['id']}", admin).json()["endpoints"]
    assert sorted(e["url"] for e in listed)[0] == "http://127.0.0.1:8776/users/%(user_id)s/%(nonsense)s"
    # An unscoped token has no project to fill in: the templated endpoints are left out of its catalog.
    unscoped = identity.issue({"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "erin", "domain": {"id": "default"}, "password": "erin-pw"}}}}}).headers["X-Subject-Token"]
    assert endpoint_urls(identity.call("GET", "/auth/catalog", unscoped).json()["catalog"], "volumev3") == []
    # Nova's endpoint written as templates works for compute clients too.
    assert {"compute", "identity", "image"} <= {s["type"] for s in identity.call("GET", "/auth/catalog", token).json()["catalog"]}


def test_descriptions_are_kept_on_users_services_domains_and_projects(keystone):
    server, identity = keystone
    admin = identity.token()
    user = identity.create(admin, "users", "user", name="frank", password="frank-pw", description="builds things")
    assert user["description"] == "builds things"
    assert identity.call("GET", f"/users/{user['id']}", admin).json()["user"]["description"] == "builds things"
    patched = identity.call("PATCH", f"/users/{user['id']}", admin, json={"user": {"description": "tests things"}}).json()["user"]
    assert patched["description"] == "tests things"
    assert identity.call("GET", f"/users?name=frank", admin).json()["users"][0]["description"] == "tests things"
    assert "description" not in identity.create(admin, "users", "user", name="grace")
    service = identity.create(admin, "services", "service", type="object-store", name="swift", description="objects")
    changed = identity.call("PATCH", f"/services/{service['id']}", admin,
                            json={"service": {"description": "blobs", "type": "object-store-v2"}}).json()["service"]
    assert (changed["description"], changed["type"], changed["name"]) == ("blobs", "object-store-v2", "swift")
    assert identity.call("GET", f"/services/{service['id']}", admin).json()["service"]["description"] == "blobs"
    domain = identity.create(admin, "domains", "domain", name="lab", description="first")
    assert identity.call("PATCH", f"/domains/{domain['id']}", admin, json={"domain": {"description": "second"}}).json()["domain"][
        "description"] == "second"
    project = identity.create(admin, "projects", "project", name="described", description="with words")
    cleared = identity.call("PATCH", f"/projects/{project['id']}", admin, json={"project": {"description": None}}).json()["project"]
    assert cleared["description"] == ""
    assert_keystone_error(identity.call("PATCH", f"/users/{user['id']}", admin, json={"user": {"description": 7}}), 400)
    role = identity.create(admin, "roles", "role", name="auditor", description="reads the books")
    assert identity.call("GET", f"/roles/{role['id']}", admin).json()["role"]["description"] == "reads the books"
    assert identity.call("PATCH", f"/roles/{role['id']}", admin, json={"role": {"description": None}}).json()["role"]["description"] is None
    assert identity.call("GET", "/roles?name=admin", admin).json()["roles"][0]["description"] is None


def test_a_users_projects(keystone):
    server, identity = keystone
    admin = identity.token()
    project, user = identity.make_user(admin, "heidi", "heidi-pw", "heidis")
    second = identity.create(admin, "projects", "project", name="heidis-lab")
    reader = identity.call("GET", "/roles?name=reader", admin).json()["roles"][0]["id"]
    assert identity.call("PUT", f"/projects/{second['id']}/users/{user['id']}/roles/{reader}", admin).status_code == 204
    other_project, other = identity.make_user(admin, "ivan", "ivan-pw", "ivans")
    heidi = identity.token("heidi", "heidi-pw", "heidis")
    own = identity.call("GET", f"/users/{user['id']}/projects", heidi)
    assert own.status_code == 200
    assert sorted(p["name"] for p in own.json()["projects"]) == ["heidis", "heidis-lab"]
    assert_keystone_error(identity.call("GET", f"/users/{other['id']}/projects", heidi), 403)
    assert [p["id"] for p in identity.call("GET", f"/users/{other['id']}/projects", admin).json()["projects"]] == [other_project["id"]]
    assert_keystone_error(identity.call("GET", "/users/nobody/projects", admin), 404)
    assert_keystone_error(identity.call("GET", f"/users/{user['id']}/projects", "not-a-token"), 401)


def test_regions_crud_hierarchy_and_endpoints(keystone):
    server, identity = keystone
    admin = identity.token()
    _, _ = identity.make_user(admin, "judy", "judy-pw", "judys")
    judy = identity.token("judy", "judy-pw", "judys")
    # Bootstrap's region is a region of its own; any authenticated caller reads regions, only admins change them.
    assert [r["id"] for r in identity.call("GET", "/regions", judy).json()["regions"]] == ["RegionOne"]
    assert identity.call("GET", "/regions/RegionOne", judy).json()["region"]["parent_region_id"] is None
    assert_keystone_error(identity.call("POST", "/regions", judy, json={"region": {"id": "Nope"}}), 403)
    assert_keystone_error(identity.call("GET", "/regions", "not-a-token"), 401)
    two = identity.create(admin, "regions", "region", id="RegionTwo", description="second site")
    assert (two["id"], two["description"], two["parent_region_id"]) == ("RegionTwo", "second site", None)
    assert two["links"]["self"].endswith("/v3/regions/RegionTwo")
    rack = identity.create(admin, "regions", "region", id="RackA", parent_region_id="RegionTwo")
    generated = identity.create(admin, "regions", "region", description="no id given")
    assert len(generated["id"]) == 32 and generated["parent_region_id"] is None
    assert [r["id"] for r in identity.call("GET", "/regions?parent_region_id=RegionTwo", judy).json()["regions"]] == ["RackA"]
    assert_keystone_error(identity.call("POST", "/regions", admin, json={"region": {"id": "RegionTwo"}}), 409)
    assert_keystone_error(identity.call("POST", "/regions", admin, json={"region": {"id": "X", "parent_region_id": "Nowhere"}}), 404)
    assert_keystone_error(identity.call("PATCH", "/regions/RegionTwo", admin, json={"region": {"parent_region_id": "RackA"}}), 400)
    assert_keystone_error(identity.call("PATCH", "/regions/RegionTwo", admin, json={"region": {"parent_region_id": "RegionTwo"}}), 400)
    moved = identity.call("PATCH", "/regions/RackA", admin, json={"region": {"description": "rack", "parent_region_id": None}})
    assert moved.status_code == 200 and moved.json()["region"]["parent_region_id"] is None
    assert identity.call("PATCH", "/regions/RackA", admin, json={"region": {"parent_region_id": "RegionTwo"}}).status_code == 200
    # An endpoint naming a new region makes it; a region (or one under it) with endpoints cannot be deleted.
    service = identity.create(admin, "services", "service", type="dns", name="designate")
    endpoint = identity.create(admin, "endpoints", "endpoint", service_id=service["id"], interface="public", url="http://127.0.0.1:9001",
                               region_id="RackA")
    assert_keystone_error(identity.call("DELETE", "/regions/RegionTwo", admin), 403)
    made = identity.create(admin, "endpoints", "endpoint", service_id=service["id"], interface="internal", url="http://127.0.0.1:9001",
                           region_id="RegionThree")
    assert identity.call("GET", "/regions/RegionThree", admin).status_code == 200
    assert identity.call("DELETE", f"/endpoints/{endpoint['id']}", admin).status_code == 204
    assert identity.call("DELETE", f"/endpoints/{made['id']}", admin).status_code == 204
    # Deleting a region takes the regions under it along.
    assert identity.call("DELETE", "/regions/RegionTwo", admin).status_code == 204
    for gone in ["RegionTwo", "RackA"]:
        assert_keystone_error(identity.call("GET", f"/regions/{gone}", admin), 404)
    assert sorted(r["id"] for r in identity.call("GET", "/regions", admin).json()["regions"]) \
        == sorted(["RegionOne", "RegionThree", generated["id"]])
    assert_keystone_error(identity.call("DELETE", "/regions/RegionOne", admin), 403)


@pytest.mark.clients
def test_openstackclient_regions_descriptions_and_user_projects(keystone, tmp_path):
    server, identity = keystone
    run = openstack_cli(tmp_path / "clouds.yaml", {"novakit": password_cloud(server, "admin", ADMIN_PASSWORD, "admin")})

    def osc(*args):
        return run(*args, cloud="novakit")

    osc("region", "create", "--description", "west coast", "RegionWest")
    osc("region", "create", "--parent-region", "RegionWest", "RegionWestA")
    assert osc("region", "show", "RegionWestA", "-f", "value", "-c", "parent_region").strip() == "RegionWest"
    assert set(osc("region", "list", "-f", "value", "-c", "Region").split()) == {"RegionOne", "RegionWest", "RegionWestA"}
    osc("region", "set", "--description", "west", "RegionWest")
    assert osc("region", "show", "RegionWest", "-f", "value", "-c", "description").strip() == "west"
    osc("project", "create", "kims")
    osc("user", "create", "--password", "Kim-pw-1", "--description", "on call", "kim")
    assert osc("user", "show", "kim", "-f", "value", "-c", "description").strip() == "on call"
    osc("role", "add", "--project", "kims", "--user", "kim", "member")
    assert osc("project", "list", "--user", "kim", "-f", "value", "-c", "Name").split() == ["kims"]
    osc("region", "delete", "RegionWestA")
    assert set(osc("region", "list", "-f", "value", "-c", "Region").split()) == {"RegionOne", "RegionWest"}

"""Issue 12 (Glance part): the metadata-definition catalog — namespaces with objects, properties, tags and
resource-type associations, their visibility and protection, and the /v2/schemas/metadefs documents every
answer is checked against."""
import json

import jsonschema
import pytest

from glance import assert_glance_error as error, glance
from identity import ADMIN_PASSWORD, Identity, openstack_cli, password_cloud

BASE = "/v2/metadefs/namespaces"


@pytest.fixture
def keystone(novakit):
    server = novakit(auth="keystone", admin_password=ADMIN_PASSWORD)
    return server, Identity(server)


def ok(response, code=200):
    assert response.status_code == code, response.text
    return response.json() if response.text else None


def test_namespaces_with_their_definitions(keystone):
    server, identity = keystone
    admin = identity.token()
    identity.make_user(admin, "uma", "uma-pw", "umas")
    uma = identity.token("uma", "uma-pw", "umas")
    schemas = {name: ok(glance(server, "GET", f"/v2/schemas/metadefs/{name}", uma)) for name in [
        "namespace", "namespaces", "object", "objects", "property", "properties", "tag", "tags", "resource_type", "resource_types"]}
    assert schemas["namespace"]["properties"]["created_at"]["readOnly"] is True

    created = ok(glance(server, "POST", BASE, admin, json={
        "namespace": "OS::Compute::CPU", "display_name": "CPU", "description": "CPU pinning and topology", "visibility": "public",
        "protected": True,
        "resource_type_associations": [{"name": "OS::Nova::Flavor", "prefix": "hw:"}, {"name": "OS::Glance::Image", "prefix": "hw_"}],
        "properties": {"cpu_policy": {"title": "CPU policy", "type": "string", "enum": ["shared", "dedicated"]}},
        "objects": [{"name": "Topology", "required": ["cpu_sockets"], "properties": {
            "cpu_sockets": {"title": "Sockets", "type": "integer", "minimum": 1}}}],
        "tags": [{"name": "compute"}]}), 201)
    jsonschema.validate(created, schemas["namespace"])
    assert (created["owner"], created["protected"], created["properties"]["cpu_policy"]["type"]) \
        == (identity.call("GET", "/auth/tokens", admin, headers={"X-Subject-Token": admin}).json()["token"]["project"]["id"], True, "string")
    assert [o["name"] for o in created["objects"]] == ["Topology"] and [t["name"] for t in created["tags"]] == ["compute"]
    error(glance(server, "POST", BASE, admin, json={"namespace": "OS::Compute::CPU"}), 409)
    for bad in [{}, {"namespace": ""}, {"namespace": "x", "visibility": "shared"}, {"namespace": "x", "unknown": 1},
                {"namespace": "x", "properties": {"p": {"title": "P", "type": "colour"}}},
                {"namespace": "x", "objects": [{"name": "o", "properties": {"p": {"type": "string"}}}]}]:
        error(glance(server, "POST", BASE, admin, json=bad), 400)
    error(glance(server, "POST", BASE, uma, json={"namespace": "mine"}), 403)

    # Everyone reads public namespaces; lists filter by resource type and page by name.
    shown = ok(glance(server, "GET", f"{BASE}/OS::Compute::CPU", uma))
    jsonschema.validate(shown, schemas["namespace"])
    private = ok(glance(server, "POST", BASE, admin, json={"namespace": "Private::Notes"}), 201)
    assert private["visibility"] == "private"
    listed = ok(glance(server, "GET", BASE, uma))
    jsonschema.validate(listed, schemas["namespaces"])
    assert [n["namespace"] for n in listed["namespaces"]] == ["OS::Compute::CPU"]
    error(glance(server, "GET", f"{BASE}/Private::Notes", uma), 404)
    assert [n["namespace"] for n in ok(glance(server, "GET", BASE, admin))["namespaces"]] == ["OS::Compute::CPU", "Private::Notes"]
    assert [n["namespace"] for n in ok(glance(server, "GET", f"{BASE}?resource_types=OS::Nova::Flavor", admin))["namespaces"]] \
        == ["OS::Compute::CPU"]
    first = ok(glance(server, "GET", f"{BASE}?limit=1", admin))
    assert [n["namespace"] for n in first["namespaces"]] == ["OS::Compute::CPU"]
    assert [n["namespace"] for n in ok(glance(server, "GET", first["next"], admin))["namespaces"]] == ["Private::Notes"]
    types = ok(glance(server, "GET", "/v2/metadefs/resource_types", uma))["resource_types"]
    assert {"OS::Nova::Flavor", "OS::Glance::Image", "OS::Cinder::Volume"} <= {t["name"] for t in types}

    # Objects.
    ns = f"{BASE}/OS::Compute::CPU"
    objects = ok(glance(server, "GET", f"{ns}/objects", uma))
    jsonschema.validate(objects, schemas["objects"])
    made = ok(glance(server, "POST", f"{ns}/objects", admin, json={"name": "Threads", "properties": {
        "cpu_threads": {"title": "Threads", "type": "integer"}}}), 201)
    jsonschema.validate(made, schemas["object"])
    error(glance(server, "POST", f"{ns}/objects", admin, json={"name": "Threads"}), 409)
    renamed = ok(glance(server, "PUT", f"{ns}/objects/Threads", admin, json={"name": "SMT", "description": "threads per core"}))
    assert (renamed["name"], renamed["description"]) == ("SMT", "threads per core")
    error(glance(server, "GET", f"{ns}/objects/Threads", admin), 404)
    assert [o["name"] for o in ok(glance(server, "GET", f"{ns}/objects", uma))["objects"]] == ["Topology", "SMT"]
    error(glance(server, "DELETE", f"{ns}/objects/SMT", uma), 403)
    assert glance(server, "DELETE", f"{ns}/objects/SMT", admin).status_code == 204

    # Properties.
    prop = ok(glance(server, "POST", f"{ns}/properties", admin, json={
        "name": "cpu_thread_policy", "title": "Thread policy", "type": "string", "enum": ["prefer", "isolate", "require"]}), 201)
    jsonschema.validate(prop, schemas["property"])
    properties = ok(glance(server, "GET", f"{ns}/properties", uma))
    jsonschema.validate(properties, schemas["properties"])
    assert sorted(properties["properties"]) == ["cpu_policy", "cpu_thread_policy"]
    error(glance(server, "POST", f"{ns}/properties", admin, json={"name": "p", "type": "string"}), 400)
    changed = ok(glance(server, "PUT", f"{ns}/properties/cpu_policy", admin, json={
        "name": "cpu_policy", "title": "CPU policy", "type": "string", "enum": ["shared", "dedicated", "mixed"]}))
    assert changed["enum"] == ["shared", "dedicated", "mixed"]
    assert ok(glance(server, "GET", f"{ns}/properties/cpu_policy", uma))["enum"][-1] == "mixed"

    # Tags: one, many (replacing or appending), renamed, deleted.
    ok(glance(server, "POST", f"{ns}/tags/numa", admin), 201)
    error(glance(server, "POST", f"{ns}/tags/numa", admin), 409)
    tags = ok(glance(server, "GET", f"{ns}/tags", uma))
    jsonschema.validate(tags, schemas["tags"])
    assert [t["name"] for t in tags["tags"]] == ["compute", "numa"]
    ok(glance(server, "POST", f"{ns}/tags", admin, json={"tags": [{"name": "a"}, {"name": "b"}]}), 201)
    assert [t["name"] for t in ok(glance(server, "GET", f"{ns}/tags", uma))["tags"]] == ["a", "b"]
    ok(glance(server, "POST", f"{ns}/tags", admin, json={"tags": [{"name": "c"}]}, headers={"X-Openstack-Append": "True"}), 201)
    assert ok(glance(server, "PUT", f"{ns}/tags/c", admin, json={"name": "d"}))["name"] == "d"
    assert [t["name"] for t in ok(glance(server, "GET", f"{ns}/tags", uma))["tags"]] == ["a", "b", "d"]
    assert glance(server, "DELETE", f"{ns}/tags/a", admin).status_code == 204
    error(glance(server, "DELETE", f"{ns}/tags/a", admin), 404)

    # Resource type associations.
    associations = ok(glance(server, "GET", f"{ns}/resource_types", uma))
    jsonschema.validate(associations, schemas["resource_types"])
    assert [a["name"] for a in associations["resource_type_associations"]] == ["OS::Nova::Flavor", "OS::Glance::Image"]
    ok(glance(server, "POST", f"{ns}/resource_types", admin, json={"name": "OS::Cinder::Volume", "prefix": "hw_"}), 201)
    error(glance(server, "POST", f"{ns}/resource_types", admin, json={"name": "OS::Cinder::Volume"}), 409)
    assert glance(server, "DELETE", f"{ns}/resource_types/OS::Cinder::Volume", admin).status_code == 204

    # Namespaces change, are renamed with everything in them, and are deleted unless protected.
    updated = ok(glance(server, "PUT", ns, admin, json={"namespace": "OS::Compute::Topology", "visibility": "public", "protected": False}))
    assert updated["namespace"] == "OS::Compute::Topology" and "display_name" not in updated
    assert [o["name"] for o in updated["objects"]] == ["Topology"]
    error(glance(server, "GET", ns, admin), 404)
    protected = f"{BASE}/OS::Compute::Topology"
    ok(glance(server, "PUT", protected, admin, json={"namespace": "OS::Compute::Topology", "protected": True}))
    error(glance(server, "DELETE", protected, admin), 403)
    ok(glance(server, "PUT", protected, admin, json={"namespace": "OS::Compute::Topology", "protected": False}))
    error(glance(server, "DELETE", protected, uma), 403)
    assert glance(server, "DELETE", protected, admin).status_code == 204
    error(glance(server, "GET", f"{protected}/objects", admin), 404)
    assert [n["namespace"] for n in ok(glance(server, "GET", BASE, admin))["namespaces"]] == ["Private::Notes"]


@pytest.mark.clients
def test_metadefs_with_openstackclient(keystone, tmp_path):
    server, identity = keystone
    run = openstack_cli(tmp_path / "clouds.yaml", {"admin": password_cloud(server, "admin", ADMIN_PASSWORD, "admin")})

    def osc(*args):
        return run(*args, cloud="admin")

    osc("image", "metadef", "namespace", "create", "--public", "--description", "watchdog behaviour", "OS::Compute::Watchdog")
    assert "OS::Compute::Watchdog" in osc("image", "metadef", "namespace", "list", "-f", "value")
    osc("image", "metadef", "property", "create", "--name", "hw_watchdog_action", "--type", "string", "--title", "Watchdog action",
        "--schema", '{"enum": ["disabled", "reset", "poweroff"]}', "OS::Compute::Watchdog")
    assert json.loads(osc("image", "metadef", "property", "show", "OS::Compute::Watchdog", "hw_watchdog_action", "-f", "json"))[
        "title"] == "Watchdog action"
    osc("image", "metadef", "object", "create", "--namespace", "OS::Compute::Watchdog", "Watchdog")
    assert osc("image", "metadef", "object", "list", "OS::Compute::Watchdog", "-f", "value", "-c", "name").split() == ["Watchdog"]
    osc("image", "metadef", "resource", "type", "association", "create", "OS::Compute::Watchdog", "OS::Glance::Image")
    assert "OS::Glance::Image" in osc("image", "metadef", "resource", "type", "association", "list", "OS::Compute::Watchdog", "-f", "value")
    assert "OS::Nova::Flavor" in osc("image", "metadef", "resource", "type", "list", "-f", "value")
    osc("image", "metadef", "namespace", "delete", "OS::Compute::Watchdog")
    assert "OS::Compute::Watchdog" not in osc("image", "metadef", "namespace", "list", "-f", "value")

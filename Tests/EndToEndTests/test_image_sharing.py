"""Issue 12 (Glance part): image schemas that match what the image service shows and accepts, image updates
(JSON patch, tags), members and visibility — an image uploaded in one project, shared with another, accepted
there and booted there."""
import json

import jsonschema
import pytest

from glance import assert_glance_error, glance
from identity import ADMIN_PASSWORD, Identity, openstack_cli, password_cloud

PATCH = "application/openstack-images-v2.1-json-patch"


@pytest.fixture
def keystone(novakit):
    server = novakit(auth="keystone", admin_password=ADMIN_PASSWORD)
    return server, Identity(server)


def patch(server, image_id, token, operations, content_type=PATCH):
    return glance(server, "PATCH", f"/v2/images/{image_id}", token, data=json.dumps(operations),
                  headers={"Content-Type": content_type})


def schema(server, token, name):
    response = glance(server, "GET", f"/v2/schemas/{name}", token)
    assert response.status_code == 200
    return response.json()


def test_schemas_describe_what_the_image_service_shows_and_accepts(keystone):
    server, identity = keystone
    token = identity.token()
    image_schema = schema(server, token, "image")
    assert image_schema["name"] == "image" and image_schema["additionalProperties"] == {"type": "string"}
    assert image_schema["properties"]["status"]["readOnly"] is True
    created = glance(server, "POST", "/v2/images", token, json={
        "name": "described", "disk_format": "qcow2", "container_format": "bare", "tags": ["a", "b", "a"], "os_distro": "cirros"})
    assert created.status_code == 201
    image = created.json()
    assert image["tags"] == ["a", "b"]
    assert glance(server, "PUT", f"/v2/images/{image['id']}/file", token, data=b"x" * 4096,
                  headers={"Content-Type": "application/octet-stream"}).status_code == 204
    shown = glance(server, "GET", f"/v2/images/{image['id']}", token).json()
    # Every key shown is one the schema names, or a string property as its additionalProperties allow.
    jsonschema.validate(shown, image_schema)
    jsonschema.validate(image, image_schema)
    listed = glance(server, "GET", "/v2/images", token).json()
    jsonschema.validate(listed, schema(server, token, "images"))
    assert {i["id"] for i in listed["images"]} >= {image["id"]}
    # What the schema refuses, image-create refuses too.
    for bad in [{"disk_format": "floppy"}, {"container_format": "crate"}, {"min_ram": -1}, {"visibility": "everyone"},
                {"id": "not-a-uuid"}, {"name": "n" * 256}, {"tags": ["t" * 256]}, {"os_distro": 7}]:
        assert_glance_error(glance(server, "POST", "/v2/images", token, json=bad), 400)
    for name in ("member", "members"):
        assert schema(server, token, name)["name"] == name


def test_image_updates_by_json_patch_and_tags(keystone):
    server, identity = keystone
    admin = identity.token()
    identity.make_user(admin, "nina", "nina-pw", "ninas")
    identity.make_user(admin, "otto", "otto-pw", "ottos")
    nina = identity.token("nina", "nina-pw", "ninas")
    otto = identity.token("otto", "otto-pw", "ottos")
    image = glance(server, "POST", "/v2/images", nina, json={"name": "base", "disk_format": "raw", "container_format": "bare",
                                                              "visibility": "private", "os_distro": "ubuntu"}).json()
    changed = patch(server, image["id"], nina, [
        {"op": "replace", "path": "/name", "value": "base-2"}, {"op": "add", "path": "/hw_disk_bus", "value": "scsi"},
        {"op": "remove", "path": "/os_distro"}, {"op": "replace", "path": "/min_ram", "value": 512},
        {"op": "add", "path": "/tags", "value": ["gold"]}, {"op": "replace", "path": "/disk_format", "value": "qcow2"}])
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["name"], body["hw_disk_bus"], body["min_ram"], body["tags"], body["disk_format"]) == ("base-2", "scsi", 512, ["gold"], "qcow2")
    assert "os_distro" not in body
    assert glance(server, "GET", f"/v2/images/{image['id']}", nina).json()["hw_disk_bus"] == "scsi"
    # Failures change nothing: the good operation before a bad one is not applied either.
    for operations, code in [([{"op": "replace", "path": "/name", "value": "x"}, {"op": "replace", "path": "/nope", "value": "y"}], 409),
                             ([{"op": "remove", "path": "/nope"}], 409),
                             ([{"op": "replace", "path": "/status", "value": "active"}], 403),
                             ([{"op": "replace", "path": "/owner", "value": "someone"}], 403),
                             ([{"op": "replace", "path": "/checksum", "value": "abc"}], 403),
                             ([{"op": "add", "path": "/locations", "value": []}], 403),
                             ([{"op": "remove", "path": "/name"}], 403),
                             ([{"op": "replace", "path": "/visibility", "value": "public"}], 403),
                             ([{"op": "replace", "path": "/min_disk", "value": "big"}], 400),
                             ([{"op": "replace", "path": "/disk_format", "value": "floppy"}], 400),
                             ([{"op": "add", "path": "/custom", "value": 5}], 400),
                             ([{"op": "move", "path": "/name", "value": "x"}], 400),
                             ([{"op": "replace", "path": "/name"}], 400)]:
        assert_glance_error(patch(server, image["id"], nina, operations), code)
    assert glance(server, "GET", f"/v2/images/{image['id']}", nina).json()["name"] == "base-2"
    assert_glance_error(patch(server, image["id"], nina, [{"op": "replace", "path": "/name", "value": "x"}], "application/json"), 415)
    # The service's own fields are not taken at creation either; only admins create images for another project.
    for field, value in [("status", "active"), ("size", 5), ("checksum", "abc"), ("deleted", True)]:
        assert_glance_error(glance(server, "POST", "/v2/images", nina, json={"name": "x", field: value}), 403)
    ottos = identity.call("GET", "/projects?name=ottos", admin).json()["projects"][0]["id"]
    assert_glance_error(glance(server, "POST", "/v2/images", nina, json={"name": "x", "owner": ottos}), 403)
    given = glance(server, "POST", "/v2/images", admin, json={"name": "for-otto", "owner": ottos, "visibility": "private"}).json()
    assert given["owner"] == ottos and glance(server, "GET", f"/v2/images/{given['id']}", otto).status_code == 200
    moved = patch(server, given["id"], admin, [{"op": "replace", "path": "/owner", "value": identity.call(
        "GET", "/projects?name=ninas", admin).json()["projects"][0]["id"]}]).json()
    assert glance(server, "GET", f"/v2/images/{moved['id']}", nina).status_code == 200
    assert_glance_error(glance(server, "GET", f"/v2/images/{moved['id']}", otto), 404)
    assert_glance_error(patch(server, image["id"], otto, [{"op": "replace", "path": "/name", "value": "x"}]), 404)
    assert patch(server, image["id"], admin, [{"op": "replace", "path": "/visibility", "value": "public"}]).json()["visibility"] == "public"
    assert_glance_error(patch(server, image["id"], otto, [{"op": "replace", "path": "/name", "value": "x"}]), 403)
    # Tags one at a time; a listed filter on them.
    assert glance(server, "PUT", f"/v2/images/{image['id']}/tags/silver", nina).status_code == 204
    assert glance(server, "PUT", f"/v2/images/{image['id']}/tags/silver", nina).status_code == 204
    assert glance(server, "GET", f"/v2/images/{image['id']}", nina).json()["tags"] == ["gold", "silver"]
    assert [i["id"] for i in glance(server, "GET", "/v2/images?tag=silver", otto).json()["images"]] == [image["id"]]
    assert glance(server, "DELETE", f"/v2/images/{image['id']}/tags/gold", nina).status_code == 204
    assert_glance_error(glance(server, "DELETE", f"/v2/images/{image['id']}/tags/gold", nina), 404)
    assert_glance_error(glance(server, "PUT", f"/v2/images/{image['id']}/tags/x", otto), 403)
    # Formats are fixed once data is uploaded.
    glance(server, "PUT", f"/v2/images/{image['id']}/file", nina, data=b"d", headers={"Content-Type": "application/octet-stream"})
    assert_glance_error(patch(server, image["id"], nina, [{"op": "replace", "path": "/disk_format", "value": "raw"}]), 403)


def test_members_and_visibility(keystone):
    server, identity = keystone
    admin = identity.token()
    _, _ = identity.make_user(admin, "pia", "pia-pw", "pias")
    consumer_project, _ = identity.make_user(admin, "quinn", "quinn-pw", "quinns")
    identity.make_user(admin, "rosa", "rosa-pw", "rosas")
    pia, quinn, rosa = (identity.token(u, f"{u}-pw", f"{u}s") for u in ("pia", "quinn", "rosa"))
    members_schema = schema(server, pia, "members")
    member_schema = schema(server, pia, "member")
    private = glance(server, "POST", "/v2/images", pia, json={"name": "mine", "visibility": "private"}).json()
    assert_glance_error(glance(server, "POST", f"/v2/images/{private['id']}/members", pia, json={"member": consumer_project["id"]}), 403)
    shared = glance(server, "POST", "/v2/images", pia, json={"name": "ours", "visibility": "shared"}).json()
    members = f"/v2/images/{shared['id']}/members"
    assert_glance_error(glance(server, "GET", f"/v2/images/{shared['id']}", quinn), 404)
    added = glance(server, "POST", members, pia, json={"member": consumer_project["id"]})
    assert added.status_code == 200
    jsonschema.validate(added.json(), member_schema)
    assert (added.json()["member_id"], added.json()["status"]) == (consumer_project["id"], "pending")
    assert_glance_error(glance(server, "POST", members, pia, json={"member": consumer_project["id"]}), 409)
    assert_glance_error(glance(server, "POST", members, pia, json={}), 400)
    # Pending: the member sees the image but does not list it unless it asks for pending ones.
    assert glance(server, "GET", f"/v2/images/{shared['id']}", quinn).status_code == 200
    def listed(token, query=""):
        return [i["id"] for i in glance(server, "GET", f"/v2/images{query}", token).json()["images"]]
    assert shared["id"] not in listed(quinn)
    assert shared["id"] in listed(quinn, "?member_status=pending")
    assert_glance_error(glance(server, "GET", "/v2/images?member_status=maybe", quinn), 400)
    # Only the member decides its status; the owner cannot, others do not see the membership.
    me = f"{members}/{consumer_project['id']}"
    assert_glance_error(glance(server, "PUT", me, pia, json={"status": "accepted"}), 403)
    assert_glance_error(glance(server, "PUT", me, quinn, json={"status": "maybe"}), 400)
    assert_glance_error(glance(server, "GET", me, rosa), 404)
    accepted = glance(server, "PUT", me, quinn, json={"status": "accepted"})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert shared["id"] in listed(quinn) and shared["id"] not in listed(rosa)
    assert shared["id"] in listed(quinn, "?visibility=shared")
    owner_view = glance(server, "GET", members, pia).json()
    jsonschema.validate(owner_view, members_schema)
    assert [m["status"] for m in owner_view["members"]] == ["accepted"]
    assert [m["member_id"] for m in glance(server, "GET", members, quinn).json()["members"]] == [consumer_project["id"]]
    # A member may not delete the image nor the membership; rejecting it drops it from the member's list.
    assert_glance_error(glance(server, "DELETE", f"/v2/images/{shared['id']}", quinn), 403)
    assert_glance_error(glance(server, "DELETE", me, quinn), 403)
    glance(server, "PUT", me, quinn, json={"status": "rejected"})
    assert shared["id"] not in listed(quinn) and shared["id"] in listed(quinn, "?member_status=rejected")
    assert glance(server, "DELETE", me, pia).status_code == 204
    assert_glance_error(glance(server, "DELETE", me, pia), 404)
    assert_glance_error(glance(server, "GET", f"/v2/images/{shared['id']}", quinn), 404)
    # Community images: anyone may see and boot them, lists show them when asked for.
    community = glance(server, "POST", "/v2/images", pia, json={"name": "everyone", "visibility": "community"}).json()
    assert glance(server, "GET", f"/v2/images/{community['id']}", rosa).status_code == 200
    assert community["id"] not in listed(rosa)
    assert listed(rosa, "?visibility=community") == [community["id"]]
    assert community["id"] in listed(pia)


@pytest.mark.clients
def test_an_image_is_uploaded_shared_accepted_and_booted_in_another_project(keystone, tmp_path):
    server, identity = keystone
    admin = identity.token()
    identity.make_user(admin, "sara", "sara-pw", "saras")
    toms, _ = identity.make_user(admin, "tom", "tom-pw", "toms")
    run = openstack_cli(tmp_path / "clouds.yaml", {
        "sara": password_cloud(server, "sara", "sara-pw", "saras"), "tom": password_cloud(server, "tom", "tom-pw", "toms")})
    disk = tmp_path / "disk.img"
    disk.write_bytes(bytes(range(256)) * 64)
    image_id = run("image", "create", "--file", str(disk), "--disk-format", "qcow2", "--container-format", "bare", "--shared",
                   "golden", "-f", "value", "-c", "id", cloud="sara").strip()
    shown = json.loads(run("image", "show", image_id, "-f", "json", cloud="sara"))
    assert (shown["status"], shown["visibility"], shown["size"]) == ("active", "shared", 256 * 64)
    # A project member cannot look other projects up by name (nor can they in Keystone): the id it is.
    run("image", "add", "project", image_id, toms["id"], cloud="sara")
    assert image_id not in run("image", "list", "-f", "value", "-c", "ID", cloud="tom")
    run("image", "set", "--accept", image_id, cloud="tom")
    assert image_id in run("image", "list", "-f", "value", "-c", "ID", cloud="tom")
    members = json.loads(run("image", "member", "list", image_id, "-f", "json", cloud="sara"))
    assert [m["Status"] for m in members] == ["accepted"]
    run("server", "create", "--image", image_id, "--flavor", "m1.tiny", "--nic", "none", "from-shared", "--wait", cloud="tom")
    booted = json.loads(run("server", "show", "from-shared", "-f", "json", cloud="tom"))
    assert booted["status"] == "ACTIVE"
    assert image_id in str(booted["image"])
    # Sara stops sharing: Tom's project no longer sees the image (its server keeps running).
    run("image", "remove", "project", image_id, toms["id"], cloud="sara")
    assert image_id not in run("image", "list", "-f", "value", "-c", "ID", cloud="tom")
    assert run("server", "show", "from-shared", "-f", "value", "-c", "status", cloud="tom").strip() == "ACTIVE"

"""Issue 3: the os-documents reference extension, verbatim, and /extensions."""
import pytest
from tempest.lib.api_schema.response.compute.v2_1 import extensions as extension_schemas
from tempest.lib.api_schema.response.compute.v2_1 import servers as server_schemas

from conftest import ADMIN, OTHER_PROJECT, PROJECT, assert_fault, validate

V2 = f"/v2/{PROJECT}/os-documents"
ACCEPTED = server_schemas.server_actions_common_schema  # 202 with no body
DOCUMENT_SHOW = {
    "status_code": [200],
    "response_body": {
        "type": "object", "required": ["document"], "additionalProperties": False,
        "properties": {"document": {
            "type": "object", "required": ["id", "name", "created_at", "updated_at"], "additionalProperties": False,
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                           "created_at": {"type": "string", "format": "date-time"},
                           "updated_at": {"type": ["string", "null"]}}}},
    },
}


def test_seed_flow_verbatim(cloud):
    validate(ACCEPTED, cloud.request("POST", V2, json={"id": 1, "name": "test1"}))
    validate(ACCEPTED, cloud.request("POST", V2, json={"name": "test2"}))  # id assigned
    index = cloud.request("GET", V2)
    assert index.status_code == 200
    assert index.json() == {"document": [{"id": 1, "name": "test1"}, {"id": 2, "name": "test2"}]}

    shown = validate(DOCUMENT_SHOW, cloud.request("GET", f"{V2}/2"))["document"]
    assert (shown["id"], shown["name"], shown["updated_at"]) == (2, "test2", None)
    assert shown["created_at"]

    validate(ACCEPTED, cloud.request("PUT", f"{V2}/1", json={"name": "new-test1"}))
    renamed = validate(DOCUMENT_SHOW, cloud.request("GET", f"{V2}/1"))["document"]
    assert renamed["name"] == "new-test1" and renamed["updated_at"] is not None

    validate(ACCEPTED, cloud.request("DELETE", f"{V2}/1"))
    assert cloud.request("GET", V2).json() == {"document": [{"id": 2, "name": "test2"}]}
    rows = cloud.db.query("SELECT id, name, deleted, deleted_at FROM documents ORDER BY id")
    assert [(r[0], r[1], r[2]) for r in rows] == [("1", "new-test1", "1"), ("2", "test2", "0")]
    assert rows[0][3] is not None and rows[1][3] is None

    for method, body in [("GET", None), ("PUT", {"name": "again"}), ("DELETE", None)]:
        assert_fault(cloud.request(method, f"{V2}/1", json=body), 404, "Document 1 could not be found.")


def test_table_is_the_seeds(cloud):
    if cloud.db.url.startswith("sqlite"):
        columns = cloud.db.query("SELECT name, type, pk FROM pragma_table_info('documents') ORDER BY cid")
        types = {name: kind for name, kind, _ in columns}
        assert types["name"] == "VARCHAR(45)" and types["id"] == "INTEGER"
        assert [name for name, _, pk in columns if pk == "1"] == ["id"]
    else:
        columns = cloud.db.query("SELECT column_name, data_type, character_maximum_length FROM information_schema.columns "
                                 "WHERE table_name = 'documents' ORDER BY ordinal_position")
        types = {name: (kind, length) for name, kind, length in columns}
        assert types["name"] == ("character varying", "45") and types["id"][0] == "integer"
    assert [c[0] for c in columns] == ["created_at", "updated_at", "deleted_at", "deleted", "id", "name"]


@pytest.mark.parametrize("prefix", ["/v2.1/os-documents", f"/v2.1/{PROJECT}/os-documents"])
def test_v21_prefixes(cloud, prefix):
    validate(ACCEPTED, cloud.request("POST", prefix, json={"id": 7, "name": "seven"}))
    assert cloud.request("GET", prefix).json() == {"document": [{"id": 7, "name": "seven"}]}
    assert validate(DOCUMENT_SHOW, cloud.request("GET", f"{prefix}/7"))["document"]["name"] == "seven"
    validate(ACCEPTED, cloud.request("PUT", f"{prefix}/7", json={"name": "SEVEN"}))
    validate(ACCEPTED, cloud.request("DELETE", f"{prefix}/7"))
    assert_fault(cloud.request("GET", f"{prefix}/7"), 404, "Document 7 could not be found.")


def test_documents_are_shared_by_all_projects(cloud):
    cloud.request("POST", V2, json={"id": 1, "name": "shared"})
    other = cloud.request("GET", "/v2.1/os-documents", token=f"bob:{OTHER_PROJECT}")
    assert other.json() == {"document": [{"id": 1, "name": "shared"}]}
    validate(ACCEPTED, cloud.request("DELETE", f"/v2/{OTHER_PROJECT}/os-documents/1", token=f"bob:{OTHER_PROJECT}"))


def test_duplicates_conflict(cloud):
    cloud.request("POST", V2, json={"id": 1, "name": "one"})
    assert_fault(cloud.request("POST", V2, json={"id": 1, "name": "again"}), 409, "Document 1 already exists.")
    cloud.request("DELETE", f"{V2}/1")
    assert_fault(cloud.request("POST", V2, json={"id": 1, "name": "again"}), 409, "Document 1 already exists.")
    validate(ACCEPTED, cloud.request("POST", V2, json={"name": "next"}))
    assert cloud.request("GET", V2).json() == {"document": [{"id": 2, "name": "next"}]}


@pytest.mark.parametrize("body,message", [
    ({}, "'name' is a required property"),
    ({"id": 3}, "'name' is a required property"),
    ({"name": ""}, "Invalid input for field/attribute name. Value: . '' is too short"),
    ({"name": "x" * 46}, f"Invalid input for field/attribute name. Value: {'x' * 46}. '{'x' * 46}' is too long"),
    ({"name": 12}, "Invalid input for field/attribute name. Value: 12. 12 is not of type 'string'"),
    ({"id": "one", "name": "a"}, "Invalid input for field/attribute id. Value: one. 'one' is not of type 'integer'"),
    ({"id": 1.5, "name": "a"}, "Invalid input for field/attribute id. Value: 1.5. 1.5 is not of type 'integer'"),
    ({"name": "a", "color": "red"}, "Additional properties are not allowed ('color' was unexpected)"),
    (None, "None is not of type 'object'"),
    (["name"], "['name'] is not of type 'object'"),
])
def test_create_validation(cloud, body, message):
    assert_fault(cloud.request("POST", "/v2.1/os-documents", json=body), 400, message)
    assert cloud.request("GET", "/v2.1/os-documents").json() == {"document": []}


def test_update_validation(cloud):
    cloud.request("POST", V2, json={"id": 1, "name": "one"})
    assert_fault(cloud.request("PUT", "/v2.1/os-documents/1", json={}), 400, "'name' is a required property")
    assert_fault(cloud.request("PUT", "/v2.1/os-documents/1", json={"name": "a", "id": 2}), 400,
                 "Additional properties are not allowed ('id' was unexpected)")
    assert_fault(cloud.request("PUT", "/v2.1/os-documents/abc", json={"name": "a"}), 404, "Document abc could not be found.")
    assert cloud.request("GET", V2).json() == {"document": [{"id": 1, "name": "one"}]}


def test_exactly_45_characters_fit(cloud):
    name = "é" * 45
    validate(ACCEPTED, cloud.request("POST", V2, json={"id": 1, "name": name}))
    assert cloud.request("GET", f"{V2}/1").json()["document"]["name"] == name


def test_legacy_v2_tolerates_unknown_fields(cloud):
    validate(ACCEPTED, cloud.request("POST", V2, json={"id": 1, "name": "one", "color": "red"}))
    assert cloud.request("GET", f"{V2}/1").json()["document"]["name"] == "one"


def test_extensions_listing(cloud):
    listing = validate(extension_schemas.list_extensions, cloud.request("GET", f"/v2/{PROJECT}/extensions"))
    aliases = [e["alias"] for e in listing["extensions"]]
    assert "os-documents" in aliases and aliases == sorted(aliases)
    assert "novakit-debug" not in aliases
    one = cloud.request("GET", f"/v2/{PROJECT}/extensions/os-documents")
    assert one.status_code == 200
    entry = one.json()["extension"]
    assert entry == next(e for e in listing["extensions"] if e["alias"] == "os-documents")
    assert entry["name"] == "Documents" and entry["links"] == []
    assert_fault(cloud.request("GET", f"/v2/{PROJECT}/extensions/os-nothing"), 404)
    validate(extension_schemas.list_extensions, cloud.request("GET", "/v2.1/extensions"))


def test_extensions_include_novas_catalog(novakit):
    """Nova's frozen catalog is listed too (tempest looks for Hosts and os-consoles); an extension NovaKit ships
    but configuration switched off leaves the list even though Nova's catalog names it."""
    cloud = novakit()
    listing = validate(extension_schemas.list_extensions, cloud.request("GET", "/v2.1/extensions"))["extensions"]
    by_alias = {e["alias"]: e for e in listing}
    assert by_alias["os-hosts"]["name"] == "Hosts" and by_alias["os-documents"]["name"] == "Documents"
    assert by_alias["os-volumes"]["namespace"] == "http://docs.openstack.org/compute/ext/fake_xml"  # Nova's catalog entry
    assert by_alias["os-consoles"]["name"] == "Consoles"  # NovaKit's own remote consoles
    assert {"os-volumes", "os-shelve", "OS-EXT-STS", "os-services"} <= set(by_alias)
    shown = cloud.request("GET", "/v2.1/extensions/os-consoles").json()["extension"]
    assert shown == by_alias["os-consoles"]
    off = novakit("--disable-extension", "os-hosts")
    assert "os-hosts" not in [e["alias"] for e in off.request("GET", "/v2.1/extensions").json()["extensions"]]
    assert_fault(off.request("GET", "/v2.1/extensions/os-hosts"), 404)


def test_extension_switched_off(novakit):
    cloud = novakit("--disable-extension", "os-documents")
    for method, path in [("GET", V2), ("POST", V2), ("GET", f"{V2}/1"), ("DELETE", f"{V2}/1")]:
        assert_fault(cloud.request(method, path, json={"name": "x"} if method == "POST" else None), 404)
    aliases = [e["alias"] for e in cloud.request("GET", "/v2.1/extensions").json()["extensions"]]
    assert "os-documents" not in aliases
    assert_fault(cloud.request("GET", "/v2.1/extensions/os-documents"), 404)


def test_extension_switched_off_by_environment(novakit):
    cloud = novakit(env={"NOVAKIT_EXTENSIONS_DISABLED": "os-documents"})
    assert_fault(cloud.request("GET", V2), 404)


def test_policy_overridable_per_action(novakit, tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text('"compute_extension:documents:delete": "rule:admin_api"\n')
    cloud = novakit("--policy-file", str(policy))
    cloud.request("POST", V2, json={"id": 1, "name": "one"})
    assert_fault(cloud.request("DELETE", f"{V2}/1"), 403, "Policy doesn't allow compute_extension:documents:delete to be performed.")
    validate(ACCEPTED, cloud.request("DELETE", f"{V2}/1", token=ADMIN))

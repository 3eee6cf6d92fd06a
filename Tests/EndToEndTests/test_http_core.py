"""Issue 2 (foundation): versions, microversions, request ids, faults, auth and policy over real HTTP."""
import pytest
from tempest.lib.api_schema.response.compute.v2_1 import versions as version_schemas
from tempest.lib.api_schema.response.compute.v2_1 import servers as server_schemas

from conftest import ADMIN, OTHER_PROJECT, PROJECT, REQUEST_ID, USER, assert_fault, validate

DOCS = f"/v2.1/{PROJECT}/os-documents"


def advertised_max(cloud):
    return validate(version_schemas.list_versions, cloud.request("GET", "/", token=None))["versions"][1]["version"]


def test_version_documents(cloud):
    listing = validate(version_schemas.list_versions, cloud.request("GET", "/", token=None))
    assert [v["id"] for v in listing["versions"]] == ["v2.0", "v2.1"]
    v21 = listing["versions"][1]
    assert v21["status"] == "CURRENT" and v21["min_version"] == "2.1"
    assert v21["links"][0]["href"] == f"{cloud.base}/v2.1/"
    for path, version_id in [("/v2.1/", "v2.1"), ("/v2/", "v2.0")]:
        doc = validate(version_schemas.get_one_version, cloud.request("GET", path, token=None))["version"]
        assert doc["id"] == version_id
        assert {link["rel"] for link in doc["links"]} == {"self", "describedby"}
        assert doc["media-types"][0]["base"] == "application/json"
    redirect = cloud.request("GET", "/v2.1", token=None)
    assert redirect.status_code == 302 and redirect.headers["Location"] == f"{cloud.base}/v2.1/"
    in_project = validate(version_schemas.get_one_version, cloud.request("GET", f"/v2.1/{PROJECT}/"))
    assert in_project["version"]["id"] == "v2.1"


@pytest.mark.parametrize("headers,expected", [
    ({}, "2.1"),
    ({"OpenStack-API-Version": "compute 2.18"}, "2.18"),
    ({"OpenStack-API-Version": "volume 3.5, compute 2.27"}, "2.27"),
    ({"X-OpenStack-Nova-API-Version": "2.9"}, "2.9"),
    ({"OpenStack-API-Version": "compute LATEST"}, "max"),
])
def test_microversion_negotiation(cloud, headers, expected):
    expected = advertised_max(cloud) if expected == "max" else expected
    response = cloud.request("GET", DOCS, headers=headers)
    assert response.status_code == 200
    assert response.headers["OpenStack-API-Version"] == f"compute {expected}"
    assert response.headers["X-OpenStack-Nova-API-Version"] == expected
    assert response.headers["Vary"] == "OpenStack-API-Version, X-OpenStack-Nova-API-Version"


def test_microversion_refusals(cloud):
    maximum = advertised_max(cloud)
    for bad in ["2.0", "2.999", "3.0"]:
        message = assert_fault(cloud.request("GET", DOCS, version=bad), 406)
        assert message == f"Version {bad} is not supported by the API. Minimum is 2.1 and maximum is {maximum}."
    for malformed in ["2", "2.x", "two"]:
        message = assert_fault(cloud.request("GET", DOCS, version=malformed), 400)
        assert message == f"API Version String {malformed} is of invalid format. Must be of format MajorNum.MinorNum."


def test_legacy_v2_ignores_version_headers(cloud):
    response = cloud.request("GET", f"/v2/{PROJECT}/os-documents", version="2.999")
    assert response.status_code == 200
    assert "OpenStack-API-Version" not in response.headers
    assert "X-OpenStack-Nova-API-Version" not in response.headers
    assert "Vary" not in response.headers


def test_request_ids_on_every_response(cloud):
    seen = set()
    for method, path, token in [("GET", "/", None), ("GET", "/v2.1/", None), ("GET", DOCS, USER),
                                ("GET", "/v2.1/nothing-here", USER), ("GET", DOCS, None)]:
        response = cloud.request(method, path, token=token)
        rid = response.headers["x-openstack-request-id"]
        assert REQUEST_ID.match(rid)
        assert response.headers["x-compute-request-id"] == rid
        assert rid in cloud.logs()
        seen.add(rid)
    assert len(seen) == 5


def test_access_log_line(cloud):
    response = cloud.request("GET", DOCS)
    rid = response.headers["x-openstack-request-id"]
    line = next(line for line in cloud.logs().splitlines() if rid in line and "status=" in line)
    for field in ["method=GET", f"path={DOCS}", "status=200", "duration_ms=", f"project={PROJECT}"]:
        assert field in line


def test_fault_shapes(novakit):
    cloud = novakit("--max-body-size", "1024")
    assert_fault(cloud.request("GET", f"/v2.1/{PROJECT}/no-such-resource"), 404)
    assert_fault(cloud.request("GET", "/no-prefix"), 404)
    wrong = cloud.request("PATCH", DOCS, json={})
    assert_fault(wrong, 405)
    assert "GET" in wrong.headers["Allow"] and "POST" in wrong.headers["Allow"]
    assert_fault(cloud.request("DELETE", DOCS), 405)
    assert_fault(cloud.request("POST", DOCS, data=b'{"name": ', headers={"Content-Type": "application/json"}), 400,
                 "Malformed request body")
    assert_fault(cloud.request("POST", DOCS, data=b'{"name": "\xff\xfe"}', headers={"Content-Type": "application/json"}), 400,
                 "Malformed request body")
    assert_fault(cloud.request("POST", DOCS, data=b"<document/>", headers={"Content-Type": "application/xml"}), 415,
                 "Unsupported Content-Type")
    too_big = cloud.request("POST", DOCS, json={"name": "x" * 2000})
    assert_fault(too_big, 413)
    chunked = cloud.request("POST", DOCS, data=iter([b'{"name": "', b"y" * 2000, b'"}']),
                            headers={"Content-Type": "application/json"})
    assert_fault(chunked, 413)
    # Nothing was stored by any refused request.
    assert cloud.request("GET", DOCS).json() == {"document": []}


def test_default_body_limit_is_novas(cloud):
    assert_fault(cloud.request("POST", DOCS, json={"name": "x" * 114_700}), 413)
    assert_fault(cloud.request("POST", DOCS, json={"name": "x" * 100_000}), 400)


def test_internal_error_is_generic(novakit):
    cloud = novakit("--enable-extension", "novakit-debug")
    response = cloud.request("GET", "/v2.1/novakit-debug/fail")
    message = assert_fault(response, 500)
    assert message.startswith("Unexpected API Error.")
    assert "hunter2" not in response.text and "DeliberateFailure" not in response.text
    assert "DeliberateFailure" in cloud.logs()
    assert cloud.request("GET", DOCS).status_code == 200


def test_debug_route_off_by_default(cloud):
    assert_fault(cloud.request("GET", "/v2.1/novakit-debug/fail"), 404)


def test_noauth2(cloud):
    assert_fault(cloud.request("GET", DOCS, token=None), 401)
    assert_fault(cloud.request("GET", "/v2.1/os-documents", token=""), 401)
    message = assert_fault(cloud.request("GET", f"/v2/{OTHER_PROJECT}/os-documents"), 400)
    assert message == f"Malformed request URL: URL's project_id '{OTHER_PROJECT}' doesn't match Context's project_id '{PROJECT}'"
    assert cloud.request("GET", "/v2.1/os-documents", token=f"bob:{OTHER_PROJECT}").status_code == 200


def test_policy_defaults_and_file(novakit, tmp_path):
    default = novakit()
    assert default.request("POST", DOCS, json={"name": "a"}).status_code == 202
    policy = tmp_path / "policy.yaml"
    policy.write_text('"compute_extension:documents:create": "rule:admin_api"\n'
                      '"compute_extension:documents:index": "role:reader and project_id:%(project_id)s"\n'
                      '"compute_extension:documents": "!"\n')
    strict = novakit("--policy-file", str(policy))
    assert_fault(strict.request("POST", DOCS, json={"name": "b"}), 403,
                 "Policy doesn't allow compute_extension:documents:create to be performed.")
    validate(server_schemas.server_actions_common_schema, strict.request("POST", DOCS, token=ADMIN, json={"name": "b"}))
    assert strict.request("GET", DOCS).status_code == 200
    assert_fault(strict.request("GET", f"{DOCS}/1"), 403, "Policy doesn't allow compute_extension:documents:show to be performed.")


def test_policy_file_as_json(novakit, tmp_path):
    policy = tmp_path / "policy.json"
    policy.write_text('{"compute_extension:documents:delete": "role:admin"}')
    cloud = novakit("--policy-file", str(policy))
    cloud.request("POST", DOCS, json={"id": 1, "name": "a"})
    assert_fault(cloud.request("DELETE", f"{DOCS}/1"), 403)
    assert cloud.request("DELETE", f"{DOCS}/1", token=ADMIN).status_code == 202

"""Issue 11: request input in the forms Nova's validators accept — string booleans, numeric strings, any value
for argument-less actions, canonical access addresses, config_drive, limit=0 — and strict JSON."""
import pytest
from tempest.lib.api_schema.response.compute.v2_1 import flavors as flavors21
from tempest.lib.api_schema.response.compute.v2_1 import quotas as quotas21

from conftest import ADMIN, PROJECT, assert_fault, validate
from servers import action, create, show, wait


@pytest.fixture
def cloud(novakit):
    return novakit("--compute-step-delay", "5", admin_password="pw")


def test_flavor_create_takes_string_booleans_and_numeric_strings(cloud):
    body = {"flavor": {"name": "strings", "ram": "512", "vcpus": "2", "disk": "0", "OS-FLV-EXT-DATA:ephemeral": "1",
                       "swap": "0", "rxtx_factor": "1.5", "os-flavor-access:is_public": "False"}}
    flavor = validate(flavors21.create_update_get_flavor_details,
                      cloud.request("POST", "/v2.1/flavors", token=ADMIN, json=body))["flavor"]
    assert (flavor["ram"], flavor["vcpus"], flavor["disk"], flavor["OS-FLV-EXT-DATA:ephemeral"]) == (512, 2, 0, 1)
    assert flavor["rxtx_factor"] == 1.5 and flavor["os-flavor-access:is_public"] is False
    for word, public in (("True", True), ("yes", True), ("on", True), ("1", True), ("off", False), ("NO", False)):
        created = cloud.request("POST", "/v2.1/flavors", token=ADMIN,
                                json={"flavor": {"name": f"f-{word}", "ram": 64, "vcpus": 1, "disk": 0,
                                                 "os-flavor-access:is_public": word}})
        assert created.status_code == 200 and created.json()["flavor"]["os-flavor-access:is_public"] is public
    refused = cloud.request("POST", "/v2.1/flavors", token=ADMIN,
                            json={"flavor": {"name": "x", "ram": 64, "vcpus": 1, "disk": 0, "os-flavor-access:is_public": "maybe"}})
    assert_fault(refused, 400)
    assert "os-flavor-access:is_public" in refused.json()["badRequest"]["message"]
    assert_fault(cloud.request("POST", "/v2.1/flavors", token=ADMIN,
                               json={"flavor": {"name": "x", "ram": "-5", "vcpus": 1, "disk": 0}}), 400)
    assert_fault(cloud.request("POST", "/v2.1/flavors", token=ADMIN,
                               json={"flavor": {"name": "x", "ram": "0", "vcpus": 1, "disk": 0}}), 400)


def test_quota_update_takes_numeric_strings_and_string_force(cloud):
    updated = validate(quotas21.update_quota_set,
                       cloud.request("PUT", f"/v2.1/os-quota-sets/{PROJECT}", token=ADMIN,
                                     json={"quota_set": {"ram": "5120", "cores": "-1", "force": "True"}}))["quota_set"]
    assert updated["ram"] == 5120 and updated["cores"] == -1
    assert cloud.request("GET", f"/v2.1/os-quota-sets/{PROJECT}").json()["quota_set"]["ram"] == 5120
    for bad in ("-2", "ten", "5.5", ""):
        assert_fault(cloud.request("PUT", f"/v2.1/os-quota-sets/{PROJECT}", token=ADMIN, json={"quota_set": {"ram": bad}}), 400)
    assert_fault(cloud.request("PUT", f"/v2.1/os-quota-sets/{PROJECT}", token=ADMIN,
                               json={"quota_set": {"ram": 1, "force": "perhaps"}}), 400)


def test_argument_less_actions_take_any_value(cloud):
    server = create(cloud)
    wait(cloud, server, "ACTIVE")
    for body, status in (({"pause": {}}, "PAUSED"), ({"unpause": {}}, "ACTIVE"), ({"os-stop": {}}, "SHUTOFF"),
                         ({"os-start": None}, "ACTIVE"), ({"suspend": "anything"}, "SUSPENDED"), ({"resume": {}}, "ACTIVE")):
        response = action(cloud, server, body)
        assert response.status_code == 202 and response.text == "", body
        wait(cloud, server, status)
    assert action(cloud, server, {"lock": {}}).status_code == 202
    assert show(cloud, server, version="2.9")["locked"] is True
    assert action(cloud, server, {"unlock": {}}).status_code == 202
    assert show(cloud, server, version="2.9")["locked"] is False


def test_access_addresses_are_validated_and_canonical_and_config_drive_shows_true(cloud):
    server = create(cloud, accessIPv4="10.0.0.1", accessIPv6="0000:0000:0000:0000:0000:babe:220.12.22.2", config_drive=True)
    view = show(cloud, server)
    assert view["accessIPv4"] == "10.0.0.1" and view["accessIPv6"] == "::babe:dc0c:1602"
    assert view["config_drive"] == "True"
    plain = create(cloud, name="plain", config_drive="false")
    assert show(cloud, plain)["config_drive"] == ""
    updated = cloud.request("PUT", f"/v2.1/servers/{server}", json={"server": {"accessIPv6": "2001:DB8:0:0:0:0:0:1"}})
    assert updated.status_code == 200 and updated.json()["server"]["accessIPv6"] == "2001:db8::1"
    for field, value in (("accessIPv4", "300.1.1.1"), ("accessIPv6", "not-an-address"), ("accessIPv4", "::1")):
        refused = cloud.request("PUT", f"/v2.1/servers/{server}", json={"server": {field: value}})
        assert_fault(refused, 400)
        assert field in refused.json()["badRequest"]["message"]


def test_limit_zero_is_an_empty_page_and_bodies_are_strict_json(cloud):
    create(cloud)
    assert cloud.request("GET", "/v2.1/servers?limit=0").json() == {"servers": []}
    assert cloud.request("GET", "/v2.1/servers/detail?limit=0").json() == {"servers": []}
    assert len(cloud.request("GET", "/v2.1/servers?limit=1").json()["servers"]) == 1
    for text in ('{"flavor": {"name": "t", "ram": 1, "vcpus": 1, "disk": 1,}}', '{"flavor": True}', '{"flavor": [1,]}'):
        response = cloud.request("POST", "/v2.1/flavors", token=ADMIN, data=text, headers={"Content-Type": "application/json"})
        assert_fault(response, 400)
    assert cloud.request("GET", "/v2.1/flavors/detail", token=ADMIN).json()["flavors"][-1]["name"] != "t"


def test_blank_member_id_is_not_found(cloud):
    """`DELETE /images/` (tempest's blank image id) names a member that cannot exist: 404 as Nova, while a
    method the collection itself lacks stays a 405."""
    assert_fault(cloud.request("DELETE", "/v2.1/images/"), 404)
    assert_fault(cloud.request("DELETE", f"/v2.1/{PROJECT}/images/"), 404)
    assert cloud.request("DELETE", "/v2.1/images").status_code == 405

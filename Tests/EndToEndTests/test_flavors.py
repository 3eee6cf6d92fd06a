"""Issue 5: flavors, flavor access and extra specs, with microversion differences."""
import pytest
from tempest.lib.api_schema.response.compute.v2_1 import flavors as v21
from tempest.lib.api_schema.response.compute.v2_1 import flavors_access as access_schemas
from tempest.lib.api_schema.response.compute.v2_1 import flavors_extra_specs as specs_schemas
from tempest.lib.api_schema.response.compute.v2_55 import flavors as v255
from tempest.lib.api_schema.response.compute.v2_61 import flavors as v261

from conftest import ADMIN, OTHER_PROJECT, PROJECT, USER, assert_fault, validate

OTHER = f"bob:{OTHER_PROJECT}"


def schemas(version):
    if version is None or version < (2, 55):
        return v21
    return v255 if version < (2, 61) else v261


def vtuple(text):
    return None if text is None else tuple(int(part) for part in text.split("."))


@pytest.fixture
def cloud(novakit):
    return novakit(admin_password="pw")  # bootstraps the default flavors


def create(cloud, version=None, token=ADMIN, **fields):
    body = {"name": "custom", "ram": 1024, "vcpus": 2, "disk": 10, **fields}
    return cloud.request("POST", "/v2.1/flavors", token=token, version=version, json={"flavor": body})


def test_default_flavors(cloud):
    listing = validate(v21.list_flavors, cloud.request("GET", "/v2.1/flavors"))["flavors"]
    assert [(f["id"], f["name"]) for f in listing] == [("1", "m1.tiny"), ("2", "m1.small"), ("3", "m1.medium"), ("4", "m1.large"),
                                                       ("5", "m1.xlarge")]
    detail = validate(v21.list_flavors_details, cloud.request("GET", "/v2.1/flavors/detail"))["flavors"]
    assert [(f["ram"], f["vcpus"], f["disk"]) for f in detail] == [(512, 1, 1), (2048, 1, 20), (4096, 2, 40), (8192, 4, 80), (16384, 8, 160)]
    tiny = validate(v21.create_update_get_flavor_details, cloud.request("GET", f"/v2.1/{PROJECT}/flavors/1"))["flavor"]
    assert tiny["swap"] == "" and tiny["os-flavor-access:is_public"] is True and tiny["OS-FLV-EXT-DATA:ephemeral"] == 0
    assert tiny["links"][0]["href"] == f"{cloud.base}/v2.1/{PROJECT}/flavors/1"
    assert tiny["links"][1]["href"] == f"{cloud.base}/{PROJECT}/flavors/1"
    assert_fault(cloud.request("GET", "/v2.1/flavors/404"), 404, "Flavor 404 could not be found.")
    assert validate(v21.list_flavors, cloud.request("GET", f"/v2/{PROJECT}/flavors"))["flavors"][0]["id"] == "1"


def test_filters_sorting_and_pagination(cloud):
    def ids(query):
        return [f["id"] for f in cloud.request("GET", f"/v2.1/flavors/detail?{query}").json()["flavors"]]

    assert ids("minRam=4096") == ["3", "4", "5"]
    assert ids("minDisk=40&minRam=8192") == ["4", "5"]
    assert ids("sort_key=memory_mb&sort_dir=desc") == ["5", "4", "3", "2", "1"]
    first = validate(v21.list_flavors, cloud.request("GET", "/v2.1/flavors?limit=2"))
    assert [f["id"] for f in first["flavors"]] == ["1", "2"]
    next_href = first["flavors_links"][0]["href"]
    assert "marker=2" in next_href and "limit=2" in next_href
    second = cloud.request("GET", next_href.replace(cloud.base, "")).json()
    assert [f["id"] for f in second["flavors"]] == ["3", "4"]
    assert "flavors_links" not in cloud.request("GET", "/v2.1/flavors?limit=10").json()
    assert_fault(cloud.request("GET", "/v2.1/flavors?marker=nope"), 400, "marker [nope] not found")
    assert_fault(cloud.request("GET", "/v2.1/flavors?limit=-1"), 400)
    assert_fault(cloud.request("GET", "/v2.1/flavors?minRam=big"), 400)
    assert_fault(cloud.request("GET", "/v2.1/flavors?sort_key=color"), 400)


@pytest.mark.parametrize("version", [None, "2.55", "2.61", "2.75", "2.102"])
def test_create_show_delete_across_versions(cloud, version):
    schema = schemas(vtuple(version))
    fields = {"description": "d"} if version else {}
    created = validate(schema.create_update_get_flavor_details, create(cloud, version, id="c1", **fields))["flavor"]
    assert (created["id"], created["name"], created["ram"], created["vcpus"], created["disk"]) == ("c1", "custom", 1024, 2, 10)
    assert ("description" in created) == (version is not None)
    assert ("extra_specs" in created) == (vtuple(version) is not None and vtuple(version) >= (2, 61))
    assert created["swap"] == ("" if vtuple(version) is None or vtuple(version) < (2, 75) else 0)
    shown = validate(schema.create_update_get_flavor_details, cloud.request("GET", "/v2.1/flavors/c1", version=version))["flavor"]
    assert shown == created
    validate(schema.list_flavors_details, cloud.request("GET", "/v2.1/flavors/detail", version=version))
    validate(schema.list_flavors, cloud.request("GET", "/v2.1/flavors", version=version))
    validate(v21.delete_flavor, cloud.request("DELETE", "/v2.1/flavors/c1", token=ADMIN, version=version))
    assert_fault(cloud.request("GET", "/v2.1/flavors/c1"), 404)
    assert create(cloud, version, id="c1", **fields).status_code == 200  # name and id are free again


def test_create_generates_an_id_and_refuses_bad_input(cloud):
    created = create(cloud).json()["flavor"]
    assert len(created["id"]) == 36
    assert_fault(create(cloud), 409, "Flavor with name custom already exists.")
    assert_fault(create(cloud, name="other", id=created["id"]), 409, f"Flavor with ID {created['id']} already exists.")
    assert_fault(create(cloud, name="x", ram=0), 400, "Invalid input for field/attribute ram. Value: 0. 0 is less than the minimum of 1")
    assert_fault(create(cloud, name="x", description="d"), 400,
                 "Invalid input for field/attribute flavor. Value: {'description': 'd', 'disk': 10, 'name': 'x', 'ram': 1024, 'vcpus': 2}. "
                 "Additional properties are not allowed ('description' was unexpected)")
    assert_fault(cloud.request("POST", "/v2.1/flavors", token=ADMIN, json={"flavor": {"ram": 1, "vcpus": 1, "disk": 1}}), 400,
                 "Invalid input for field/attribute flavor. Value: {'disk': 1, 'ram': 1, 'vcpus': 1}. 'name' is a required property")
    assert_fault(create(cloud, name="x", rxtx_factor=0), 400)


def test_flavor_management_is_admin_only(cloud):
    assert_fault(create(cloud, token=USER), 403, "Policy doesn't allow os_compute_api:os-flavor-manage:create to be performed.")
    assert_fault(cloud.request("DELETE", "/v2.1/flavors/1", token=USER), 403)
    assert_fault(cloud.request("PUT", "/v2.1/flavors/1", token=USER, version="2.55", json={"flavor": {"description": "x"}}), 403)
    assert cloud.request("GET", "/v2.1/flavors/1", token=USER).status_code == 200


def test_description_update_from_2_55(cloud):
    updated = cloud.request("PUT", "/v2.1/flavors/1", token=ADMIN, version="2.55", json={"flavor": {"description": "tiny one"}})
    assert validate(v255.create_update_get_flavor_details, updated)["flavor"]["description"] == "tiny one"
    assert_fault(cloud.request("PUT", "/v2.1/flavors/1", token=ADMIN, version="2.54", json={"flavor": {"description": "x"}}), 404)
    assert "description" not in cloud.request("GET", "/v2.1/flavors/1", version="2.54").json()["flavor"]


def test_name_filter_from_2_102(cloud):
    assert [f["id"] for f in cloud.request("GET", "/v2.1/flavors?name=m1.small", version="2.102").json()["flavors"]] == ["2"]
    assert len(cloud.request("GET", "/v2.1/flavors?name=m1.small", version="2.101").json()["flavors"]) == 5


def test_private_flavors_and_access(cloud):
    create(cloud, id="p1", name="private", **{"os-flavor-access:is_public": False})
    assert_fault(cloud.request("GET", "/v2.1/flavors/p1", token=OTHER), 404)
    assert "p1" not in [f["id"] for f in cloud.request("GET", "/v2.1/flavors", token=OTHER).json()["flavors"]]
    assert cloud.request("GET", "/v2.1/flavors/p1", token=ADMIN).status_code == 200
    assert "p1" in [f["id"] for f in cloud.request("GET", "/v2.1/flavors?is_public=none", token=ADMIN).json()["flavors"]]
    assert [f["id"] for f in cloud.request("GET", "/v2.1/flavors?is_public=false", token=ADMIN).json()["flavors"]] == ["p1"]
    empty = validate(access_schemas.add_remove_list_flavor_access, cloud.request("GET", "/v2.1/flavors/p1/os-flavor-access", token=ADMIN))
    assert empty == {"flavor_access": []}
    added = cloud.request("POST", "/v2.1/flavors/p1/action", token=ADMIN, json={"addTenantAccess": {"tenant": OTHER_PROJECT}})
    assert validate(access_schemas.add_remove_list_flavor_access, added) == {
        "flavor_access": [{"flavor_id": "p1", "tenant_id": OTHER_PROJECT}]}
    assert cloud.request("GET", "/v2.1/flavors/p1", token=OTHER).status_code == 200
    assert "p1" in [f["id"] for f in cloud.request("GET", "/v2.1/flavors", token=OTHER).json()["flavors"]]
    assert_fault(cloud.request("POST", "/v2.1/flavors/p1/action", token=ADMIN, json={"addTenantAccess": {"tenant": OTHER_PROJECT}}), 409)
    assert_fault(cloud.request("POST", "/v2.1/flavors/p1/action", token=OTHER, json={"addTenantAccess": {"tenant": PROJECT}}), 403)
    removed = cloud.request("POST", "/v2.1/flavors/p1/action", token=ADMIN, json={"removeTenantAccess": {"tenant": OTHER_PROJECT}})
    assert validate(access_schemas.add_remove_list_flavor_access, removed) == {"flavor_access": []}
    assert_fault(cloud.request("POST", "/v2.1/flavors/p1/action", token=ADMIN, json={"removeTenantAccess": {"tenant": OTHER_PROJECT}}), 404)
    assert_fault(cloud.request("GET", "/v2.1/flavors/p1", token=OTHER), 404)
    assert_fault(cloud.request("GET", "/v2.1/flavors/1/os-flavor-access", token=ADMIN), 404, "Access list not available for public flavors.")
    assert_fault(cloud.request("POST", "/v2.1/flavors/1/action", token=ADMIN, version="2.7", json={"addTenantAccess": {"tenant": "x"}}),
                 409, "Can not add access to a public flavor.")
    assert cloud.request("POST", "/v2.1/flavors/1/action", token=ADMIN, version="2.6", json={"addTenantAccess": {"tenant": "x"}}).status_code \
        == 200


def test_extra_specs(cloud):
    base = "/v2.1/flavors/1/os-extra_specs"
    created = cloud.request("POST", base, token=ADMIN, json={"extra_specs": {"hw:cpu_policy": "shared", "quota:disk_read_iops_sec": 100}})
    assert validate(specs_schemas.set_get_flavor_extra_specs, created) == {
        "extra_specs": {"hw:cpu_policy": "shared", "quota:disk_read_iops_sec": "100"}}
    listed = validate(specs_schemas.set_get_flavor_extra_specs, cloud.request("GET", base, token=USER))
    assert listed["extra_specs"]["hw:cpu_policy"] == "shared"
    one = validate(specs_schemas.set_get_flavor_extra_specs_key, cloud.request("GET", f"{base}/hw:cpu_policy", token=USER))
    assert one == {"hw:cpu_policy": "shared"}
    updated = cloud.request("PUT", f"{base}/hw:cpu_policy", token=ADMIN, json={"hw:cpu_policy": "dedicated"})
    assert validate(specs_schemas.set_get_flavor_extra_specs_key, updated) == {"hw:cpu_policy": "dedicated"}
    assert_fault(cloud.request("PUT", f"{base}/hw:cpu_policy", token=ADMIN, json={"other": "x"}), 400, "Request body and URI mismatch")
    assert_fault(cloud.request("POST", base, token=USER, json={"extra_specs": {"a": "b"}}), 403)
    assert_fault(cloud.request("POST", base, token=ADMIN, json={"extra_specs": {"bad/key": "b"}}), 400)
    assert "extra_specs" in cloud.request("GET", "/v2.1/flavors/1", version="2.61").json()["flavor"]
    assert cloud.request("GET", "/v2.1/flavors/1", version="2.61").json()["flavor"]["extra_specs"]["hw:cpu_policy"] == "dedicated"
    assert "extra_specs" not in cloud.request("GET", "/v2.1/flavors/1", version="2.60").json()["flavor"]
    details = cloud.request("GET", "/v2.1/flavors/detail", version="2.61").json()["flavors"]
    assert details[0]["extra_specs"]["hw:cpu_policy"] == "dedicated" and details[1]["extra_specs"] == {}
    validate(specs_schemas.unset_flavor_extra_specs, cloud.request("DELETE", f"{base}/hw:cpu_policy", token=ADMIN))
    assert_fault(cloud.request("GET", f"{base}/hw:cpu_policy", token=USER), 404)
    assert_fault(cloud.request("DELETE", f"{base}/hw:cpu_policy", token=ADMIN), 404)

"""Issue 11: os-aggregates (hosts, metadata, availability zones, 2.41 uuids, 2.81 image cache) and the zones
they define — listed by os-availability-zone and chosen at server create — validated against tempest's schemas."""
import uuid

import pytest
from tempest.lib.api_schema.response.compute.v2_1 import availability_zone as az_schema
from tempest.lib.services.compute.aggregates_client import AggregatesClient

from conftest import ADMIN, assert_fault, validate
from servers import create, pick, show, wait


@pytest.fixture
def cloud(novakit):
    return novakit("--compute-step-delay", "5", "--compute-host", "node-a:8:16384:200", "--compute-host", "node-b:8:16384:200",
                   admin_password="pw")


def schema(version=None):
    return pick(AggregatesClient.schema_versions_info, version)


def call(cloud, method, path, version=None, **body):
    return cloud.request(method, f"/v2.1/os-aggregates{path}", token=ADMIN, version=version, json=body or None)


@pytest.mark.parametrize("version", [None, "2.41"])
def test_aggregate_lifecycle(cloud, version):
    created = validate(schema(version).create_aggregate, call(cloud, "POST", "", version, aggregate={"name": "rack1"}))["aggregate"]
    assert created["name"] == "rack1" and created["availability_zone"] is None and "hosts" not in created
    assert ("uuid" in created) == (version == "2.41")
    path = f"/{created['id']}"
    shown = validate(schema(version).get_aggregate, call(cloud, "GET", path, version))["aggregate"]
    assert (shown["hosts"], shown["metadata"]) == ([], {})
    added = validate(schema(version).aggregate_add_remove_host,
                     call(cloud, "POST", f"{path}/action", version, add_host={"host": "node-a"}))["aggregate"]
    assert added["hosts"] == ["node-a"]
    assert_fault(call(cloud, "POST", f"{path}/action", version, add_host={"host": "node-a"}), 409)
    assert_fault(call(cloud, "POST", f"{path}/action", version, add_host={"host": "nowhere"}), 404)
    meta = validate(schema(version).aggregate_set_metadata,
                    call(cloud, "POST", f"{path}/action", version, set_metadata={"metadata": {"ssd": "true", "gone": None}}))
    assert meta["aggregate"]["metadata"] == {"ssd": "true"}
    updated = validate(schema(version).update_aggregate, call(cloud, "PUT", path, version, aggregate={"name": "rack-one"}))["aggregate"]
    assert updated["name"] == "rack-one" and updated["updated_at"]
    listed = validate(schema(version).list_aggregates, call(cloud, "GET", "", version))["aggregates"]
    assert [a["name"] for a in listed] == ["rack-one"]
    assert_fault(call(cloud, "DELETE", path, version), 400)  # not empty
    removed = validate(schema(version).aggregate_add_remove_host,
                       call(cloud, "POST", f"{path}/action", version, remove_host={"host": "node-a"}))["aggregate"]
    assert removed["hosts"] == []
    assert_fault(call(cloud, "POST", f"{path}/action", version, remove_host={"host": "node-a"}), 404)
    validate(schema(version).delete_aggregate, call(cloud, "DELETE", path, version))
    assert_fault(call(cloud, "GET", path, version), 404)


def test_aggregate_validation_and_policy(cloud):
    call(cloud, "POST", "", aggregate={"name": "dup"})
    assert_fault(call(cloud, "POST", "", aggregate={"name": "dup"}), 409)
    for bad in [{"name": ""}, {"name": "x" * 256}, {}, {"name": "z", "availability_zone": ""}]:
        assert_fault(call(cloud, "POST", "", aggregate=bad), 400)
    assert_fault(call(cloud, "GET", "/-1"), 404)
    assert_fault(call(cloud, "DELETE", "/-1"), 404)
    assert_fault(call(cloud, "GET", "/abc"), 404)
    assert_fault(cloud.request("GET", "/v2.1/os-aggregates"), 403)
    assert_fault(cloud.request("POST", "/v2.1/os-aggregates", json={"aggregate": {"name": "mine"}}), 403)


def test_zones_from_aggregates(cloud):
    zone = validate(schema().create_aggregate, call(cloud, "POST", "", aggregate={"name": "az1", "availability_zone": "zone-1"}))["aggregate"]
    assert zone["availability_zone"] == "zone-1"
    call(cloud, "POST", f"/{zone['id']}/action", add_host={"host": "node-b"})
    listed = validate(az_schema.list_availability_zone_list, cloud.request("GET", "/v2.1/os-availability-zone"))["availabilityZoneInfo"]
    assert sorted(z["zoneName"] for z in listed) == ["nova", "zone-1"]
    detail = cloud.request("GET", "/v2.1/os-availability-zone/detail", token=ADMIN).json()["availabilityZoneInfo"]
    assert {z["zoneName"]: sorted(z["hosts"]) for z in detail}["zone-1"] == ["node-b"]
    services = cloud.request("GET", "/v2.1/os-services?binary=nova-compute", token=ADMIN).json()["services"]
    assert {s["host"]: s["zone"] for s in services} == {"node-a": "nova", "node-b": "zone-1"}
    in_zone = create(cloud, name="zoned", availability_zone="zone-1")
    wait(cloud, in_zone, "ACTIVE")
    view = show(cloud, in_zone, token=ADMIN)
    assert (view["OS-EXT-SRV-ATTR:host"], view["OS-EXT-AZ:availability_zone"]) == ("node-b", "zone-1")
    # An unpinned server shows its host's zone, and no pinned zone (2.96).
    beside = cloud.request("POST", "/v2.1/servers", version="2.37", json={
        "server": {"name": "beside", "imageRef": cloud.request("GET", "/v2.1/images").json()["images"][0]["id"], "flavorRef": "1",
                   "networks": "none"}, "os:scheduler_hints": {"same_host": in_zone}}).json()["server"]["id"]
    wait(cloud, beside, "ACTIVE")
    unpinned = show(cloud, beside, version="2.96")
    assert (unpinned["OS-EXT-AZ:availability_zone"], unpinned["pinned_availability_zone"]) == ("zone-1", None)
    assert show(cloud, in_zone, version="2.96")["pinned_availability_zone"] == "zone-1"
    listed = cloud.request("GET", "/v2.1/servers/detail?name=beside").json()["servers"]
    assert [s["OS-EXT-AZ:availability_zone"] for s in listed] == ["zone-1"]
    default = create(cloud, name="default", availability_zone="nova")
    wait(cloud, default, "ACTIVE")
    assert show(cloud, default, token=ADMIN)["OS-EXT-SRV-ATTR:host"] == "node-a"
    image = cloud.request("GET", "/v2.1/images").json()["images"][0]["id"]
    assert_fault(cloud.request("POST", "/v2.1/servers", version="2.37", json={"server": {
        "name": "x", "imageRef": image, "flavorRef": "1", "networks": "none", "availability_zone": "zone-9"}}), 400)
    # A host cannot sit in two zones; the internal zone is not an aggregate's.
    other = call(cloud, "POST", "", aggregate={"name": "az2", "availability_zone": "zone-2"}).json()["aggregate"]
    assert_fault(call(cloud, "POST", f"/{other['id']}/action", add_host={"host": "node-b"}), 400)
    assert_fault(call(cloud, "POST", "", aggregate={"name": "bad", "availability_zone": "internal"}), 400)


def test_image_cache_2_81(cloud):
    aggregate = call(cloud, "POST", "", aggregate={"name": "cache"}).json()["aggregate"]
    image = cloud.request("GET", "/v2.1/images").json()["images"][0]["id"]
    cached = call(cloud, "POST", f"/{aggregate['id']}/images", "2.81", cache=[{"id": image}])
    assert cached.status_code == 202 and cached.text == ""
    assert_fault(call(cloud, "POST", f"/{aggregate['id']}/images", "2.81", cache=[{"id": str(uuid.uuid4())}]), 404)
    assert_fault(call(cloud, "POST", f"/{aggregate['id']}/images", "2.81", cache=[]), 400)
    assert_fault(call(cloud, "POST", f"/{aggregate['id']}/images", "2.80", cache=[{"id": image}]), 404)

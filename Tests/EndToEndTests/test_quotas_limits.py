"""Issue 5: os-quota-sets and limits, by microversion, with admin-only updates."""
import pytest
from tempest.lib.api_schema.response.compute.v2_1 import limits as limits21
from tempest.lib.api_schema.response.compute.v2_1 import quotas as quotas21
from tempest.lib.api_schema.response.compute.v2_36 import limits as limits236
from tempest.lib.api_schema.response.compute.v2_36 import quotas as quotas236
from tempest.lib.api_schema.response.compute.v2_39 import limits as limits239
from tempest.lib.api_schema.response.compute.v2_57 import limits as limits257
from tempest.lib.api_schema.response.compute.v2_57 import quotas as quotas257

from conftest import ADMIN, OTHER_PROJECT, PROJECT, USER, assert_fault, validate

Q = f"/v2.1/os-quota-sets/{PROJECT}"


@pytest.mark.parametrize("version,schemas", [(None, quotas21), ("2.36", quotas236), ("2.57", quotas257)])
def test_quota_sets_by_version(cloud, version, schemas):
    shown = validate(schemas.get_quota_set, cloud.request("GET", Q, version=version))["quota_set"]
    assert shown["id"] == PROJECT and shown["instances"] == 10 and shown["key_pairs"] == 100 and shown["ram"] == 51200
    assert ("floating_ips" in shown) == (version is None)
    assert ("injected_files" in shown) == (version != "2.57")
    detail = validate(schemas.get_quota_set_details, cloud.request("GET", f"{Q}/detail", version=version))["quota_set"]
    assert detail["key_pairs"] == {"in_use": 0, "limit": 100, "reserved": 0}
    defaults = validate(schemas.get_quota_set, cloud.request("GET", f"{Q}/defaults", version=version))["quota_set"]
    assert defaults["cores"] == 20
    updated = cloud.request("PUT", Q, token=ADMIN, version=version, json={"quota_set": {"instances": 50, "cores": -1}})
    body = validate(schemas.update_quota_set, updated)["quota_set"]
    assert body["instances"] == 50 and body["cores"] == -1 and "id" not in body
    assert cloud.request("GET", Q, version=version).json()["quota_set"]["instances"] == 50
    validate(schemas.delete_quota, cloud.request("DELETE", Q, token=ADMIN, version=version))
    assert cloud.request("GET", Q, version=version).json()["quota_set"]["instances"] == 10


def test_quota_updates_are_admin_only_and_validated(cloud):
    assert_fault(cloud.request("PUT", Q, json={"quota_set": {"instances": 5}}), 403,
                 "Policy doesn't allow os_compute_api:os-quota-sets:update to be performed.")
    assert_fault(cloud.request("DELETE", Q), 403)
    assert_fault(cloud.request("GET", f"/v2.1/os-quota-sets/{OTHER_PROJECT}"), 403)
    assert cloud.request("GET", f"/v2.1/os-quota-sets/{OTHER_PROJECT}", token=ADMIN).status_code == 200
    assert cloud.request("GET", f"/v2.1/os-quota-sets/{OTHER_PROJECT}/defaults").status_code == 200
    assert_fault(cloud.request("PUT", Q, token=ADMIN, json={"quota_set": {"colors": 5}}), 400)
    assert_fault(cloud.request("PUT", Q, token=ADMIN, json={"quota_set": {"instances": -2}}), 400)
    assert_fault(cloud.request("PUT", Q, token=ADMIN, version="2.57", json={"quota_set": {"injected_files": 1}}), 400)
    cloud.request("POST", "/v2.1/os-keypairs", json={"keypair": {"name": "k"}})
    cloud.request("POST", "/v2.1/os-keypairs", json={"keypair": {"name": "l"}})
    assert_fault(cloud.request("PUT", f"{Q}?user_id=alice", token=ADMIN, json={"quota_set": {"key_pairs": 1}}), 400,
                 "Quota limit 1 for key_pairs must be greater than or equal to already used and reserved 2.")
    forced = cloud.request("PUT", Q, token=ADMIN, json={"quota_set": {"key_pairs": 1, "force": True}})
    assert forced.status_code == 200 and forced.json()["quota_set"]["key_pairs"] == 1
    assert cloud.request("GET", f"{Q}/detail").json()["quota_set"]["key_pairs"] == {"in_use": 2, "limit": 1, "reserved": 0}
    assert_fault(cloud.request("POST", "/v2.1/os-keypairs", json={"keypair": {"name": "m"}}), 403,
                 "Quota exceeded for key_pairs: Requested 1, but already used 2 of 1 key_pairs")


@pytest.mark.parametrize("version,schema", [(None, limits21), ("2.36", limits236), ("2.39", limits239), ("2.57", limits257)])
def test_limits_by_version(cloud, version, schema):
    absolute = validate(schema.get_limit, cloud.request("GET", "/v2.1/limits", version=version))["limits"]["absolute"]
    assert absolute["maxTotalInstances"] == 10 and absolute["maxTotalKeypairs"] == 100 and absolute["totalInstancesUsed"] == 0
    assert ("maxTotalFloatingIps" in absolute) == (version is None)
    assert ("maxImageMeta" in absolute) == (version in (None, "2.36"))
    assert ("maxPersonality" in absolute) == (version != "2.57")


def test_limits_follow_quotas_and_tenant_id_is_admin_only(cloud):
    cloud.request("PUT", f"/v2.1/os-quota-sets/{OTHER_PROJECT}", token=ADMIN, json={"quota_set": {"instances": 3}})
    assert cloud.request("GET", f"/v2.1/limits?tenant_id={OTHER_PROJECT}", token=ADMIN).json()["limits"]["absolute"]["maxTotalInstances"] == 3
    assert cloud.request("GET", f"/v2.1/limits?tenant_id={OTHER_PROJECT}", token=USER).json()["limits"]["absolute"]["maxTotalInstances"] == 10
    assert cloud.request("GET", "/v2.1/limits", token=f"bob:{OTHER_PROJECT}").json()["limits"]["absolute"]["maxTotalInstances"] == 3


def test_concurrent_creates_stop_exactly_at_the_instance_quota(novakit):
    """Usage is counted in the same transaction as the insert: of many simultaneous creates against a quota
    of 3, exactly 3 are accepted, the rest refused with 403, and usage ends exactly at the limit."""
    from concurrent.futures import ThreadPoolExecutor

    from servers import image_id

    cloud = novakit(admin_password="pw")
    cloud.request("PUT", Q, token=ADMIN, json={"quota_set": {"instances": 3}})
    image = image_id(cloud)

    def create(index):
        body = {"server": {"name": f"race{index}", "imageRef": image, "flavorRef": "1", "networks": "none"}}
        return cloud.request("POST", "/v2.1/servers", version="2.37", json=body)

    with ThreadPoolExecutor(max_workers=12) as pool:
        responses = list(pool.map(create, range(12)))
    assert sorted(r.status_code for r in responses) == [202] * 3 + [403] * 9
    for refused in (r for r in responses if r.status_code == 403):
        assert_fault(refused, 403)
        assert "Quota exceeded for instances" in refused.json()["forbidden"]["message"]
    absolute = cloud.request("GET", "/v2.1/limits").json()["limits"]["absolute"]
    assert absolute["totalInstancesUsed"] == 3
    assert len(cloud.request("GET", "/v2.1/servers").json()["servers"]) == 3


@pytest.mark.parametrize("version", [None, "2.50", "2.57"])
def test_quota_class_sets_by_version_and_the_default_class_drives_project_defaults(cloud, version):
    from tempest.lib.services.compute.quota_classes_client import QuotaClassesClient

    from servers import pick

    schemas = pick(QuotaClassesClient.schema_versions_info, version)
    shown = validate(schemas.get_quota_class_set,
                     cloud.request("GET", "/v2.1/os-quota-class-sets/default", token=ADMIN, version=version))["quota_class_set"]
    assert shown["id"] == "default" and shown["instances"] == 10 and shown["cores"] == 20
    assert ("server_groups" in shown) == (version is not None)
    assert ("floating_ips" in shown) == (version is None)
    assert ("injected_files" in shown) == (version != "2.57")
    updated = validate(schemas.update_quota_class_set,
                       cloud.request("PUT", "/v2.1/os-quota-class-sets/default", token=ADMIN, version=version,
                                     json={"quota_class_set": {"instances": "25", "cores": 40}}))["quota_class_set"]
    assert updated["instances"] == 25 and updated["cores"] == 40 and "id" not in updated
    # Every project without its own value now falls back to the class.
    assert cloud.request("GET", f"{Q}/defaults").json()["quota_set"]["instances"] == 25
    assert cloud.request("GET", Q).json()["quota_set"]["instances"] == 25
    assert cloud.request("GET", "/v2.1/limits").json()["limits"]["absolute"]["maxTotalCores"] == 40
    cloud.request("PUT", Q, token=ADMIN, json={"quota_set": {"instances": 7}})
    assert cloud.request("GET", Q).json()["quota_set"]["instances"] == 7
    # Another class starts from the default class and keeps its own values.
    gold = cloud.request("PUT", "/v2.1/os-quota-class-sets/gold", token=ADMIN, version=version,
                         json={"quota_class_set": {"ram": 1024}}).json()["quota_class_set"]
    assert gold["ram"] == 1024 and gold["instances"] == 25
    assert cloud.request("GET", f"{Q}/defaults").json()["quota_set"]["ram"] == 51200
    assert_fault(cloud.request("GET", "/v2.1/os-quota-class-sets/default", version=version), 403)
    assert_fault(cloud.request("PUT", "/v2.1/os-quota-class-sets/default", version=version,
                               json={"quota_class_set": {"instances": 1}}), 403)
    assert_fault(cloud.request("PUT", "/v2.1/os-quota-class-sets/default", token=ADMIN, version=version,
                               json={"quota_class_set": {"instances": -2}}), 400)
    assert_fault(cloud.request("PUT", "/v2.1/os-quota-class-sets/default", token=ADMIN, version=version,
                               json={"quota_class_set": {"colors": 1}}), 400)

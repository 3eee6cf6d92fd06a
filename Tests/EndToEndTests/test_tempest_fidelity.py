"""Issue 11: behaviour tempest's compute suite found missing, each checked against tempest's schema for the
call at the microversions that change it."""
import base64
import hashlib

import pytest
from tempest.lib.api_schema.response.compute.v2_2 import keypairs as keypairs22
from tempest.lib.services.compute.servers_client import ServersClient

from conftest import ADMIN, assert_fault, validate
from servers import action, create, pick, show, wait


@pytest.fixture
def cloud(novakit):
    return novakit("--compute-step-delay", "5", admin_password="pw")


def test_x509_keypairs_are_generated_before_2_92(cloud):
    created = validate(keypairs22.create_keypair, cloud.request(
        "POST", "/v2.1/os-keypairs", version="2.2", json={"keypair": {"name": "cert", "type": "x509"}}))["keypair"]
    assert created["type"] == "x509"
    assert created["public_key"].startswith("-----BEGIN CERTIFICATE-----")
    assert "PRIVATE KEY-----" in created["private_key"]
    der = base64.b64decode("".join(created["public_key"].strip().splitlines()[1:-1]))
    assert created["fingerprint"] == ":".join(f"{b:02x}" for b in hashlib.sha1(der).digest())
    shown = validate(keypairs22.get_keypair, cloud.request("GET", "/v2.1/os-keypairs/cert", version="2.2"))["keypair"]
    assert (shown["type"], shown["public_key"]) == ("x509", created["public_key"])
    # From 2.92 keys are imported only.
    assert_fault(cloud.request("POST", "/v2.1/os-keypairs", version="2.92", json={"keypair": {"name": "c2", "type": "x509"}}), 400)


def test_fqdn_hostnames_from_2_94(cloud):
    fqdn = "x" * 52 + "-guest-test.domaintest.com"
    assert_fault(cloud.request("POST", "/v2.1/servers", version="2.93", json={"server": {
        "name": "fq", "imageRef": cloud.request("GET", "/v2.1/images").json()["images"][0]["id"], "flavorRef": "1",
        "networks": "none", "hostname": fqdn}}), 400)
    server = create(cloud, name="fq", version="2.94", hostname=fqdn)
    wait(cloud, server, "ACTIVE")
    assert show(cloud, server, token=ADMIN, version="2.94")["OS-EXT-SRV-ATTR:hostname"] == fqdn
    long_name = ".".join(["a" * 60] * 4) + ".example"  # 252 characters
    updated = cloud.request("PUT", f"/v2.1/servers/{server}", version="2.94", json={"server": {"hostname": long_name}})
    assert updated.status_code == 200, updated.text
    too_long = ".".join(["a" * 63] * 4) + ".example"
    assert_fault(cloud.request("PUT", f"/v2.1/servers/{server}", version="2.94", json={"server": {"hostname": too_long}}), 400)


@pytest.mark.parametrize("version", [None, "2.26", "2.75"])
def test_rebuild_and_update_responses_with_addresses(cloud, version):
    """Before 2.75 update and rebuild answer with the basic view, whose addresses carry no OS-EXT-IPS fields."""
    schema = pick(ServersClient.schema_versions_info, version)
    server = create(cloud, name="addressed", networks="auto")
    wait(cloud, server, "ACTIVE")
    image = cloud.request("GET", "/v2.1/images").json()["images"][0]["id"]
    rebuilt = validate(schema.rebuild_server_with_admin_pass,
                       action(cloud, server, {"rebuild": {"imageRef": image, "adminPass": "pw"}}, version=version))["server"]
    address = next(iter(rebuilt["addresses"].values()))[0]
    assert ("OS-EXT-IPS:type" in address) == (version == "2.75")
    wait(cloud, server, "ACTIVE")
    updated = validate(schema.update_server, cloud.request("PUT", f"/v2.1/servers/{server}", version=version,
                                                           json={"server": {"name": "renamed"}}))["server"]
    assert updated["name"] == "renamed" and next(iter(updated["addresses"].values()))[0]["addr"] == address["addr"]


def test_blank_member_ids_are_not_found(cloud):
    assert_fault(cloud.request("GET", "/v2.1/os-simple-tenant-usage/?start=2026-01-01T00:00:00", token=ADMIN), 404)
    assert_fault(cloud.request("DELETE", "/v2.1/images/"), 404)
    assert_fault(cloud.request("GET", "/v2.1/flavors/"), 404)
    assert cloud.request("GET", "/v2.1/").status_code == 200

"""No client mistake may crash the server or produce a 500: random requests against every listener."""
import json
import random

import requests

from conftest import ADMIN, PROJECT, USER
from identity import ADMIN_PASSWORD

PATHS = [
    "/", "/v2", "/v2.1/", f"/v2/{PROJECT}/os-documents", "/v2.1/os-documents/1", "/v2.1/os-documents/%00", "/v2.1/os-documents/1/action",
    "/v2.1/extensions", "/v2.1/extensions/os-documents", "/v2.1/flavors", "/v2.1/flavors/detail?limit=x&marker=%ff", "/v2.1/flavors/1",
    "/v2.1/flavors/1/action", "/v2.1/flavors/1/os-extra_specs", "/v2.1/flavors/1/os-extra_specs/a:b", "/v2.1/flavors/1/os-flavor-access",
    "/v2.1/os-keypairs", "/v2.1/os-keypairs/k?user_id=x", f"/v2.1/os-quota-sets/{PROJECT}", f"/v2.1/os-quota-sets/{PROJECT}/detail",
    "/v2.1/limits?tenant_id=", "/v2.1/images", "/v2.1/images/detail?limit=-5", "/v2.1/images/x", "/v2.1//os-documents", "/v2.1/../etc",
]
BODIES = [
    None, b"", b"{", b"[]", b"null", b"42", b'"x"', b"\xff\xfe", b'{"a": {"b": [1, 2, {"c": null}]}}', json.dumps({"x" * 300: 1}).encode(),
    b'{"flavor": {"name": "f", "ram": 1e400, "vcpus": -1, "disk": "a"}}', b'{"keypair": {"name": "", "public_key": 5}}',
    b'{"quota_set": {"instances": 99999999999999999999}}', b'{"addTenantAccess": {"tenant": []}}', b'{"extra_specs": {"": ""}}',
    b'{"name": "' + b"\xc3\xa9" * 50 + b'"}', b'{"id": -1, "name": "x"}', b'{"id": 1.0, "name": "x"}',
]
HEADERS = [
    {}, {"Content-Type": "application/json"}, {"Content-Type": "text/xml"}, {"OpenStack-API-Version": "compute 2.1000000000000000000000"},
    {"X-OpenStack-Nova-API-Version": "-1.-1"}, {"OpenStack-API-Version": "compute"}, {"Content-Type": "application/json; charset=latin1"},
]


def test_random_requests_never_500(novakit):
    server = novakit(admin_password=ADMIN_PASSWORD)
    rng = random.Random(20261125)
    statuses = set()
    for _ in range(400):
        method = rng.choice(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"])
        headers = {"X-Auth-Token": rng.choice([USER, ADMIN, "", "a:b:c", "\u00e9"]), **rng.choice(HEADERS)}
        try:
            headers["X-Auth-Token"].encode("latin-1")
        except UnicodeEncodeError:
            headers["X-Auth-Token"] = "x"
        response = requests.request(method, server.base + rng.choice(PATHS), data=rng.choice(BODIES), headers=headers, timeout=10)
        assert response.status_code < 500, (method, response.request.url, response.text)
        if method != "HEAD" and response.status_code >= 400:
            body = response.json()
            assert len(body) == 1 and "message" in next(iter(body.values()))
        statuses.add(response.status_code)
    assert server.process.poll() is None
    assert {200, 400, 404}.issubset(statuses)


def test_random_identity_and_image_requests_never_500(novakit):
    server = novakit(auth="keystone", admin_password=ADMIN_PASSWORD)
    rng = random.Random(7)
    token = requests.post(server.identity + "/v3/auth/tokens", json={"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"name": "admin", "domain": {"id": "default"}, "password": ADMIN_PASSWORD}}}, "scope": {"project": {
            "name": "admin", "domain": {"id": "default"}}}}}, timeout=30).headers["X-Subject-Token"]
    identity_paths = ["/", "/v3", "/v3/auth/tokens", "/v3/auth/tokens?nocatalog", "/v3/users", "/v3/users/x", "/v3/projects?name=",
                      "/v3/roles", "/v3/projects/a/users/b/roles/c", "/v3/role_assignments?user.id=", "/v3/endpoints", "/v3/nothing"]
    identity_bodies = BODIES + [b'{"auth": {"identity": {"methods": ["password"], "password": {"user": "x"}}}}',
                                b'{"auth": {"identity": {"methods": ["token"], "token": {"id": 5}}, "scope": "x"}}',
                                b'{"auth": {"identity": {"methods": []}}}', b'{"user": {"name": 5}}', b'{"project": {"name": ""}}']
    for base, paths, bodies in [(server.identity, identity_paths, identity_bodies),
                                (server.image, ["/", "/versions", "/v2/images", "/v2/images?limit=x", "/v2/images/x",
                                                "/v2/images/x/file", "/v2/other"], BODIES)]:
        for _ in range(200):
            method = rng.choice(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"])
            headers = {"X-Auth-Token": rng.choice([token, "", "bogus"]), "X-Subject-Token": rng.choice([token, "", "bogus"]),
                       **rng.choice(HEADERS)}
            response = requests.request(method, base + rng.choice(paths), data=rng.choice(bodies), headers=headers, timeout=30)
            assert response.status_code < 500 or response.status_code == 501, (method, response.request.url, response.text)
    assert server.process.poll() is None


def test_random_requests_on_the_deployment_apis_never_500(novakit):
    """The same over the APIs issue 11 added, against real ids: services, hypervisors, hosts, aggregates,
    server groups, networks, security groups, consoles and the newer server actions."""
    from servers import create, wait

    cloud = novakit("--compute-step-delay", "5", "--compute-host", "node-a:8:16384:200", "--compute-host", "node-b:8:16384:200",
                    admin_password=ADMIN_PASSWORD)
    server = create(cloud, name="target", networks="auto")
    wait(cloud, server, "ACTIVE")
    aggregate = cloud.request("POST", "/v2.1/os-aggregates", token=ADMIN, json={"aggregate": {"name": "agg"}}).json()["aggregate"]["id"]
    group = cloud.request("POST", "/v2.1/os-server-groups", json={"server_group": {"name": "g", "policies": ["affinity"]}}).json()
    group = group["server_group"]["id"]
    secgroup = cloud.request("GET", "/v2.1/os-security-groups").json()["security_groups"][0]["id"]
    image = cloud.request("GET", "/v2.1/images").json()["images"][0]["id"]
    paths = [
        "/v2.1/os-services", "/v2.1/os-services/1", "/v2.1/os-services/enable", "/v2.1/os-services/force-down", "/v2.1/os-hypervisors",
        "/v2.1/os-hypervisors/detail?limit=x", "/v2.1/os-hypervisors/1", "/v2.1/os-hypervisors/1/uptime", "/v2.1/os-hypervisors/%25/search",
        "/v2.1/os-hypervisors/node/servers", "/v2.1/os-hypervisors/statistics", "/v2.1/os-hosts", "/v2.1/os-hosts/node-a",
        "/v2.1/os-hosts/node-a/reboot", f"/v2.1/os-aggregates/{aggregate}", f"/v2.1/os-aggregates/{aggregate}/action",
        f"/v2.1/os-aggregates/{aggregate}/images", "/v2.1/os-aggregates", f"/v2.1/os-server-groups/{group}", "/v2.1/os-server-groups",
        "/v2.1/os-networks", "/v2.1/os-tenant-networks/x", f"/v2.1/os-security-groups/{secgroup}", "/v2.1/os-security-group-rules",
        "/v2.1/os-security-group-rules/x", f"/v2.1/servers/{server}/action", f"/v2.1/servers/{server}/remote-consoles",
        f"/v2.1/servers/{server}/migrations", f"/v2.1/servers/{server}/migrations/1", f"/v2.1/servers/{server}/migrations/1/action",
        f"/v2.1/servers/{server}/os-security-groups", "/v2.1/os-console-auth-tokens/x", f"/v2.1/images/{image}/metadata",
        f"/v2.1/images/{image}/metadata/k", "/v2.1/servers", "/v2.1/os-availability-zone/detail",
    ]
    bodies = BODIES + [json.dumps(body).encode() for body in [
        {"os-migrateLive": {"host": 5, "block_migration": "maybe"}}, {"evacuate": {"host": ["x"]}}, {"shelve": None}, {"unshelve": {"host": 5}},
        {"unshelve": []}, {"rescue": []}, {"rescue": {"rescue_image_ref": 7}}, {"os-getConsoleOutput": {"length": "x"}},
        {"os-getVNCConsole": {"type": None}}, {"remote_console": {"protocol": "vnc", "type": "novnc"}}, {"remote_console": "x"},
        {"aggregate": {"name": None}}, {"add_host": {"host": 5}}, {"set_metadata": {"metadata": []}}, {"remove_host": {}},
        {"server_group": {"name": "x", "policies": "affinity"}}, {"security_group_rule": {"parent_group_id": None, "from_port": 1e99}},
        {"security_group": {"name": ["x"], "description": 1}}, {"addSecurityGroup": {"name": None}}, {"removeSecurityGroup": None},
        {"status": "disabled", "disabled_reason": 5}, {"host": "node-a", "binary": "nova-compute", "forced_down": "sideways"},
        {"cache": [{"id": None}]}, {"metadata": {"k": None}}, {"meta": {"k": []}}, {"force_complete": {}}, {"trigger_crash_dump": 1},
        {"server": {"name": "s", "imageRef": image, "flavorRef": "1", "networks": [{"uuid": 5}]}, "os:scheduler_hints": {"same_host": 5}},
    ]]
    rng = random.Random(20261126)
    for _ in range(400):
        method = rng.choice(["GET", "POST", "PUT", "DELETE"])
        headers = {"X-Auth-Token": rng.choice([USER, ADMIN]), **rng.choice(HEADERS)}
        if rng.random() < 0.5:
            headers["OpenStack-API-Version"] = f"compute 2.{rng.choice([1, 6, 11, 25, 53, 64, 77, 91, 95])}"
        response = requests.request(method, cloud.base + rng.choice(paths), data=rng.choice(bodies), headers=headers, timeout=10)
        assert response.status_code < 500, (method, response.request.url, response.request.body, response.text)
    for _ in range(30):
        response = requests.put(f"{cloud.image}/v2/images/{rng.choice([image, 'x'])}/file", data=rng.randbytes(rng.randint(0, 4096)),
                                headers={"X-Auth-Token": rng.choice([USER, ADMIN]), "Content-Type": "application/octet-stream"}, timeout=10)
        assert response.status_code < 500, response.text
    assert cloud.process.poll() is None

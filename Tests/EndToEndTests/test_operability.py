"""Issue 13: what an operator probes and relies on — health checks, hardening headers, the list limit,
password lockout, JSON logs, secrets kept out of the log, and the admin-password reset logged."""
import json
import os
import subprocess
import time
from pathlib import Path

import requests

from conftest import BINARY, POSTGRES_URL, REQUEST_ID, Database, assert_fault, run_cli
from identity import Identity, assert_keystone_error, password_auth

LISTENERS = ("base", "identity", "image", "network")


def health(server, listener="base", method="GET", headers=None):
    return requests.request(method, getattr(server, listener) + "/healthcheck", headers=headers or {}, timeout=10)


def test_healthcheck_answers_on_every_listener_as_oslo_does(cloud):
    for listener in LISTENERS:
        response = health(cloud, listener)
        assert response.status_code == 200, (listener, response.text)
        assert response.text == "OK"
        assert response.headers["Content-Type"].startswith("text/plain")
        assert REQUEST_ID.match(response.headers["x-openstack-request-id"])
        head = health(cloud, listener, method="HEAD")
        assert head.status_code == 204 and head.content == b""
        detailed = health(cloud, listener, headers={"Accept": "application/json"})
        assert detailed.status_code == 200 and detailed.json() == {"detailed": False, "reasons": ["OK"]}
    # No token needed, and other methods are not the health check.
    assert cloud.request("POST", "/healthcheck", token=None).status_code in (404, 405)


def test_disable_file_drains_the_node_and_removing_it_brings_it_back(novakit, tmp_path):
    disable = tmp_path / "healthcheck_disable"
    server = novakit("--healthcheck-disable-file", str(disable))
    assert health(server).status_code == 200
    disable.write_text("")
    for listener in LISTENERS:
        response = health(server, listener)
        assert response.status_code == 503 and response.text == "DISABLED BY FILE", listener
    assert health(server, method="HEAD").status_code == 503
    # Draining refuses only the probe: requests the balancer still sends are served.
    assert server.request("GET", "/v2.1/flavors").status_code == 200
    disable.unlink()
    assert health(server).status_code == 200


def test_unreachable_database_makes_the_node_unhealthy_until_it_is_back(novakit, tmp_path):
    server = novakit()
    assert health(server).text == "OK"
    if POSTGRES_URL:
        name = server.db.name
        Database._psql(POSTGRES_URL, f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
        Database._psql(POSTGRES_URL, f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        restore = f"ALTER DATABASE {name} ALLOW_CONNECTIONS true"
        restore_action = lambda: Database._psql(POSTGRES_URL, restore)
    else:
        moved = server.db.path.with_name("moved.sqlite")
        os.rename(server.db.path, moved)
        restore_action = lambda: os.rename(moved, server.db.path)
    try:
        response = health(server)
        assert response.status_code == 503, response.text
        assert "database" in response.text
        assert health(server, headers={"Accept": "application/json"}).json()["reasons"][0] == response.text
    finally:
        restore_action()
    deadline = time.monotonic() + 10
    while health(server).status_code != 200:
        assert time.monotonic() < deadline, health(server).text
        time.sleep(0.2)
    assert server.request("GET", "/v2.1/flavors").status_code == 200


def test_responses_say_nosniff_and_carry_no_server_header(cloud):
    answers = [
        cloud.request("GET", "/", token=None),
        cloud.request("GET", "/v2.1/servers/nope"),
        cloud.request("GET", "/v2.1/servers"),
        requests.get(cloud.identity + "/v3", timeout=10),
        requests.get(cloud.image + "/v2/images", timeout=10),
        requests.get(cloud.network + "/", timeout=10),
        health(cloud),
    ]
    for response in answers:
        assert response.headers.get("X-Content-Type-Options") == "nosniff", response.url
        assert "Server" not in response.headers, response.url


def test_max_limit_bounds_every_page(novakit):
    server = novakit("--max-limit", "2", admin_password="pw")
    all_flavors = novakit(admin_password="pw").request("GET", "/v2.1/flavors").json()["flavors"]
    assert len(all_flavors) > 2
    for query in ("", "?limit=5", "?limit=1000"):
        page = server.request("GET", "/v2.1/flavors" + query).json()
        assert len(page["flavors"]) == 2, query
        assert page["flavors_links"][0]["rel"] == "next"
    assert len(server.request("GET", "/v2.1/flavors?limit=1").json()["flavors"]) == 1
    assert_fault(server.request("GET", "/v2.1/flavors?limit=-1"), 400)


def test_password_lockout_after_repeated_failures(novakit):
    server = novakit("--lockout-failure-attempts", "2", "--lockout-duration", "2", auth="keystone", admin_password="Adm1n-secret")
    identity = Identity(server)
    admin = identity.token()
    _, bob = identity.make_user(admin, "bob", "bob-pw-1", "bobs")
    for _ in range(2):
        assert_keystone_error(identity.issue(password_auth("bob", "wrong", "bobs")), 401)
    locked = assert_keystone_error(identity.issue(password_auth("bob", "bob-pw-1", "bobs")), 401)
    assert locked["message"] == f"The account is locked for user: {bob['id']}."
    # Another user is not affected.
    assert identity.issue(password_auth("admin", "Adm1n-secret", "admin")).status_code == 201
    # An administrator setting a new password ends the lockout.
    assert identity.call("PATCH", f"/users/{bob['id']}", admin, json={"user": {"password": "bob-pw-2"}}).status_code == 200
    assert identity.issue(password_auth("bob", "bob-pw-2", "bobs")).status_code == 201
    # A success clears the count: one failure after it does not lock.
    assert_keystone_error(identity.issue(password_auth("bob", "wrong", "bobs")), 401)
    assert identity.issue(password_auth("bob", "bob-pw-2", "bobs")).status_code == 201
    # Locked again, the lock runs out after the duration.
    for _ in range(2):
        assert_keystone_error(identity.issue(password_auth("bob", "wrong", "bobs")), 401)
    assert_keystone_error(identity.issue(password_auth("bob", "bob-pw-2", "bobs")), 401)
    time.sleep(2.2)
    assert identity.issue(password_auth("bob", "bob-pw-2", "bobs")).status_code == 201
    assert "locked out" in server.logs()


def test_without_lockout_failures_never_lock(novakit):
    server = novakit(auth="keystone", admin_password="Adm1n-secret")
    identity = Identity(server)
    for _ in range(4):
        assert_keystone_error(identity.issue(password_auth("admin", "wrong", "admin")), 401)
    assert identity.issue(password_auth("admin", "Adm1n-secret", "admin")).status_code == 201


def test_json_log_lines_carry_request_id_project_user_route_status_duration(novakit):
    server = novakit("--log-format", "json", auth="keystone", admin_password="Adm1n-secret")
    identity = Identity(server)
    admin = identity.token()
    project = identity.call("GET", "/projects?name=admin", admin).json()["projects"][0]["id"]
    response = server.request("GET", "/v2.1/servers/detail", token=admin)
    assert response.status_code == 200
    missing = server.request("GET", "/v2.1/flavors/nope", token=admin)
    assert missing.status_code == 404
    server.stop()
    lines = [json.loads(line) for line in server.log_path.read_text().splitlines() if line.strip()]
    assert lines and all({"time", "level", "message", "logger"} <= line.keys() for line in lines)
    access = {line.get("request_id"): line for line in lines if "status" in line}
    detail = access[response.headers["x-openstack-request-id"]]
    assert detail["route"] == "/servers/detail" and detail["status"] == 200 and detail["method"] == "GET"
    assert detail["project"] == project and len(detail["user"]) == 32 and float(detail["duration_ms"]) >= 0
    flavor = access[missing.headers["x-openstack-request-id"]]
    assert flavor["route"] == "/flavors/{id}" and flavor["status"] == 404
    tokens = [line for line in lines if line.get("route") == "/v3/auth/tokens"]
    assert tokens and tokens[0]["service"] == "identity"
    assert any(line["message"].startswith("compute API listening") for line in lines)


def test_secrets_never_reach_the_log(novakit):
    """Passwords, tokens and private keys, at debug level, through every listener."""
    admin_password, user_password = "Adm1n-S3cr3t-zq", "Us3r-S3cr3t-zq"
    server = novakit("--log-level", "debug", auth="keystone", admin_password=admin_password)
    identity = Identity(server)
    admin = identity.token(password=admin_password)
    identity.make_user(admin, "carol", user_password, "carols")
    carol = identity.token("carol", user_password, "carols")
    keypair = server.request("POST", "/v2.1/os-keypairs", token=carol, json={"keypair": {"name": "k"}}).json()["keypair"]
    assert identity.call("GET", "/auth/tokens", admin, headers={"X-Subject-Token": carol}).status_code == 200
    assert_keystone_error(identity.issue(password_auth("carol", "Wr0ng-S3cr3t-zq", "carols")), 401)
    carol_id = identity.call("GET", "/users?name=carol", admin).json()["users"][0]["id"]
    assert identity.call("PATCH", f"/users/{carol_id}", admin, json={"user": {"password": "N3w-S3cr3t-zq"}}).status_code == 200
    # The user's own change, with the original password (it ends the user's tokens, as the admin's did).
    own = requests.post(f"{identity.url}/users/{carol_id}/password", timeout=10,
                        json={"user": {"original_password": "N3w-S3cr3t-zq", "password": "Th1rd-S3cr3t-zq"}})
    assert own.status_code == 204
    first_token, carol = carol, identity.token("carol", "Th1rd-S3cr3t-zq", "carols")
    server.request("GET", "/v2.1/servers", token=carol)
    requests.get(server.image + "/v2/images", headers={"X-Auth-Token": carol}, timeout=10)
    requests.get(server.network + "/v2.0/networks", headers={"X-Auth-Token": carol}, timeout=10)
    server.stop()
    log = server.log_path.read_text()
    assert "GET /v2.1/servers 200" in log  # the log does hold the requests
    for secret in (admin_password, user_password, "Wr0ng-S3cr3t-zq", "N3w-S3cr3t-zq", "Th1rd-S3cr3t-zq", admin, first_token, carol):
        assert secret not in log
    key_body = "".join(keypair["private_key"].strip().splitlines()[1:-1])
    assert key_body[:40] not in log and keypair["private_key"].splitlines()[1] not in log


def test_bootstrap_logs_creation_and_a_reset_admin_password(novakit):
    first = novakit(auth="keystone", admin_password="first-Pw-123")
    first.stop()
    second = novakit(auth="keystone", admin_password="second-Pw-456", database=first.db)
    second.stop()
    third = novakit(auth="keystone", admin_password="second-Pw-456", database=first.db)
    third.stop()
    logs = [server.log_path.read_text() for server in (first, second, third)]
    assert "created the admin user" in logs[0]
    assert "admin password differed from the stored one and was reset" in logs[1]
    assert "was reset" not in logs[2] and "created the admin user" not in logs[2]
    assert "first-Pw-123" not in "".join(logs) and "second-Pw-456" not in "".join(logs)


def test_the_sample_configuration_file_starts_a_server(novakit):
    sample = Path(__file__).resolve().parents[2] / "etc" / "novakit.yaml.sample"
    server = novakit("--config", str(sample), admin_password="pw")
    assert server.request("GET", "/v2.1/flavors").status_code == 200
    assert health(server).text == "OK"


def test_shell_completion_scripts_are_generated():
    for shell, marker in (("bash", "complete"), ("zsh", "#compdef"), ("fish", "complete -c 'novakit'")):
        result = run_cli("--generate-completion-script", shell)
        assert result.returncode == 0, result.stderr
        assert marker in result.stdout and "sample-config" in result.stdout and "serve" in result.stdout


def test_the_systemd_unit_example_verifies(tmp_path):
    unit = (Path(__file__).resolve().parents[2] / "etc" / "novakit.service").read_text()
    assert "ExecStart=/usr/local/bin/novakit serve" in unit and "NoNewPrivileges=yes" in unit
    local = tmp_path / "novakit.service"
    local.write_text(unit.replace("/usr/local/bin/novakit", str(BINARY)))
    result = subprocess.run(["systemd-analyze", "verify", str(local)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "novakit.service" not in result.stderr, result.stderr


def test_openapi_documents_on_the_compute_identity_and_image_listeners(cloud):
    """scripts/fuzz.sh validates the same documents with openapi-spec-validator and fuzzes them."""
    latest = cloud.request("GET", "/", token=None).json()["versions"][-1]["version"]
    documents = {
        "compute 2.1": requests.get(cloud.base + "/openapi.json", timeout=30),
        "compute latest": requests.get(cloud.base + "/openapi.json?microversion=latest", timeout=30),
        "compute 2.36": requests.get(cloud.base + "/openapi.json?microversion=2.36", timeout=30),
        "identity": requests.get(cloud.identity + "/openapi.json", timeout=30),
        "image": requests.get(cloud.image + "/openapi.json", timeout=30),
    }
    for name, response in documents.items():
        assert response.status_code == 200, (name, response.text)
        document = response.json()
        assert document["openapi"] == "3.1.0" and document["paths"], name
    old, new = documents["compute 2.1"].json(), documents["compute latest"].json()
    assert new["info"]["version"] == latest and old["info"]["version"] == "2.1"
    # os-networks left Nova at 2.36: in the 2.1 document, not in the newest.
    assert "/os-networks" in old["paths"] and "/os-networks" not in new["paths"]
    assert "/os-networks" not in documents["compute 2.36"].json()["paths"]
    servers = new["paths"]["/servers"]["post"]
    assert servers["x-openstack-policy"] == "os_compute_api:servers:create"
    assert servers["responses"]["202"] and servers["responses"]["400"]["content"]
    assert "server" in servers["requestBody"]["content"]["application/json"]["schema"]["properties"]
    actions = new["paths"]["/servers/{id}/action"]["post"]
    assert actions["x-openstack-actions"]["revertResize"] == {
        "policy": "os_compute_api:servers:revert_resize", "status": 202, "microversions": {"min": "2.1"}}
    keys = {next(iter(body["properties"])) for body in actions["requestBody"]["content"]["application/json"]["schema"]["oneOf"]}
    assert {"revertResize", "reboot", "os-stop", "createImage"} <= keys
    assert "/v3/auth/tokens" in documents["identity"].json()["paths"]
    image = documents["image"].json()["paths"]
    assert set(image["/v2/images"]) == {"get", "post"} and set(image["/v2/images/{image_id}/file"]) == {"get", "put"}
    assert image["/v2/images"]["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"]["min_disk"] == {
        "type": "integer", "minimum": 0}
    assert json.loads(run_cli("openapi", "--service", "image").stdout)["paths"].keys() == image.keys()
    assert_fault(requests.get(cloud.base + "/openapi.json?microversion=9.9", timeout=30), 400)
    assert run_cli("openapi", "--microversion", "latest").stdout.strip() and \
        json.loads(run_cli("openapi", "--microversion", "latest").stdout)["paths"].keys() == new["paths"].keys()
    assert json.loads(run_cli("openapi", "--service", "identity").stdout)["paths"].keys() == documents["identity"].json()["paths"].keys()


def test_rate_limit_refuses_a_client_over_its_rate_in_each_listeners_format(novakit):
    server = novakit("--rate-limit", "4", auth="keystone", admin_password="Adm1n-secret")
    time.sleep(1.1)  # the harness's start-up probes are forgotten: a full bucket
    answers = [server.request("GET", "/", token=None) for _ in range(6)]
    assert [a.status_code for a in answers[:4]] == [200] * 4
    refused = answers[-1]
    assert_fault(refused, 429, "Rate limit exceeded: too many requests from this client.")
    assert int(refused.headers["Retry-After"]) >= 1
    assert health(server).status_code == 200  # load balancers' probes are never limited
    keystone = requests.get(server.identity + "/v3", timeout=10)
    assert_keystone_error(keystone, 429)
    time.sleep(1.1)
    assert server.request("GET", "/", token=None).status_code == 200


def test_oversized_headers_are_refused_and_the_server_carries_on(cloud):
    assert cloud.request("GET", "/v2.1/flavors", headers={"X-Padding": "x" * 8000}).status_code == 200
    refused = cloud.request("GET", "/v2.1/flavors", headers={"X-Padding": "x" * 200_000})
    assert refused.status_code == 400
    assert cloud.request("GET", "/v2.1/flavors").status_code == 200

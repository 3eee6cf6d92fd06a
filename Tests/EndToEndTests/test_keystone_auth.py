"""Issue 4: token auth on the compute API, in-process and against an external Keystone."""
from conftest import assert_fault
from identity import ADMIN_PASSWORD, Identity


def test_missing_or_bad_tokens_are_401_with_www_authenticate(novakit):
    server = novakit(auth="keystone", admin_password=ADMIN_PASSWORD)
    for token in [None, "", "garbage"]:
        response = server.request("GET", "/v2.1/os-documents", token=token)
        assert_fault(response, 401, "The request you have made requires authentication.")
        assert response.headers["WWW-Authenticate"] == f'Keystone uri="{server.identity}/v3"'
    unscoped = Identity(server).issue({"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"name": "admin", "domain": {"id": "default"}, "password": ADMIN_PASSWORD}}}}})
    assert_fault(server.request("GET", "/v2.1/os-documents", token=unscoped.headers["X-Subject-Token"]), 401)


def test_context_is_scoped_to_the_tokens_project(novakit):
    server = novakit(auth="keystone", admin_password=ADMIN_PASSWORD)
    identity = Identity(server)
    admin = identity.token()
    demo, _ = identity.make_user(admin, "alice", "alice-pw", "demo")
    alice = identity.token("alice", "alice-pw", "demo")
    assert server.request("GET", f"/v2/{demo['id']}/os-documents", token=alice).status_code == 200
    admin_project = identity.call("GET", "/projects?name=admin", admin).json()["projects"][0]["id"]
    message = assert_fault(server.request("GET", f"/v2/{admin_project}/os-documents", token=alice), 400)
    assert f"doesn't match Context's project_id '{demo['id']}'" in message
    line = next(l for l in server.logs().splitlines() if f"path=/v2/{demo['id']}/os-documents" in l)
    assert f"project={demo['id']}" in line


def test_roles_drive_policy(novakit, tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text('"compute_extension:documents:create": "rule:context_is_admin"\n'
                      '"compute_extension:documents:index": "rule:project_reader_or_admin"\n')
    server = novakit("--policy-file", str(policy), auth="keystone", admin_password=ADMIN_PASSWORD)
    identity = Identity(server)
    admin = identity.token()
    identity.make_user(admin, "alice", "alice-pw", "demo")
    alice = identity.token("alice", "alice-pw", "demo")
    assert_fault(server.request("POST", "/v2.1/os-documents", token=alice, json={"name": "a"}), 403,
                 "Policy doesn't allow compute_extension:documents:create to be performed.")
    assert server.request("POST", "/v2.1/os-documents", token=admin, json={"name": "a"}).status_code == 202
    # member implies reader, so the reader rule passes for alice on her own project
    assert server.request("GET", "/v2.1/os-documents", token=alice).json() == {"document": [{"id": 1, "name": "a"}]}


def test_external_keystone(novakit):
    provider = novakit(auth="keystone", admin_password=ADMIN_PASSWORD)
    identity = Identity(provider)
    admin = identity.token()
    demo, _ = identity.make_user(admin, "alice", "alice-pw", "demo")
    consumer = novakit("--identity-port", "0", "--keystone-url", f"{provider.identity}/v3", "--keystone-service-user", "admin",
                       "--keystone-service-password", ADMIN_PASSWORD, "--keystone-service-project", "admin", auth="keystone")
    alice = identity.token("alice", "alice-pw", "demo")
    assert consumer.request("GET", f"/v2/{demo['id']}/os-documents", token=alice).status_code == 200
    refused = consumer.request("GET", "/v2.1/os-documents", token="forged")
    assert_fault(refused, 401)
    assert refused.headers["WWW-Authenticate"] == f'Keystone uri="{provider.identity}/v3"'

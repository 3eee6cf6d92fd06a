"""Issue 12 (part): application credentials — what CI systems and Terraform are told to authenticate with."""
import datetime

import pytest

from conftest import assert_fault
from identity import ADMIN_PASSWORD, Identity, assert_keystone_error, openstack_cli, password_cloud


@pytest.fixture
def keystone(novakit):
    server = novakit(auth="keystone", admin_password=ADMIN_PASSWORD)
    return server, Identity(server)


def credential_auth(secret, id=None, name=None, user=None):
    reference = {"secret": secret}
    if id:
        reference["id"] = id
    else:
        reference.update(name=name, user=user)
    return {"auth": {"identity": {"methods": ["application_credential"], "application_credential": reference}}}


def test_application_credentials_with_access_rules(keystone):
    server, identity = keystone
    admin = identity.token()
    project, olga = identity.make_user(admin, "olga", "olga-pw", "olgas")
    token = identity.token("olga", "olga-pw", "olgas")
    base = f"/users/{olga['id']}/application_credentials"
    rules = [{"service": "compute", "method": "GET", "path": "/v2.1/servers"},
             {"service": "compute", "method": "GET", "path": "/v2.1/servers/*"}]
    created = identity.call("POST", base, token, json={"application_credential": {
        "name": "ci", "description": "pipeline", "access_rules": rules}})
    assert created.status_code == 201, created.text
    ci = created.json()["application_credential"]
    assert ci["project_id"] == project["id"] and ci["unrestricted"] is False and ci["description"] == "pipeline"
    assert {r["name"] for r in ci["roles"]} >= {"member"} and len(ci["secret"]) >= 32
    assert [(r["service"], r["method"], r["path"]) for r in ci["access_rules"]] == [(r["service"], r["method"], r["path"]) for r in rules]
    # The secret is shown once.
    assert "secret" not in identity.call("GET", f"{base}/{ci['id']}", token).json()["application_credential"]
    listed = identity.call("GET", base, token).json()["application_credentials"]
    assert [c["name"] for c in listed] == ["ci"] and "secret" not in listed[0]
    assert [c["id"] for c in identity.call("GET", f"{base}?name=ci", admin).json()["application_credentials"]] == [ci["id"]]
    assert_keystone_error(identity.call("POST", base, token, json={"application_credential": {"name": "ci"}}), 409)

    issued = identity.issue(credential_auth(ci["secret"], id=ci["id"]))
    assert issued.status_code == 201, issued.text
    body = issued.json()["token"]
    assert body["methods"] == ["application_credential"] and body["project"]["id"] == project["id"]
    assert body["application_credential"]["id"] == ci["id"] and body["application_credential"]["restricted"] is True
    assert {"compute"} <= {s["type"] for s in body["catalog"]}
    ci_token = issued.headers["X-Subject-Token"]
    # The access rules let it list and show servers, nothing else, on any service.
    assert server.request("GET", "/v2.1/servers", token=ci_token).status_code == 200
    assert server.request("GET", "/v2.1/servers/detail", token=ci_token).status_code == 200
    assert_fault(server.request("GET", "/v2.1/os-keypairs", token=ci_token), 401)
    created_doc = server.request("POST", "/v2.1/os-documents", token=token, json={"name": "d"})
    assert created_doc.status_code == 202
    assert_fault(server.request("POST", "/v2.1/os-documents", token=ci_token, json={"name": "x"}), 401)
    assert_fault(server.request("DELETE", "/v2.1/servers/00000000-0000-4000-8000-000000000000", token=ci_token), 401)
    assert_keystone_error(identity.call("GET", f"/users/{olga['id']}", ci_token), 401)
    assert server.request("GET", "/v2.1/servers/00000000-0000-4000-8000-000000000000", token=ci_token).status_code == 404
    # Its tokens cannot be traded for others (which would escape the rules).
    assert_keystone_error(identity.issue({"auth": {"identity": {"methods": ["token"], "token": {"id": ci_token}},
                                                   "scope": {"project": {"id": project["id"]}}}}), 403)
    # A wrong secret, a scope, or no secret are refused.
    assert_keystone_error(identity.issue(credential_auth("wrong", id=ci["id"])), 401)
    scoped = credential_auth(ci["secret"], id=ci["id"])
    scoped["auth"]["scope"] = {"project": {"id": project["id"]}}
    assert_keystone_error(identity.issue(scoped), 401)
    assert_keystone_error(identity.issue({"auth": {"identity": {"methods": ["application_credential"],
                                                               "application_credential": {"id": ci["id"]}}}}), 400)

    # Deleting the credential ends its tokens.
    assert identity.call("DELETE", f"{base}/{ci['id']}", token).status_code == 204
    assert_fault(server.request("GET", "/v2.1/servers", token=ci_token), 401)
    assert_keystone_error(identity.issue(credential_auth(ci["secret"], id=ci["id"])), 401)
    assert_keystone_error(identity.call("GET", f"{base}/{ci['id']}", token), 404)


def test_roles_restriction_names_and_ownership(keystone):
    server, identity = keystone
    admin = identity.token()
    project, olga = identity.make_user(admin, "olga", "olga-pw", "olgas")
    identity.make_user(admin, "pete", "pete-pw", "petes")
    token = identity.token("olga", "olga-pw", "olgas")
    base = f"/users/{olga['id']}/application_credentials"
    reader = identity.call("POST", base, token, json={"application_credential": {
        "name": "read-only", "roles": [{"name": "reader"}], "secret": "Sup3r-s3cret-value"}})
    assert reader.status_code == 201, reader.text
    assert [r["name"] for r in reader.json()["application_credential"]["roles"]] == ["reader"]
    by_name = identity.issue(credential_auth("Sup3r-s3cret-value", name="read-only",
                                             user={"name": "olga", "domain": {"id": "default"}}))
    assert by_name.status_code == 201, by_name.text
    assert [r["name"] for r in by_name.json()["token"]["roles"]] == ["reader"]
    read_token = by_name.headers["X-Subject-Token"]
    # Unrestricted by rules, but a restricted credential cannot make others.
    assert server.request("GET", "/v2.1/servers/detail", token=read_token).status_code == 200
    assert_keystone_error(identity.call("POST", base, read_token, json={"application_credential": {"name": "more"}}), 403)
    # Only roles the user holds on the project; an expiry in the past is refused.
    assert_keystone_error(identity.call("POST", base, token, json={"application_credential": {
        "name": "x", "roles": [{"name": "admin"}]}}), 404)
    assert_keystone_error(identity.call("POST", base, token, json={"application_credential": {
        "name": "x", "expires_at": "2001-01-01T00:00:00Z"}}), 400)
    later = identity.call("POST", base, token, json={"application_credential": {"name": "later", "expires_at": "2099-01-01T00:00:00Z"}})
    assert later.json()["application_credential"]["expires_at"].startswith("2099-01-01T00:00:00")
    # A token from an expiring credential expires no later than the credential.
    in_ten_minutes = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    soon = identity.call("POST", base, token, json={"application_credential": {
        "name": "soon", "expires_at": in_ten_minutes, "secret": "Soon-s3cret-value"}}).json()["application_credential"]
    soon_token = identity.issue(credential_auth("Soon-s3cret-value", id=soon["id"])).json()["token"]
    assert soon_token["expires_at"].startswith(in_ten_minutes[:-1])
    identity.call("DELETE", f"{base}/{soon['id']}", token)
    # Another user neither reads nor makes olga's credentials; an admin reads them; unscoped tokens cannot make one.
    pete_token = identity.token("pete", "pete-pw", "petes")
    assert_keystone_error(identity.call("GET", base, pete_token), 403)
    assert_keystone_error(identity.call("POST", base, pete_token, json={"application_credential": {"name": "x"}}), 403)
    assert len(identity.call("GET", base, admin).json()["application_credentials"]) == 2
    unscoped = identity.issue({"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "olga", "domain": {"id": "default"}, "password": "olga-pw"}}}}}).headers["X-Subject-Token"]
    assert_keystone_error(identity.call("POST", base, unscoped, json={"application_credential": {"name": "y"}}), 400)
    assert_keystone_error(identity.call("POST", base, token, json={"application_credential": {
        "name": "z", "access_rules": [{"service": "compute", "method": "FETCH", "path": "/"}]}}), 400)


@pytest.mark.clients
def test_openstackclient_makes_and_uses_an_application_credential(keystone, tmp_path):
    server, identity = keystone
    admin = identity.token()
    identity.make_user(admin, "olga", "olga-pw", "olgas")
    clouds = {"olga": password_cloud(server, "olga", "olga-pw", "olgas")}
    run = openstack_cli(tmp_path / "clouds.yaml", clouds)

    def osc(*args, cloud="olga"):
        return run(*args, cloud=cloud)

    credential_id = osc("application", "credential", "create", "--secret", "Terraform-s3cret", "terraform", "-f", "value", "-c", "id").strip()
    assert osc("application", "credential", "list", "-f", "value", "-c", "Name").split() == ["terraform"]
    clouds["terraform"] = {"auth_type": "v3applicationcredential", "auth": [
        f"auth_url: {server.identity}/v3", f"application_credential_id: {credential_id}",
        "application_credential_secret: Terraform-s3cret"]}
    run = openstack_cli(tmp_path / "clouds.yaml", clouds)
    assert osc("server", "list", "-f", "value", cloud="terraform") == ""
    assert osc("flavor", "list", "-f", "value", "-c", "Name", cloud="terraform").split()[0].startswith("m1.")
    osc("application", "credential", "delete", "terraform")
    assert osc("application", "credential", "list", "-f", "value") == ""

"""Helpers for talking to NovaKit's identity API as a Keystone client would."""
import os
import subprocess
from pathlib import Path

import requests

ADMIN_PASSWORD = "Adm1n-secret"


def password_auth(user, password, project=None, domain="Default", user_by_id=False, project_by_id=False):
    user_ref = {"id": user, "password": password} if user_by_id else {"name": user, "domain": {"name": domain}, "password": password}
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": user_ref}}}}
    if project is not None:
        body["auth"]["scope"] = {"project": {"id": project} if project_by_id else {"name": project, "domain": {"id": "default"}}}
    return body


class Identity:
    """A Keystone v3 client over plain HTTP."""

    def __init__(self, server):
        self.url = server.identity + "/v3"

    def issue(self, body, query=""):
        return requests.post(f"{self.url}/auth/tokens{query}", json=body, timeout=30)

    def token(self, user="admin", password=ADMIN_PASSWORD, project="admin"):
        response = self.issue(password_auth(user, password, project))
        assert response.status_code == 201, response.text
        return response.headers["X-Subject-Token"]

    def call(self, method, path, token, json=None, headers=None):
        all_headers = {"X-Auth-Token": token, **(headers or {})}
        return requests.request(method, self.url + path, json=json, headers=all_headers, timeout=30)

    def create(self, token, collection, member, **fields):
        response = self.call("POST", f"/{collection}", token, json={member: fields})
        assert response.status_code == 201, response.text
        return response.json()[member]

    def make_user(self, admin_token, name, password, project_name, role="member"):
        """A project with a user holding `role` on it: returns (project, user)."""
        project = self.create(admin_token, "projects", "project", name=project_name, domain_id="default")
        user = self.create(admin_token, "users", "user", name=name, password=password, default_project_id=project["id"])
        role_id = self.call("GET", f"/roles?name={role}", admin_token).json()["roles"][0]["id"]
        assert self.call("PUT", f"/projects/{project['id']}/users/{user['id']}/roles/{role_id}", admin_token).status_code == 204
        return project, user


def assert_keystone_error(response, code):
    assert response.status_code == code, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["title"] and error["message"]
    return error


OPENSTACK = Path(os.environ.get("VIRTUAL_ENV", Path(__file__).resolve().parents[2] / ".venv")) / "bin" / "openstack"


def password_cloud(server, user, password, project=None):
    """A clouds.yaml entry that logs `user` in with a password, scoped to `project` (by name) if given."""
    lines = [f"auth_url: {server.identity}/v3", f"username: {user}", f"password: {password}", "user_domain_name: Default"]
    if project:
        lines += [f"project_name: {project}", "project_domain_name: Default"]
    return {"auth": lines}


def openstack_cli(path, clouds):
    """Writes `clouds` ({name: {"auth": [yaml lines], "auth_type": ...}}) to `path` and returns a runner of
    python-openstackclient against them: run(*args, cloud=name) -> stdout, failing the test on a non-zero exit."""
    text = ["clouds:"]
    for name, entry in clouds.items():
        text.append(f"  {name}:")
        if "auth_type" in entry:
            text.append(f"    auth_type: {entry['auth_type']}")
        text.append("    auth:")
        text += [f"      {line}" for line in entry["auth"]]
    Path(path).write_text("\n".join(text) + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    env["OS_CLIENT_CONFIG_FILE"] = str(path)

    def run(*args, cloud):
        result = subprocess.run([str(OPENSTACK), "--os-cloud", cloud, *args], capture_output=True, text=True, env=env, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout

    return run

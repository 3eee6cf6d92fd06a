"""Helpers for talking to NovaKit's identity API as a Keystone client would."""
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

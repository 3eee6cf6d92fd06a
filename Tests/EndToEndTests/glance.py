"""Calls to the image (Glance) listener with a Keystone token, shared by the image e2e tests."""
import requests


def glance(server, method, path, token, **kwargs):
    headers = {"X-Auth-Token": token, **kwargs.pop("headers", {})}
    return requests.request(method, server.image + path, headers=headers, timeout=30, **kwargs)


def assert_glance_error(response, code):
    """Glance's error body: {"code", "title", "message"}."""
    assert response.status_code == code, response.text
    body = response.json()
    assert body["code"] == code and body["message"]

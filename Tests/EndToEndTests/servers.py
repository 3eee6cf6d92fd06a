"""Helpers for the servers tests: tempest's schemas by microversion, waiting for states, creating servers."""
import time

from tempest.lib.api_schema.response.compute.v2_1 import servers as servers_v21
from tempest.lib.services.compute.migrations_client import MigrationsClient
from tempest.lib.services.compute.servers_client import ServersClient

from conftest import PROJECT, USER, validate


def vtuple(text):
    return (2, 1) if text is None else tuple(int(part) for part in text.split("."))


def pick(info, version):
    """The schema module tempest's client uses for `version` (its schema_versions_info table)."""
    wanted = vtuple(version)
    for entry in info:
        low = vtuple(entry["min"]) if entry["min"] else (2, 0)
        high = vtuple(entry["max"]) if entry["max"] else (9, 9999)
        if low <= wanted <= high:
            return entry["schema"]
    raise AssertionError(f"no schema for {version}")


def server_schema(version):
    return pick(ServersClient.schema_versions_info, version)


def migration_schema(version):
    return pick(MigrationsClient.schema_versions_info, version)


# The first microversion of every servers schema tempest knows, and the newest NovaKit serves.
SCHEMA_VERSIONS = [None] + [entry["min"] for entry in ServersClient.schema_versions_info if entry["min"]] + ["2.104"]


def image_id(cloud):
    return cloud.request("GET", "/v2.1/images", token=USER).json()["images"][0]["id"]


def create(cloud, name="vm", token=USER, version="2.37", flavor="1", networks="none", **fields):
    body = {"name": name, "imageRef": image_id(cloud), "flavorRef": flavor, **fields}
    if networks is not None:
        body["networks"] = networks
    response = cloud.request("POST", "/v2.1/servers", token=token, version=version, json={"server": body})
    created = validate(servers_v21.create_server_with_admin_pass if "adminPass" in response.text else servers_v21.create_server,
                       response)
    return created["server"]["id"]


def show(cloud, server_id, token=USER, version=None):
    response = cloud.request("GET", f"/v2.1/servers/{server_id}", token=token, version=version)
    return validate(server_schema(version).get_server, response)["server"]


def wait(cloud, server_id, status, token=USER, timeout=30, task=None):
    """Polls until the server shows `status` with no task in flight; returns its last view."""
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        view = show(cloud, server_id, token=token)
        seen.append((view["status"], view["OS-EXT-STS:task_state"]))
        if view["status"] == status and view["OS-EXT-STS:task_state"] == task:
            return view
        time.sleep(0.05)
    raise AssertionError(f"{server_id} never reached {status}; saw {seen[-5:]}")


def wait_deleted(cloud, server_id, token=USER, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cloud.request("GET", f"/v2.1/servers/{server_id}", token=token).status_code == 404:
            return
        time.sleep(0.05)
    raise AssertionError(f"{server_id} was never deleted")


def action(cloud, server_id, body, token=USER, version=None):
    return cloud.request("POST", f"/v2.1/{PROJECT}/servers/{server_id}/action", token=token, json=body, version=version)

"""Helpers for tests of NovaKit's network service (the Neutron v2.0 subset on its own listener)."""
import requests

from conftest import USER


def neutron(cloud, method, path, token=USER, **body):
    """A request to the network listener: `path` under /v2.0, `body` as the JSON body."""
    return requests.request(method, f"{cloud.network}/v2.0{path}", headers={"X-Auth-Token": token}, json=body or None, timeout=10)


def made(cloud, collection, member, token=USER, **fields):
    """Creates one `member` in `collection` and returns it (a 201 is asserted)."""
    response = neutron(cloud, "POST", f"/{collection}", token=token, **{member: fields})
    assert response.status_code == 201, response.text
    return response.json()[member]

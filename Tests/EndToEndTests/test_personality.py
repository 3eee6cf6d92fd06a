"""Issue 11: personality files at create and rebuild (through 2.56), checked against the injected-file quotas."""
import base64

import pytest

from conftest import PROJECT, ADMIN, assert_fault
from servers import action, create, wait


@pytest.fixture
def cloud(novakit):
    return novakit("--compute-step-delay", "5", admin_password="pw")


def encoded(text):
    return base64.b64encode(text.encode()).decode()


def test_personality_at_create_and_rebuild(cloud):
    files = [{"path": "/etc/motd", "contents": encoded("hello")}]
    server = create(cloud, name="personal", version="2.37", personality=files)
    wait(cloud, server, "ACTIVE")
    image = cloud.request("GET", "/v2.1/images").json()["images"][0]["id"]
    rebuilt = action(cloud, server, {"rebuild": {"imageRef": image, "personality": [{"path": "rebuild.txt", "contents": encoded("x")}]}},
                     version="2.56")
    assert rebuilt.status_code == 202, rebuilt.text
    wait(cloud, server, "ACTIVE")
    # Gone from 2.57.
    assert_fault(action(cloud, server, {"rebuild": {"imageRef": image, "personality": files}}, version="2.57"), 400)
    refused = cloud.request("POST", "/v2.1/servers", version="2.57", json={"server": {
        "name": "x", "imageRef": image, "flavorRef": "1", "networks": "none", "personality": files}})
    assert_fault(refused, 400)


def test_personality_limits(cloud):
    image = cloud.request("GET", "/v2.1/images").json()["images"][0]["id"]
    limits = cloud.request("GET", "/v2.1/limits", version="2.56").json()["limits"]["absolute"]
    assert (limits["maxPersonality"], limits["maxPersonalitySize"]) == (5, 10240)

    def boot(personality):
        return cloud.request("POST", "/v2.1/servers", version="2.37", json={"server": {
            "name": "p", "imageRef": image, "flavorRef": "1", "networks": "none", "personality": personality}})

    assert boot([{"path": f"/f{i}", "contents": encoded("x")} for i in range(5)]).status_code == 202
    assert_fault(boot([{"path": f"/f{i}", "contents": encoded("x")} for i in range(6)]), 403)
    assert_fault(boot([{"path": "/" + "p" * 300, "contents": encoded("x")}]), 403)
    assert_fault(boot([{"path": "/big", "contents": encoded("x" * 10241)}]), 403)
    assert_fault(boot([{"path": "/bad", "contents": "not base64!"}]), 400)
    assert_fault(boot([{"path": "/missing"}]), 400)
    assert cloud.request("PUT", f"/v2.1/os-quota-sets/{PROJECT}", token=ADMIN, json={"quota_set": {"injected_files": 6}}).status_code == 200
    assert boot([{"path": f"/f{i}", "contents": encoded("x")} for i in range(6)]).status_code == 202

"""Issue 11: rescue and unrescue on the fake driver — Nova's states, the admin password, what a rescued server
refuses — validated against tempest's schemas."""
import pytest
from tempest.lib.api_schema.response.compute.v2_1 import servers as servers21

from conftest import assert_fault, validate
from servers import action, create, wait


@pytest.fixture
def cloud(novakit):
    return novakit("--compute-step-delay", "5", admin_password="pw")


@pytest.mark.parametrize("start", ["ACTIVE", "SHUTOFF"])
def test_rescue_and_unrescue(cloud, start):
    server = create(cloud, name="rescuable")
    wait(cloud, server, "ACTIVE")
    if start == "SHUTOFF":
        action(cloud, server, {"os-stop": None})
        wait(cloud, server, "SHUTOFF")
    rescued = validate(servers21.rescue_server_with_admin_pass, action(cloud, server, {"rescue": {"adminPass": "S3cret!"}}))
    assert rescued == {"adminPass": "S3cret!"}
    view = wait(cloud, server, "RESCUE")
    assert (view["OS-EXT-STS:vm_state"], view["OS-EXT-STS:power_state"]) == ("rescued", 1)
    # A rescued server refuses reboot, rebuild, pause and a second rescue.
    image = cloud.request("GET", "/v2.1/images").json()["images"][0]["id"]
    for body in [{"reboot": {"type": "HARD"}}, {"rebuild": {"imageRef": image}}, {"pause": None}, {"rescue": None}]:
        assert_fault(action(cloud, server, body), 409)
    unrescued = action(cloud, server, {"unrescue": None})
    assert unrescued.status_code == 202 and unrescued.text == ""
    assert wait(cloud, server, "ACTIVE")["OS-EXT-STS:power_state"] == 1
    actions = [a["action"] for a in cloud.request("GET", f"/v2.1/servers/{server}/os-instance-actions").json()["instanceActions"]]
    assert actions[:2] == ["unrescue", "rescue"]


def test_rescue_errors(cloud):
    server = create(cloud, name="paused")
    wait(cloud, server, "ACTIVE")
    generated = validate(servers21.rescue_server_with_admin_pass, action(cloud, server, {"rescue": None}))["adminPass"]
    assert len(generated) >= 8
    wait(cloud, server, "RESCUE")
    action(cloud, server, {"unrescue": None})
    wait(cloud, server, "ACTIVE")
    assert_fault(action(cloud, server, {"unrescue": None}), 409)
    assert_fault(action(cloud, server, {"rescue": {"rescue_image_ref": "no-such-image"}}), 400)
    assert_fault(action(cloud, server, {"rescue": {"color": "red"}}), 400)
    action(cloud, server, {"pause": None})
    wait(cloud, server, "PAUSED")
    assert_fault(action(cloud, server, {"rescue": {}}), 409)
    assert_fault(action(cloud, "no-such-server", {"rescue": None}), 404)


def test_trigger_crash_dump(cloud):
    """2.17: accepted (202) where Nova accepts it, recorded as an instance action, states unchanged."""
    server = create(cloud, name="dumped")
    wait(cloud, server, "ACTIVE")
    assert_fault(action(cloud, server, {"trigger_crash_dump": None}, version="2.16"), 400)
    dumped = action(cloud, server, {"trigger_crash_dump": None}, version="2.17")
    assert dumped.status_code == 202 and dumped.text == ""
    view = wait(cloud, server, "ACTIVE")
    assert view["OS-EXT-STS:power_state"] == 1
    actions = [a["action"] for a in cloud.request("GET", f"/v2.1/servers/{server}/os-instance-actions").json()["instanceActions"]]
    assert actions[0] == "trigger_crash_dump"
    action(cloud, server, {"os-stop": None})
    wait(cloud, server, "SHUTOFF")
    assert_fault(action(cloud, server, {"trigger_crash_dump": None}, version="2.17"), 409)

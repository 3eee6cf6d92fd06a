"""Issue 6: work in flight survives a SIGKILL — on start every instance is recovered or put in ERROR with a fault."""
import time

from conftest import ADMIN, USER
from servers import action, create, show, wait

SETTLED = {"ACTIVE", "SHUTOFF", "ERROR", "VERIFY_RESIZE", "PAUSED"}


def test_sigkill_during_builds_and_resizes(novakit):
    # Step delay long enough that nothing finishes before the kill. A short lease: on PostgreSQL the restarted
    # process is a new node and waits out the killed run's leases before it recovers their work.
    slow = novakit("--compute-step-delay", "1000", "--lease-seconds", "2", admin_password="pw")
    resizing = [create(slow, f"resize-{i}") for i in range(2)]
    stopping = create(slow, "stopping")
    for server in resizing + [stopping]:
        wait(slow, server, "ACTIVE")
    for server in resizing:
        assert action(slow, server, {"resize": {"flavorRef": "2"}}).status_code == 202
    assert action(slow, stopping, {"os-stop": None}).status_code == 202
    building = [create(slow, f"build-{i}") for i in range(3)]
    states = {server: show(slow, server)["OS-EXT-STS:task_state"] for server in resizing + building + [stopping]}
    assert all(task is not None for task in states.values()), states
    slow.process.kill()  # SIGKILL: no graceful shutdown
    slow.process.wait()
    slow.log.close()

    restarted = novakit("--compute-step-delay", "20", "--lease-seconds", "2", database=slow.db)
    deadline = time.monotonic() + 30
    while True:
        views = {server: show(restarted, server, token=USER) for server in states}
        if all(v["OS-EXT-STS:task_state"] is None and v["status"] in SETTLED for v in views.values()):
            break
        assert time.monotonic() < deadline, {s: (v["status"], v["OS-EXT-STS:task_state"]) for s, v in views.items()}
        time.sleep(0.1)
    # Each recovery decision is logged.
    assert restarted.logs().count("when NovaKit stopped;") == len(states)
    for server in building:  # an interrupted build cannot be trusted: ERROR with a fault saying why
        assert views[server]["status"] == "ERROR"
        assert "interrupted by a restart" in views[server]["fault"]["message"]
    for server in resizing:  # an interrupted resize is carried through: its destination was already chosen
        assert views[server]["status"] == "VERIFY_RESIZE" and views[server]["flavor"]["id"] == "2"
    assert views[stopping]["status"] == "SHUTOFF"  # a stop is simply done again
    for server in resizing:  # one migration each, finished (not a second one, not a failed one)
        migrations = restarted.request("GET", f"/v2.1/os-migrations?instance_uuid={server}", token=ADMIN).json()["migrations"]
        assert [m["status"] for m in migrations] == ["finished"]
    # The recovered servers take new work: one resize is confirmed, the other reverted to its old flavor.
    assert action(restarted, resizing[0], {"confirmResize": None}).status_code == 204
    assert action(restarted, resizing[1], {"revertResize": None}).status_code == 202
    wait(restarted, resizing[0], "ACTIVE")
    wait(restarted, resizing[1], "ACTIVE")
    assert show(restarted, resizing[0])["flavor"]["id"] == "2" and show(restarted, resizing[1])["flavor"]["id"] == "1"


def test_a_snapshot_image_is_saving_until_its_task_ends_and_goes_if_interrupted(novakit):
    """As in Nova: the image of createImage/createBackup is SAVING while the server's snapshot task runs,
    ACTIVE after; one the snapshot never finished (a SIGKILL) is deleted on restart; a refused request
    leaves no image."""
    slow = novakit("--compute-step-delay", "400", "--lease-seconds", "2", admin_password="pw")  # see above
    server = create(slow, "snapper")
    wait(slow, server, "ACTIVE", timeout=60)

    def image_status(cloud, image):
        response = cloud.request("GET", f"/v2.1/images/{image}")
        return response.json()["image"]["status"] if response.status_code == 200 else response.status_code

    taken = action(slow, server, {"createImage": {"name": "snap"}}, version="2.45")
    assert taken.status_code == 202
    image = taken.json()["image_id"]
    assert image_status(slow, image) == "SAVING"
    assert show(slow, server)["OS-EXT-STS:task_state"] is not None
    # A second snapshot while the first runs is refused and registers nothing.
    refused = action(slow, server, {"createImage": {"name": "second"}}, version="2.45")
    assert refused.status_code == 409
    assert [i["name"] for i in slow.request("GET", "/v2.1/images?name=second").json()["images"]] == []
    wait(slow, server, "ACTIVE", timeout=60)
    assert image_status(slow, image) == "ACTIVE"
    # A saving image can be deleted (tempest's test_delete_saving_image); the task still ends cleanly.
    doomed = action(slow, server, {"createImage": {"name": "doomed"}}, version="2.45").json()["image_id"]
    assert image_status(slow, doomed) == "SAVING"
    assert slow.request("DELETE", f"/v2.1/images/{doomed}").status_code == 204
    assert image_status(slow, doomed) == 404
    wait(slow, server, "ACTIVE", timeout=60)
    assert image_status(slow, doomed) == 404
    # Killed mid-snapshot: on restart the server is settled and the unfinished image is gone.
    cut = action(slow, server, {"createBackup": {"name": "cut", "backup_type": "daily", "rotation": 2}}, version="2.45")
    cut_image = cut.json()["image_id"]
    assert image_status(slow, cut_image) == "SAVING"
    slow.process.kill()
    slow.process.wait()
    slow.log.close()
    restarted = novakit("--compute-step-delay", "20", "--lease-seconds", "2", database=slow.db)
    assert wait(restarted, server, "ACTIVE")["OS-EXT-STS:task_state"] is None
    assert image_status(restarted, cut_image) == 404
    assert image_status(restarted, image) == "ACTIVE"


def test_progress_moves_through_a_build_and_a_resize(novakit):
    """Issue 13: `progress` follows the work (Nova's drivers report it) instead of jumping from 0 to 100."""
    slow = novakit("--compute-step-delay", "300", admin_password="pw")

    def watch(server, until):
        seen = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            view = show(slow, server)
            if not seen or seen[-1] != (view["status"], view.get("progress")):
                seen.append((view["status"], view.get("progress")))
            if view["status"] == until and view["OS-EXT-STS:task_state"] is None:
                return seen
            time.sleep(0.03)
        raise AssertionError(seen)

    server = create(slow, "progressing")
    built = watch(server, "ACTIVE")
    assert ("BUILD", 50) in built and built[-1] == ("ACTIVE", 100)
    assert action(slow, server, {"resize": {"flavorRef": "2"}}).status_code == 202
    resized = watch(server, "VERIFY_RESIZE")
    stages = [progress for status, progress in resized if status == "RESIZE"]
    assert stages == sorted(stages) and {33, 66} <= set(stages)
    assert resized[-1] == ("VERIFY_RESIZE", 100)


def test_a_graceful_stop_finishes_the_work_in_flight(novakit):
    """SIGTERM (a rolling restart, `systemctl stop`): the listeners close and the node finishes the builds and
    actions it accepted before it exits, instead of leaving them to be settled as interrupted."""
    slow = novakit("--compute-step-delay", "300", admin_password="pw")
    resizing = create(slow, "resizing")
    wait(slow, resizing, "ACTIVE")
    assert action(slow, resizing, {"resize": {"flavorRef": "2"}}).status_code == 202
    building = create(slow, "building")
    assert show(slow, building)["OS-EXT-STS:task_state"] is not None
    assert show(slow, resizing)["OS-EXT-STS:task_state"] is not None
    slow.stop()
    log = slow.log_path.read_text()
    assert "stopping: waiting for the work of" in log and "unfinished" not in log
    restarted = novakit("--compute-step-delay", "20", database=slow.db)
    assert show(restarted, building)["status"] == "ACTIVE" and show(restarted, building)["OS-EXT-STS:task_state"] is None
    assert show(restarted, resizing)["status"] == "VERIFY_RESIZE"
    assert "when NovaKit stopped" not in restarted.logs()  # nothing was left to recover

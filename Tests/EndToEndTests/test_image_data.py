"""Issue 11: image data in the Glance subset (upload, download, checksums, tasks, property filters and
sorting) and the compute image metadata API, validated against tempest's schemas."""
import hashlib
from pathlib import Path

import pytest
import requests
from tempest.lib.api_schema.response.compute.v2_1 import images as images21

from conftest import ADMIN, OTHER_PROJECT, POSTGRES_URL, USER, assert_fault, validate
from servers import action, create, wait


@pytest.fixture
def cloud(novakit):
    return novakit("--compute-step-delay", "5", admin_password="pw")


def glance(cloud, method, path, token=USER, **kwargs):
    return requests.request(method, cloud.image + path, headers={"X-Auth-Token": token, **kwargs.pop("headers", {})},
                            timeout=10, **kwargs)


def new_image(cloud, token=USER, **fields):
    body = {"name": "data", "disk_format": "raw", "container_format": "bare", "visibility": "private", **fields}
    response = glance(cloud, "POST", "/v2/images", token=token, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_upload_download_and_checksums(cloud):
    image = new_image(cloud)
    assert (image["status"], image["size"], image["checksum"], image["os_hash_value"]) == ("queued", None, None, None)
    assert glance(cloud, "GET", f"/v2/images/{image['id']}/file").status_code == 204
    data = bytes(range(256)) * 4096  # 1 MiB, streamed in several chunks
    uploaded = glance(cloud, "PUT", f"/v2/images/{image['id']}/file", data=data,
                      headers={"Content-Type": "application/octet-stream"})
    assert uploaded.status_code == 204 and uploaded.text == ""
    shown = glance(cloud, "GET", f"/v2/images/{image['id']}").json()
    assert shown["status"] == "active" and shown["size"] == len(data)
    assert shown["checksum"] == hashlib.md5(data).hexdigest()
    assert (shown["os_hash_algo"], shown["os_hash_value"]) == ("sha512", hashlib.sha512(data).hexdigest())
    downloaded = glance(cloud, "GET", f"/v2/images/{image['id']}/file")
    assert downloaded.status_code == 200 and downloaded.content == data
    assert downloaded.headers["Content-Type"] == "application/octet-stream"
    assert downloaded.headers["Content-MD5"] == shown["checksum"]
    # Data goes in once; another project cannot write (or see) the image; a wrong content type is refused.
    again = glance(cloud, "PUT", f"/v2/images/{image['id']}/file", data=b"x", headers={"Content-Type": "application/octet-stream"})
    assert again.status_code == 409
    other = new_image(cloud)
    assert glance(cloud, "PUT", f"/v2/images/{other['id']}/file", data=b"x", headers={"Content-Type": "text/plain"}).status_code == 415
    assert glance(cloud, "PUT", f"/v2/images/{other['id']}/file", token=f"bob:{OTHER_PROJECT}", data=b"x",
                  headers={"Content-Type": "application/octet-stream"}).status_code == 404
    assert glance(cloud, "GET", f"/v2/images/{other['id']}").json()["status"] == "queued"
    # The compute proxy reports the size; deleting the image removes its data.
    proxied = validate(images21.get_image, cloud.request("GET", f"/v2.1/images/{image['id']}"))["image"]
    assert proxied["OS-EXT-IMG-SIZE:size"] == len(data) and proxied["status"] == "ACTIVE"
    stored = None if POSTGRES_URL else Path(f"{cloud.db.path}-images") / image["id"]
    assert stored is None or stored.read_bytes() == data  # beside the SQLite file by default
    assert glance(cloud, "DELETE", f"/v2/images/{image['id']}").status_code == 204
    assert glance(cloud, "GET", f"/v2/images/{image['id']}/file").status_code == 404
    assert stored is None or not stored.exists()


def test_an_uploaded_image_boots_a_server(cloud):
    image = new_image(cloud, name="uploaded")
    glance(cloud, "PUT", f"/v2/images/{image['id']}/file", data=b"\0" * 1024, headers={"Content-Type": "application/octet-stream"})
    server = cloud.request("POST", "/v2.1/servers", json={"server": {"name": "from-upload", "imageRef": image["id"], "flavorRef": "1",
                                                                     "networks": "none"}}, version="2.37")
    assert server.status_code == 202, server.text
    assert wait(cloud, server.json()["server"]["id"], "ACTIVE")["image"]["id"] == image["id"]


def test_tasks_property_filters_and_sorting(cloud):
    made = [new_image(cloud, name=f"img{i}", backup_type="daily" if i < 2 else "weekly") for i in range(3)]
    tasks = glance(cloud, "GET", f"/v2/images/{made[0]['id']}/tasks")
    assert tasks.status_code == 200 and tasks.json() == {"tasks": []}
    assert glance(cloud, "GET", "/v2/images/00000000-0000-0000-0000-000000000000/tasks").status_code == 404
    daily = glance(cloud, "GET", "/v2/images?backup_type=daily&sort_key=created_at&sort_dir=asc").json()["images"]
    assert [i["name"] for i in daily] == ["img0", "img1"]
    newest_first = glance(cloud, "GET", "/v2/images?backup_type=daily").json()["images"]
    assert [i["name"] for i in newest_first] == ["img1", "img0"]
    by_name = glance(cloud, "GET", "/v2/images?sort=name:desc&visibility=private").json()["images"]
    assert [i["name"] for i in by_name] == ["img2", "img1", "img0"]
    assert glance(cloud, "GET", "/v2/images?status=queued&disk_format=raw&backup_type=weekly").json()["images"][0]["name"] == "img2"
    assert glance(cloud, "GET", "/v2/images?sort_key=bogus").status_code == 400
    assert glance(cloud, "GET", "/v2/images?sort_dir=sideways").status_code == 400


def test_compute_image_filters_by_server_and_type(cloud):
    server = create(cloud, name="snapper")
    wait(cloud, server, "ACTIVE")
    snapshot = action(cloud, server, {"createImage": {"name": "snap"}})
    assert snapshot.status_code == 202
    snapshot_id = snapshot.headers["Location"].rsplit("/", 1)[1]
    wait(cloud, server, "ACTIVE")
    by_server = validate(images21.list_images, cloud.request("GET", f"/v2.1/images?server={cloud.base}/servers/{server}"))["images"]
    assert [i["id"] for i in by_server] == [snapshot_id]
    snapshots = validate(images21.list_images_details, cloud.request("GET", "/v2.1/images/detail?type=snapshot"))["images"]
    assert [i["id"] for i in snapshots] == [snapshot_id]
    assert cloud.request("GET", "/v2.1/images?type=backup").json()["images"] == []


def test_compute_image_metadata(cloud):
    image = new_image(cloud, name="meta", os_type="linux")
    base = f"/v2.1/images/{image['id']}/metadata"
    listed = validate(images21.image_metadata, cloud.request("GET", base))
    assert listed == {"metadata": {"os_type": "linux"}}
    merged = validate(images21.image_metadata, cloud.request("POST", base, json={"metadata": {"arch": "x86_64"}}))
    assert merged["metadata"] == {"os_type": "linux", "arch": "x86_64"}
    replaced = validate(images21.image_metadata, cloud.request("PUT", base, json={"metadata": {"only": "this"}}))
    assert replaced["metadata"] == {"only": "this"}
    item = validate(images21.image_meta_item, cloud.request("PUT", f"{base}/key1", json={"meta": {"key1": "value1"}}))
    assert item == {"meta": {"key1": "value1"}}
    assert validate(images21.image_meta_item, cloud.request("GET", f"{base}/key1")) == {"meta": {"key1": "value1"}}
    assert glance(cloud, "GET", f"/v2/images/{image['id']}").json()["key1"] == "value1"
    deleted = cloud.request("DELETE", f"{base}/key1")
    assert deleted.status_code == 204 and deleted.text == ""
    assert_fault(cloud.request("GET", f"{base}/key1"), 404)
    assert_fault(cloud.request("DELETE", f"{base}/key1"), 404)
    assert_fault(cloud.request("PUT", f"{base}/key1", json={"meta": {"other": "v"}}), 400)
    assert_fault(cloud.request("PUT", f"{base}/key1", json={"meta": {"key1": "v", "key2": "w"}}), 400)
    assert_fault(cloud.request("POST", base, json={"metadata": {"k": 1}}), 400)
    assert_fault(cloud.request("GET", "/v2.1/images/00000000-0000-0000-0000-000000000000/metadata"), 404)
    # The public cirros image is not the project's to change; the API is gone from 2.39.
    cirros = cloud.request("GET", "/v2.1/images?name=cirros").json()["images"][0]["id"]
    assert_fault(cloud.request("POST", f"/v2.1/images/{cirros}/metadata", json={"metadata": {"a": "b"}}), 403)
    assert cloud.request("POST", f"/v2.1/images/{cirros}/metadata", token=ADMIN, json={"metadata": {"a": "b"}}).status_code == 200
    assert_fault(cloud.request("GET", base, version="2.39"), 404)
    too_many = {f"k{i}": "v" for i in range(129)}
    assert_fault(cloud.request("PUT", base, json={"metadata": too_many}), 403)

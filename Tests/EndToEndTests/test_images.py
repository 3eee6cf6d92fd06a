"""Issue 5: the image catalog — Glance v2 subset on its own port, and the compute /images proxy (≤ 2.35)."""
import pytest
import requests
from tempest.lib.api_schema.response.compute.v2_1 import images as images21

from conftest import ADMIN, OTHER_PROJECT, PROJECT, USER, assert_fault, validate


@pytest.fixture
def cloud(novakit):
    return novakit(admin_password="pw")  # bootstraps the cirros image


def glance(cloud, method, path, token=USER, json=None):
    return requests.request(method, cloud.image + path, headers={"X-Auth-Token": token}, json=json, timeout=10)


def cirros(cloud):
    return next(i for i in glance(cloud, "GET", "/v2/images").json()["images"] if i["name"] == "cirros")


def test_glance_versions_and_cirros(cloud):
    root = requests.get(cloud.image + "/", timeout=5)
    assert root.status_code == 300 and root.json()["versions"][0]["links"][0]["href"] == f"{cloud.image}/v2/"
    assert requests.get(cloud.image + "/versions", timeout=5).status_code == 200
    image = cirros(cloud)
    assert (image["status"], image["visibility"], image["disk_format"], image["container_format"]) == ("active", "public", "qcow2", "bare")
    assert image["self"] == f"/v2/images/{image['id']}" and image["schema"] == "/v2/schemas/image"
    shown = glance(cloud, "GET", f"/v2/images/{image['id']}")
    assert shown.status_code == 200 and shown.json()["name"] == "cirros" and shown.json()["os_distro"] == "cirros"
    assert glance(cloud, "GET", "/v2/images/cirros").status_code == 404  # a name is not an id: clients then filter by name
    assert [i["id"] for i in glance(cloud, "GET", "/v2/images?name=cirros").json()["images"]] == [image["id"]]
    assert glance(cloud, "GET", "/v2/images", token=None).status_code == 401


def test_glance_create_filter_page_delete(cloud):
    made = [glance(cloud, "POST", "/v2/images", json={"name": f"img{i}", "disk_format": "raw", "container_format": "bare",
                                                      "visibility": "private", "hw_rng": "yes"}) for i in range(3)]
    assert all(r.status_code == 201 for r in made)
    created = made[0].json()
    assert created["status"] == "queued" and created["owner"] == PROJECT and created["hw_rng"] == "yes"
    assert [i["name"] for i in glance(cloud, "GET", "/v2/images?visibility=private").json()["images"]] == ["img2", "img1", "img0"]
    assert [i["name"] for i in glance(cloud, "GET", "/v2/images?status=queued").json()["images"]] == ["img2", "img1", "img0"]
    page = glance(cloud, "GET", "/v2/images?limit=2").json()
    assert len(page["images"]) == 2 and page["next"].startswith("/v2/images?limit=2&marker=")
    rest = glance(cloud, "GET", page["next"]).json()
    assert "next" not in rest and len(rest["images"]) == 2
    other = f"bob:{OTHER_PROJECT}"
    assert glance(cloud, "GET", f"/v2/images/{created['id']}", token=other).status_code == 404
    assert "img0" not in [i["name"] for i in glance(cloud, "GET", "/v2/images", token=other).json()["images"]]
    assert glance(cloud, "POST", "/v2/images", json={"name": "pub", "visibility": "public"}).status_code == 403
    assert glance(cloud, "DELETE", f"/v2/images/{created['id']}", token=other).status_code == 404
    assert glance(cloud, "DELETE", f"/v2/images/{created['id']}").status_code == 204
    assert glance(cloud, "GET", f"/v2/images/{created['id']}").status_code == 404
    # An empty upload is data too: the image becomes active with size 0 (image data: test_image_data.py).
    assert glance(cloud, "PUT", f"/v2/images/{made[1].json()['id']}/file").status_code == 204
    assert glance(cloud, "GET", f"/v2/images/{made[1].json()['id']}").json()["size"] == 0
    assert glance(cloud, "DELETE", f"/v2/images/{cirros(cloud)['id']}").status_code == 403  # public, not ours


def test_compute_image_proxy(cloud):
    image_id = cirros(cloud)["id"]
    listing = validate(images21.list_images, cloud.request("GET", "/v2.1/images"))["images"]
    assert [i["name"] for i in listing] == ["cirros"]
    assert {link["rel"] for link in listing[0]["links"]} == {"self", "bookmark", "alternate"}
    details = validate(images21.list_images_details, cloud.request("GET", "/v2.1/images/detail"))["images"]
    assert details[0]["status"] == "ACTIVE" and details[0]["progress"] == 100
    shown = validate(images21.get_image, cloud.request("GET", f"/v2.1/{PROJECT}/images/{image_id}"))["image"]
    assert shown["id"] == image_id and shown["metadata"]["os_distro"] == "cirros"
    assert_fault(cloud.request("GET", "/v2.1/images/nope"), 404, "Image nope could not be found.")
    assert_fault(cloud.request("GET", "/v2.1/images", version="2.36"), 404)
    assert cloud.request("GET", "/v2.1/images", version="2.35").status_code == 200
    private = glance(cloud, "POST", "/v2/images", json={"name": "mine", "visibility": "private"}).json()
    validate(images21.delete, cloud.request("DELETE", f"/v2.1/images/{private['id']}"))
    assert_fault(cloud.request("GET", f"/v2.1/images/{private['id']}"), 404)
    assert_fault(cloud.request("DELETE", f"/v2.1/images/{image_id}", version="2.36"), 404)
    assert cloud.request("GET", f"/v2.1/images/{image_id}", token=ADMIN).status_code == 200

"""Issue 13: /metrics in Prometheus' text format on its own port — requests by route template and status,
latency histograms, database connection waits and use, token cache lookups, servers by state, tasks in flight."""
import requests
from prometheus_client.parser import text_string_to_metric_families

import servers
from identity import ADMIN_PASSWORD, Identity


def scrape(server):
    response = requests.get(server.metrics, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(response.text):  # a parse error fails the test
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0)


def total(samples, name, **labels):
    """Sum over every sample of `name` whose labels include `labels`."""
    return sum(v for (n, l), v in samples.items() if n == name and set(labels.items()) <= set(l))


def test_a_scrape_shows_requests_latencies_database_and_servers(novakit):
    server = novakit("--compute-step-delay", "10", admin_password="pw")
    before = scrape(server)
    flavors = dict(service="compute", method="GET", route="/flavors", status="200")
    for _ in range(3):
        assert server.request("GET", "/v2.1/flavors").status_code == 200
    assert server.request("GET", "/v2.1/flavors/nope").status_code == 404
    assert server.request("GET", "/v2.1/no-such-thing").status_code == 404
    server_id = servers.create(server)
    servers.wait(server, server_id, "ACTIVE")
    after = scrape(server)

    assert value(after, "novakit_http_requests_total", **flavors) - value(before, "novakit_http_requests_total", **flavors) == 3
    assert value(after, "novakit_http_requests_total", service="compute", method="GET", route="/flavors/{id}", status="404") == 1
    # An unknown path is counted under one label value, never its own path.
    assert value(after, "novakit_http_requests_total", service="compute", method="GET", route="unmatched", status="404") >= 1
    assert not any("no-such-thing" in str(labels) for _, labels in after)
    assert value(after, "novakit_http_requests_total", service="compute", method="POST", route="/servers", status="202") == 1
    latency = dict(service="compute", method="GET", route="/flavors")
    assert value(after, "novakit_http_request_duration_seconds_count", **latency) >= 3
    assert value(after, "novakit_http_request_duration_seconds_sum", **latency) > 0
    assert value(after, "novakit_http_request_duration_seconds_bucket", le="+Inf", **latency) >= 3
    assert total(after, "novakit_database_wait_seconds_count") > total(before, "novakit_database_wait_seconds_count")
    assert ("novakit_database_connections_in_use", (("connection", "writer"),)) in after
    assert value(after, "novakit_servers", vm_state="active") == 1
    assert value(after, "novakit_servers", vm_state="building") == 0
    assert value(after, "novakit_compute_tasks_in_flight") == 0
    assert value(after, "novakit_compute_oldest_task_age_seconds") == 0


def test_tasks_in_flight_and_token_cache_lookups(novakit):
    server = novakit("--compute-step-delay", "1500", auth="keystone", admin_password=ADMIN_PASSWORD)
    token = Identity(server).token()
    for _ in range(3):
        assert server.request("GET", "/v2.1/flavors", token=token).status_code == 200
    samples = scrape(server)
    assert value(samples, "novakit_token_cache_lookups_total", result="hit") >= 2
    assert value(samples, "novakit_token_cache_lookups_total", result="miss") >= 1
    image = server.request("GET", "/v2.1/images", token=token).json()["images"][0]["id"]
    created = server.request("POST", "/v2.1/servers", token=token, version="2.37",
                             json={"server": {"name": "vm", "imageRef": image, "flavorRef": "1", "networks": "none"}})
    assert created.status_code == 202, created.text
    building = scrape(server)
    assert value(building, "novakit_compute_tasks_in_flight") == 1
    assert value(building, "novakit_servers", vm_state="building") == 1
    assert value(building, "novakit_compute_oldest_task_age_seconds") >= 0
    identity = dict(service="identity", method="POST", route="/v3/auth/tokens", status="201")
    assert value(building, "novakit_http_requests_total", **identity) == 1


def test_metrics_live_only_on_their_own_port(novakit):
    server = novakit("--metrics-port", "0")
    assert server.request("GET", "/metrics").status_code == 404
    other = novakit()
    assert requests.get(other.metrics.replace("/metrics", "/other"), timeout=10).status_code == 404
    assert requests.post(other.metrics, timeout=10).status_code == 405

"""Issue 11: remote consoles — the 2.6 remote-consoles API and the older os-getVNCConsole actions — and
os-console-auth-tokens, validated against tempest's schemas."""
from urllib.parse import parse_qs, urlparse

import pytest
from tempest.lib.api_schema.response.compute.v2_1 import servers as servers21
from tempest.lib.api_schema.response.compute.v2_6 import servers as servers26
from tempest.lib.api_schema.response.compute.v2_99 import servers as servers299

from conftest import ADMIN, assert_fault, validate
from servers import action, create, wait


@pytest.fixture
def cloud(novakit):
    return novakit("--compute-step-delay", "5", admin_password="pw")


def token_of(url):
    query = parse_qs(urlparse(url).query)
    return query["token"][0] if "token" in query else parse_qs(query["path"][0].lstrip("?"))["token"][0]


def test_remote_console_and_its_token(cloud):
    server = create(cloud, name="console")
    wait(cloud, server, "ACTIVE")
    body = {"remote_console": {"protocol": "vnc", "type": "novnc"}}
    console = validate(servers26.get_remote_consoles,
                       cloud.request("POST", f"/v2.1/servers/{server}/remote-consoles", version="2.6", json=body))["remote_console"]
    assert (console["protocol"], console["type"]) == ("vnc", "novnc")
    url = urlparse(console["url"])
    assert url.scheme == "http" and url.port == 6080 and url.path == "/vnc_auto.html"
    token = token_of(console["url"])
    details = validate(servers299.console_auth_tokens,
                       cloud.request("GET", f"/v2.1/os-console-auth-tokens/{token}", token=ADMIN, version="2.99"))["console"]
    assert details["instance_uuid"] == server and details["port"] >= 5900 and details["tls_port"] is None
    assert cloud.request("GET", f"/v2.1/os-console-auth-tokens/{token}", token=ADMIN, version="2.31").status_code == 200
    assert_fault(cloud.request("GET", f"/v2.1/os-console-auth-tokens/{token}", token=ADMIN, version="2.30"), 400)  # rdp only before 2.31
    assert_fault(cloud.request("GET", "/v2.1/os-console-auth-tokens/nonsense", token=ADMIN, version="2.31"), 404)
    assert_fault(cloud.request("GET", f"/v2.1/os-console-auth-tokens/{token}", version="2.31"), 403)
    # Consoles other than VNC are not enabled; wrong pairs and unknown types are refused.
    for protocol, console_type, code in [("spice", "spice-html5", 400), ("vnc", "spice-html5", 400), ("vnc", "bogus", 400)]:
        refused = cloud.request("POST", f"/v2.1/servers/{server}/remote-consoles", version="2.6",
                                json={"remote_console": {"protocol": protocol, "type": console_type}})
        assert_fault(refused, code)
    assert_fault(cloud.request("POST", f"/v2.1/servers/{server}/remote-consoles", version="2.5", json=body), 404)


def test_legacy_vnc_console_action(cloud):
    server = create(cloud, name="legacy")
    wait(cloud, server, "ACTIVE")
    console = validate(servers21.get_vnc_console, action(cloud, server, {"os-getVNCConsole": {"type": "xvpvnc"}}))["console"]
    assert console["type"] == "xvpvnc" and urlparse(console["url"]).port == 6081 and token_of(console["url"])
    assert_fault(action(cloud, server, {"os-getVNCConsole": {"type": "spice-html5"}}), 400)
    assert_fault(action(cloud, server, {"os-getSPICEConsole": {"type": "spice-html5"}}), 400)
    assert_fault(action(cloud, server, {"os-getVNCConsole": {"type": "novnc"}}, version="2.6"), 400)
    action(cloud, server, {"os-stop": None})
    wait(cloud, server, "SHUTOFF")
    assert_fault(action(cloud, server, {"os-getVNCConsole": {"type": "novnc"}}), 409)

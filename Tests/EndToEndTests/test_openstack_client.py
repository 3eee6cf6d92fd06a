"""Issue 4: python-openstackclient against the running binary, with a clouds.yaml that names only
the auth URL, username, password, project and domain."""
import os
import subprocess
import time
from pathlib import Path

import pytest

from identity import ADMIN_PASSWORD

pytestmark = pytest.mark.clients

OPENSTACK = Path(os.environ.get("VIRTUAL_ENV", Path(__file__).resolve().parents[2] / ".venv")) / "bin" / "openstack"


@pytest.fixture
def cli(novakit, tmp_path):
    server = novakit(auth="keystone", admin_password=ADMIN_PASSWORD)
    clouds = tmp_path / "clouds.yaml"
    clouds.write_text(f"""clouds:
  novakit:
    auth:
      auth_url: {server.identity}/v3
      username: admin
      password: {ADMIN_PASSWORD}
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
  alice:
    auth:
      auth_url: {server.identity}/v3
      username: alice
      password: Alice-pw-1
      project_name: demo
      user_domain_name: Default
      project_domain_name: Default
""")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    env["OS_CLIENT_CONFIG_FILE"] = str(clouds)

    def run(*args, cloud="novakit"):
        result = subprocess.run([str(OPENSTACK), "--os-cloud", cloud, *args], capture_output=True, text=True, env=env, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout

    run.server = server
    return run


def test_openstack_client_sequence(cli):
    token = cli("token", "issue", "-f", "value", "-c", "id", "-c", "project_id").split()
    assert len(token) == 2 and len(token[0]) >= 40
    catalog = cli("catalog", "list", "-f", "value", "-c", "Type")
    assert {"compute", "identity", "image"} <= set(catalog.split())
    project = cli("project", "create", "demo", "-f", "value", "-c", "name", "-c", "id").split()
    assert "demo" in project
    demo_id = next(value for value in project if value != "demo")
    user = cli("user", "create", "--password", "Alice-pw-1", "--project", "demo", "alice", "-f", "value", "-c", "name",
               "-c", "default_project_id").split()
    assert "alice" in user and demo_id in user
    cli("role", "add", "--project", "demo", "--user", "alice", "member")
    assert {"admin", "alice"} <= set(cli("user", "list", "-f", "value", "-c", "Name").split())
    assignments = cli("role", "assignment", "list", "--user", "alice", "--project", "demo", "--names", "-f", "value", "-c", "Role")
    assert assignments.split() == ["member"]
    alice = cli("token", "issue", "-f", "value", "-c", "project_id", "-c", "user_id", cloud="alice").split()
    assert alice[0] == demo_id
    token_id = cli("token", "issue", "-f", "value", "-c", "id", cloud="alice").strip()
    assert cli.server.request("GET", "/v2.1/os-documents", token=token_id).status_code == 200
    assert cli.server.request("GET", f"/v2.1/{demo_id}/os-documents", token=token_id).status_code == 200


def test_catalog_resources_with_openstackclient(cli):
    flavors = cli("flavor", "list", "-f", "value", "-c", "Name").split()
    assert flavors == ["m1.tiny", "m1.small", "m1.medium", "m1.large", "m1.xlarge"]
    cli("flavor", "create", "--vcpus", "2", "--ram", "2048", "--disk", "20", "m1.custom")
    shown = cli("flavor", "show", "m1.custom", "-f", "value", "-c", "name", "-c", "ram", "-c", "vcpus", "-c", "disk").split()
    assert shown == ["20", "m1.custom", "2048", "2"]
    assert "cirros" in cli("image", "list", "-f", "value", "-c", "Name").split()
    assert cli("image", "show", "cirros", "-f", "value", "-c", "status").strip() == "active"
    private = cli("keypair", "create", "k1")
    assert private.startswith("-----BEGIN OPENSSH PRIVATE KEY-----") or private.startswith("-----BEGIN")
    assert "PRIVATE KEY-----" in private
    assert cli("keypair", "list", "-f", "value", "-c", "Name").split() == ["k1"]
    quota = dict(line.rsplit(None, 1) for line in cli("quota", "show", "-f", "value", "-c", "Resource", "-c", "Limit").splitlines()
                 if len(line.split()) == 2)
    assert quota["instances"] == "10" and quota["cores"] == "20" and quota["ram"] == "51200"
    limits = dict(line.rsplit(None, 1) for line in cli("limits", "show", "--absolute", "-f", "value").splitlines())
    assert limits["instances"] == "10" and limits["keypairs"] == "100" and limits["instances_used"] == "0"


def test_catalog_resources_with_openstacksdk(cli, tmp_path):
    script = tmp_path / "sdk.py"
    script.write_text("""
import openstack
conn = openstack.connect(cloud="novakit")
flavors = sorted(f.name for f in conn.compute.flavors())
keypair = conn.compute.create_keypair(name="sdk-key")
image = conn.image.find_image("cirros")
print(",".join(flavors))
print(keypair.name, bool(keypair.private_key), keypair.fingerprint)
print(image.name, image.status)
""")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    env["OS_CLIENT_CONFIG_FILE"] = str(tmp_path / "clouds.yaml")
    python = OPENSTACK.parent / "python"
    result = subprocess.run([str(python), str(script)], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    flavors, keypair, image = result.stdout.strip().splitlines()
    assert flavors.split(",") == sorted(["m1.tiny", "m1.small", "m1.medium", "m1.large", "m1.xlarge"])
    name, has_private, fingerprint = keypair.split()
    assert name == "sdk-key" and has_private == "True" and len(fingerprint.split(":")) == 16
    assert image.split() == ["cirros", "active"]


def wait_for(cli, name, field, expected, timeout=60):
    """Polls `openstack server show` until `field` reads `expected`."""
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = cli("server", "show", name, "-f", "value", "-c", field).strip()
        if value == expected:
            return
        time.sleep(0.2)
    raise AssertionError(f"{name} {field} is {value!r}, never {expected!r}")


def test_servers_with_openstackclient(cli):
    cli("server", "create", "--image", "cirros", "--flavor", "m1.tiny", "--nic", "none", "vm1", "--wait")
    assert cli("server", "list", "-f", "value", "-c", "Name", "-c", "Status").split() == ["vm1", "ACTIVE"]
    shown = cli("server", "show", "vm1", "-f", "value", "-c", "status", "-c", "OS-EXT-STS:vm_state", "-c", "name").split()
    assert sorted(shown) == ["ACTIVE", "active", "vm1"]
    assert "m1.tiny" in cli("server", "show", "vm1", "-f", "value", "-c", "flavor")
    cli("server", "resize", "--flavor", "m1.small", "vm1", "--wait")
    assert cli("server", "show", "vm1", "-f", "value", "-c", "status").strip() == "VERIFY_RESIZE"
    assert "m1.small" in cli("server", "show", "vm1", "-f", "value", "-c", "flavor")
    cli("server", "resize", "revert", "vm1")
    wait_for(cli, "vm1", "status", "ACTIVE")
    assert "m1.tiny" in cli("server", "show", "vm1", "-f", "value", "-c", "flavor")
    cli("server", "stop", "vm1")
    wait_for(cli, "vm1", "status", "SHUTOFF")
    cli("server", "start", "vm1")
    wait_for(cli, "vm1", "status", "ACTIVE")
    cli("server", "lock", "vm1")
    token = cli("token", "issue", "-f", "value", "-c", "id").strip()
    locked = cli.server.request("GET", "/v2.1/servers/detail", token=token, version="2.9").json()["servers"][0]
    assert locked["name"] == "vm1" and locked["locked"] is True
    cli("server", "delete", "vm1", "--wait")
    assert cli("server", "list", "-f", "value", "-c", "Name").split() == []


def test_nova_list_and_openstacksdk_servers(cli, tmp_path):
    cli("server", "create", "--image", "cirros", "--flavor", "m1.tiny", "--nic", "none", "osc-vm", "--wait")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    env.update({
        "OS_AUTH_URL": f"{cli.server.identity}/v3", "OS_USERNAME": "admin", "OS_PASSWORD": ADMIN_PASSWORD, "OS_PROJECT_NAME": "admin",
        "OS_USER_DOMAIN_NAME": "Default", "OS_PROJECT_DOMAIN_NAME": "Default", "OS_IDENTITY_API_VERSION": "3",
    })
    nova = subprocess.run([str(OPENSTACK.parent / "nova"), "list"], capture_output=True, text=True, env=env, timeout=120)
    assert nova.returncode == 0, nova.stderr
    rows = [line for line in nova.stdout.splitlines() if "osc-vm" in line]
    assert len(rows) == 1 and "ACTIVE" in rows[0] and "Running" in rows[0]

    script = tmp_path / "sdk_servers.py"
    script.write_text("""
import openstack
conn = openstack.connect(cloud="novakit")
image = conn.image.find_image("cirros")
flavor = conn.compute.find_flavor("m1.tiny")
server = conn.compute.create_server(name="sdk-vm", image_id=image.id, flavor_id=flavor.id, networks="none")
server = conn.compute.wait_for_server(server, wait=60)
print(server.name, server.status, server.flavor.name if server.flavor else None)
print(sorted(s.name for s in conn.compute.servers()))
""")
    sdk_env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    sdk_env["OS_CLIENT_CONFIG_FILE"] = str(tmp_path / "clouds.yaml")
    result = subprocess.run([str(OPENSTACK.parent / "python"), str(script)], capture_output=True, text=True, env=sdk_env, timeout=120)
    assert result.returncode == 0, result.stderr
    created, listed = result.stdout.strip().splitlines()
    assert created.split()[:2] == ["sdk-vm", "ACTIVE"]
    assert listed == str(["osc-vm", "sdk-vm"])


def test_server_on_the_private_network_by_name_and_id(cli):
    """openstackclient finds bootstrap's `--network private` in the network service; `--nic net-id=` names the
    same stable id, which the compute API's os-networks shows too."""
    token = cli("token", "issue", "-f", "value", "-c", "id").strip()
    networks = cli.server.request("GET", "/v2.1/os-networks", token=token).json()["networks"]
    assert sorted((n["label"], n["cidr"]) for n in networks) == [("private", "10.0.0.0/16"), ("public", "172.24.4.0/24")]
    net_id = next(n["id"] for n in networks if n["label"] == "private")
    assert cli("network", "show", "private", "-f", "value", "-c", "id").strip() == net_id
    cli("server", "create", "--image", "cirros", "--flavor", "m1.tiny", "--network", "private", "by-name", "--wait")
    cli("server", "create", "--image", "cirros", "--flavor", "m1.tiny", "--nic", f"net-id={net_id}", "by-id", "--wait")
    for name in ["by-name", "by-id"]:
        assert cli("server", "show", name, "-f", "value", "-c", "addresses").startswith("{'private': ['10.0.")
        server_id = cli("server", "show", name, "-f", "value", "-c", "id").strip()
        assert cli("port", "list", "--server", server_id, "-f", "value", "-c", "Fixed IP Addresses").count("10.0.0.") == 1
    failed = subprocess.run([str(OPENSTACK), "--os-cloud", "novakit", "server", "create", "--image", "cirros", "--flavor", "m1.tiny",
                             "--nic", "net-id=00000000-0000-0000-0000-000000000000", "nowhere"],
                            capture_output=True, text=True, timeout=120,
                            env={**{k: v for k, v in os.environ.items() if not k.startswith("OS_")},
                                 "OS_CLIENT_CONFIG_FILE": str(Path(cli.server.log_path).parent / "clouds.yaml")})
    assert failed.returncode != 0 and "No Network found for 00000000-0000-0000-0000-000000000000" in failed.stderr


def test_network_service_with_openstackclient_and_openstacksdk(cli):
    """Issue 16: networks, subnets and ports through openstackclient and openstacksdk; a server booted on a new
    network gets a port there, and its port goes with it."""
    import openstack
    region = openstack.config.OpenStackConfig(config_files=[str(Path(cli.server.log_path).parent / "clouds.yaml")]).get_one(cloud="novakit")
    conn = openstack.connection.Connection(config=region)
    # The cloud layer's defaults, while the project has no network of its own (it boots on the shared
    # `private`): a server with no public address gets a floating IP from the external network, shown among
    # its addresses; deleting with delete_ips gives it back.
    auto = conn.create_server("sdk-auto", image="cirros", flavor="m1.tiny", wait=True, timeout=60)
    kinds = {(a["OS-EXT-IPS:type"], a["addr"].split(".")[0]) for a in auto.addresses["private"]}
    assert kinds == {("fixed", "10"), ("floating", "172")}
    assert [f.fixed_ip_address for f in conn.network.ips()] == [auto.addresses["private"][0]["addr"]]
    conn.delete_server(auto.id, wait=True, delete_ips=True)
    assert list(conn.network.ips()) == []
    net_id = cli("network", "create", "osc-net", "-f", "value", "-c", "id").strip()
    cli("subnet", "create", "--network", "osc-net", "--subnet-range", "192.168.50.0/24", "osc-subnet")
    assert "192.168.50.0/24" in cli("subnet", "list", "--network", net_id, "-f", "value", "-c", "Subnet")
    port = cli("port", "create", "--network", "osc-net", "--fixed-ip", "ip-address=192.168.50.20", "osc-port", "-f", "value", "-c", "id")
    cli("server", "create", "--image", "cirros", "--flavor", "m1.tiny", "--network", "osc-net", "osc-networked", "--wait")
    assert cli("server", "show", "osc-networked", "-f", "value", "-c", "addresses") == "{'osc-net': ['192.168.50.2']}\n"
    server_id = cli("server", "show", "osc-networked", "-f", "value", "-c", "id").strip()
    assert cli("port", "list", "--server", server_id, "-f", "value", "-c", "Fixed IP Addresses").count("192.168.50.2'") == 1

    network = conn.network.find_network("osc-net")
    assert network.id == net_id and [s.cidr for s in conn.network.subnets(network_id=net_id)] == ["192.168.50.0/24"]
    sdk_server = conn.create_server("sdk-networked", image="cirros", flavor="m1.tiny", network="osc-net", wait=True, auto_ip=False)
    assert [a["addr"] for a in sdk_server.addresses["osc-net"]] == ["192.168.50.3"]
    assert [p.fixed_ips[0]["ip_address"] for p in conn.network.ports(device_id=sdk_server.id)] == ["192.168.50.3"]
    conn.delete_server(sdk_server.id, wait=True)
    # Security groups and rules, a second port and a floating IP through openstackclient.
    cli("security", "group", "create", "osc-sg")
    cli("security", "group", "rule", "create", "--protocol", "tcp", "--dst-port", "22", "--remote-ip", "10.0.0.0/8", "osc-sg")
    rules = cli("security", "group", "rule", "list", "osc-sg", "-f", "value", "-c", "IP Protocol", "-c", "Port Range", "-c", "Direction")
    assert "tcp 22:22 ingress" in rules
    cli("server", "add", "security", "group", "osc-networked", "osc-sg")
    second = cli("port", "create", "--network", "osc-net", "osc-second", "-f", "value", "-c", "id").strip()
    cli("server", "add", "port", "osc-networked", second)
    ports = cli("port", "list", "--server", server_id, "-f", "value", "-c", "ID").split()
    assert second in ports and len(ports) == 2
    # A floating IP reaches osc-net through a router from public.
    cli("router", "create", "osc-router", "--external-gateway", "public")
    cli("router", "add", "subnet", "osc-router", "osc-subnet")
    floating = cli("floating", "ip", "create", "public", "-f", "value", "-c", "floating_ip_address").strip()
    cli("server", "add", "floating", "ip", "osc-networked", floating)
    assert floating in cli("server", "show", "osc-networked", "-f", "value", "-c", "addresses")
    cli("server", "delete", "osc-networked", "--wait")
    cli("router", "remove", "subnet", "osc-router", "osc-subnet")
    cli("router", "delete", "osc-router")
    remaining = sorted(cli("port", "list", "--network", "osc-net", "-f", "value", "-c", "ID").split())
    assert remaining == sorted([port.strip(), second])
    cli("port", "delete", second)
    cli("floating", "ip", "delete", floating)
    cli("security", "group", "delete", "osc-sg")
    cli("port", "delete", port.strip())
    cli("subnet", "delete", "osc-subnet")
    cli("network", "delete", "osc-net")
    assert "osc-net" not in cli("network", "list", "-f", "value", "-c", "Name")

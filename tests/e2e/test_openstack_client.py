"""Issue 4: python-openstackclient against the running binary, with a clouds.yaml that names only
the auth URL, username, password, project and domain."""
import os
import subprocess
from pathlib import Path

import pytest

from identity import ADMIN_PASSWORD

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

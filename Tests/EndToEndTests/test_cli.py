"""Issue 2 (foundation): the CLI, configuration precedence, and migrations."""
import re
import subprocess

import requests

from conftest import BINARY, POSTGRES_URL, Database, clean_env, free_port, run_cli, wait_for_answer


def test_help_documents_every_option():
    top = run_cli("--help").stdout
    for command in ["serve", "db", "policy"]:
        assert command in top
    serve = run_cli("serve", "--help").stdout
    for option in ["--config", "--database", "--host", "--port", "--auth", "--policy-file", "--max-body-size",
                   "--disable-extension", "--enable-extension", "--log-level", "NOVAKIT_DATABASE_URL", "NOVAKIT_PORT"]:
        assert option in serve
    db = run_cli("db", "--help").stdout
    assert "sync" in db and "version" in db
    assert "--version" in run_cli("db", "sync", "--help").stdout


def test_db_sync_is_idempotent_and_versioned(tmp_path):
    db = Database(tmp_path)
    first = run_cli("db", "sync", "--database", db.url)
    assert first.returncode == 0, first.stderr
    newest = int(re.search(r"from version 0 to (\d+)", first.stdout).group(1))
    applied = db.query("SELECT version, migration_id FROM novakit_migrations ORDER BY version")
    assert [int(v) for v, _ in applied] == list(range(1, newest + 1))
    assert "os-documents/001_create_documents" in [m for _, m in applied]
    second = run_cli("db", "sync", "--database", db.url)
    assert second.returncode == 0 and f"already at version {newest}" in second.stdout
    assert db.query("SELECT COUNT(*) FROM novakit_migrations") == [(str(newest),)]
    version = run_cli("db", "version", "--database", db.url)
    assert version.returncode == 0 and version.stdout.strip() == str(newest)


def test_db_sync_to_a_version_and_no_downgrade(tmp_path):
    db = Database(tmp_path)
    assert run_cli("db", "sync", "--version", "0", "--database", db.url).returncode == 0
    assert run_cli("db", "version", "--database", db.url).stdout.strip() == "0"
    assert run_cli("db", "sync", "--version", "1", "--database", db.url).returncode == 0
    assert run_cli("db", "version", "--database", db.url).stdout.strip() == "1"
    refused = run_cli("db", "sync", "--version", "0", "--database", db.url)
    assert refused.returncode != 0
    assert "database is at version 1; downgrading to 0 is not supported" in refused.stderr
    unknown = run_cli("db", "sync", "--version", "999", "--database", db.url)
    assert unknown.returncode != 0 and "version 999 does not exist" in unknown.stderr


def test_serve_migrates_the_embedded_database(tmp_path, novakit):
    if POSTGRES_URL:
        db = Database(tmp_path)
        refused = run_cli("serve", "--port", "0", "--database", db.url)
        assert refused.returncode != 0 and "run `novakit db sync`" in refused.stderr
        assert run_cli("db", "sync", "--database", db.url).returncode == 0
        cloud = novakit(database=db)
    else:
        cloud = novakit()
        newest = run_cli("db", "version", "--database", cloud.db.url).stdout.strip()
        assert int(newest) >= 1
    assert cloud.request("GET", "/v2.1/os-documents").status_code == 200


def test_bad_settings_fail_at_boot(tmp_path):
    for args, message in [
        (["--database", "mysql://x"], "invalid database URL"),
        (["--auth", "magic"], "unknown auth strategy 'magic'"),
        (["--disable-extension", "os-nothing"], "unknown extension alias 'os-nothing'"),
        (["--policy-file", str(tmp_path / "missing.yaml")], "cannot read policy file"),
    ]:
        result = run_cli("serve", "--port", "0", *args, cwd=tmp_path)
        assert result.returncode != 0 and message in result.stderr, result.stderr


def test_configuration_precedence(tmp_path):
    """Flags win over NOVAKIT_* variables, which win over the --config file, which wins over defaults."""
    file_port, env_port, flag_port = free_port(), free_port(), free_port()
    config = tmp_path / "novakit.yaml"
    config.write_text(f"port: {file_port}\nhost: 127.0.0.1\napi:\n  maxBodySize: 100\nauth:\n  strategy: noauth2\nidentity:\n  port: 0\n")
    cases = [
        ([], {}, file_port),
        ([], {"NOVAKIT_PORT": str(env_port)}, env_port),
        (["--port", str(flag_port)], {"NOVAKIT_PORT": str(env_port)}, flag_port),
    ]
    for index, (args, env, expected) in enumerate(cases):
        db = Database(tmp_path / str(index))
        if POSTGRES_URL:
            run_cli("db", "sync", "--database", db.url)
        process = subprocess.Popen([str(BINARY), "serve", "--config", str(config), "--database", db.url, *args],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=clean_env(env))
        try:
            wait_until_listening(expected, process)
            # The file's body limit applies whatever the port's source.
            response = requests.post(f"http://127.0.0.1:{expected}/v2.1/os-documents", json={"name": "x" * 200},
                                     headers={"X-Auth-Token": "a:b"})
            assert response.status_code == 413
        finally:
            process.terminate()
            process.wait(timeout=10)


def wait_until_listening(port, process):
    def running():
        assert process.poll() is None, "novakit exited"
    assert wait_for_answer([f"http://127.0.0.1:{port}/"], running), f"nothing answers on {port}"


def test_env_database_url(tmp_path):
    db = Database(tmp_path)
    result = run_cli("db", "sync", env={"NOVAKIT_DATABASE_URL": db.url})
    assert result.returncode == 0, result.stderr
    assert run_cli("db", "version", env={"NOVAKIT_DATABASE_URL": db.url}).stdout.strip() != "0"
    assert run_cli("db", "version", "--database", db.url).stdout.strip() != "0"


def test_policy_list(tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text('"compute_extension:documents:delete": "role:admin"\n')
    listing = run_cli("policy", "list", "--policy-file", str(policy)).stdout
    assert '"compute_extension:documents": "rule:admin_or_owner"' in listing
    assert '"compute_extension:documents:delete": "role:admin"' in listing
    assert '"compute_extension:documents:index": "rule:compute_extension:documents"' in listing
    assert '"admin_or_owner": "is_admin:True or project_id:%(project_id)s"' in listing


def test_settings_from_the_environment_and_the_file_are_checked_like_flags(tmp_path):
    """Issue 13: a bad number in a NOVAKIT_* variable or the YAML file, or a misspelt YAML key, stops the
    start with an error naming where it came from — never the default silently."""
    bad_env = run_cli("serve", "--auth", "noauth2", env={"NOVAKIT_PORT": "abc"}, cwd=tmp_path)
    assert bad_env.returncode != 0 and "environment variable NOVAKIT_PORT: 'abc' is not a whole number" in bad_env.stderr
    bad_delay = run_cli("serve", "--port", "0", env={"NOVAKIT_COMPUTE_STEP_DELAY": "fast"}, cwd=tmp_path)
    assert bad_delay.returncode != 0 and "NOVAKIT_COMPUTE_STEP_DELAY: 'fast'" in bad_delay.stderr
    config = tmp_path / "novakit.yaml"
    config.write_text("port: notanumber\n")
    bad_file = run_cli("serve", "--config", str(config), cwd=tmp_path)
    assert bad_file.returncode != 0 and f"setting 'port' in {config}: 'notanumber' is not a whole number" in bad_file.stderr
    config.write_text("prot: 8774\nidentity:\n  port: 0\n  tokenLifetme: 10\napi:\n  maxBodySize: 100\n")
    misspelt = run_cli("serve", "--config", str(config), cwd=tmp_path)
    assert misspelt.returncode != 0
    assert f"unknown settings 'identity.tokenLifetme', 'prot' in {config}" in misspelt.stderr
    # Nothing was created by the refused starts.
    assert list(tmp_path.iterdir()) == [config]


def test_a_taken_port_is_named_before_anything_starts(tmp_path):
    import socket
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    taken = holder.getsockname()[1]
    try:
        result = run_cli("serve", "--port", str(free_port()), "--image-port", str(taken), "--auth", "noauth2",
                         "--database", f"sqlite://{tmp_path / 'novakit.sqlite'}", cwd=tmp_path)
        assert result.returncode != 0
        assert f"the image API cannot listen on 127.0.0.1:{taken}: the address is already in use" in result.stderr
        assert "CancellationError" not in result.stderr and "Already closed" not in result.stderr
        assert not (tmp_path / "novakit.sqlite").exists()  # no database opened, nothing migrated
        twice = free_port()
        same = run_cli("serve", "--port", str(twice), "--network-port", str(twice), "--auth", "noauth2", cwd=tmp_path)
        assert same.returncode != 0 and f"the compute API and the network API are both configured on port {twice}" in same.stderr
    finally:
        holder.close()


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0 and re.fullmatch(r"\d+\.\d+\.\d+\n", result.stdout)


def test_an_unbootstrapped_noauth_cloud_says_why_it_is_empty(novakit):
    cloud = novakit()  # --auth noauth2, no admin password
    assert cloud.request("GET", "/v2.1/flavors").json()["flavors"] == []
    assert "not bootstrapped yet, so there are no flavors, images or networks" in cloud.logs()
    seeded = novakit(admin_password="pw")
    assert "not bootstrapped yet" not in seeded.logs()
    assert "bootstrap: admin user, roles, services and endpoints ensured" in seeded.logs()

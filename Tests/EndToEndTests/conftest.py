"""End-to-end harness: starts the real `novakit` binary on a free loopback port with a fresh database.

Every compute response a test receives can be checked against tempest's response schemas
(`validate`), and every fault against Nova's fault shape (`assert_fault`).
"""
import os
import re
import socket
import sqlite3
import subprocess
import time
import uuid
import warnings
from pathlib import Path

import jsonschema
import pytest
import requests
from tempest.lib.common.rest_client import RestClient

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("NOVAKIT_BIN", ROOT / ".build" / "debug" / "novakit"))
POSTGRES_URL = os.environ.get("NOVAKIT_TEST_POSTGRES_URL")
PROJECT = "6f70656e737461636b20342065766572"
OTHER_PROJECT = "0123456789abcdef0123456789abcdef"
USER = f"alice:{PROJECT}"
ADMIN = f"admin:{PROJECT}"
REQUEST_ID = re.compile(r"^req-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
FAULT_NAMES = {
    400: "badRequest", 401: "unauthorized", 403: "forbidden", 404: "itemNotFound", 405: "badMethod",
    409: "conflictingRequest", 413: "overLimit", 415: "badMediaType", 429: "overLimit", 501: "notImplemented",
}


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "clients: drives real client programs (openstackclient, novaclient, openstacksdk) or the README's own command, "
        "which check the HTTP surface the same whatever the database engine; scripts/test.sh runs them in its SQLite "
        "pass only")


_handed_out = set()


def free_ports(count):
    """`count` distinct loopback ports, none handed out before in this session: all sockets stay bound
    until every port is chosen, so the kernel cannot give the same port twice."""
    sockets, ports = [], []
    try:
        while len(ports) < count:
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
            port = sock.getsockname()[1]
            if port not in _handed_out:
                ports.append(port)
    finally:
        for sock in sockets:
            sock.close()
    _handed_out.update(ports)
    return ports


def wait_for_answer(urls, check=lambda: None, seconds=30):
    """Polls until every URL answers a GET (any status); False when `seconds` pass first.

    A refused connection means not listening yet; a read timeout means listening but slow to answer
    on a loaded machine. Both are asked again. `check` runs before each round and may raise (e.g.
    when the server process has exited)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        check()
        try:
            for url in urls:
                requests.get(url, timeout=2)
            return True
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.05)
    return False


def free_port():
    return free_ports(1)[0]


_created_databases = []
_template = None


def _postgres_url(name):
    """The URL of database `name` on the server NOVAKIT_TEST_POSTGRES_URL names."""
    return POSTGRES_URL.rsplit("/", 1)[0] + "/" + name


def _run_psql(url, sql, retry_if, attempts, pause):
    """Runs `sql` with psql, again after `pause` while it fails with an error `retry_if` accepts, at most
    `attempts` times; returns the last run."""
    for attempt in range(attempts):
        out = subprocess.run(["psql", url, "-AtX", "-F", "|", "-c", sql], capture_output=True, text=True)
        if out.returncode == 0 or attempt == attempts - 1 or not retry_if(out.stderr):
            return out
        time.sleep(pause)


def _synced_template():
    """A PostgreSQL database migrated once per session (`db sync`); a test's fresh synced database is a copy of
    it, which takes a fraction of the time of migrating each one."""
    global _template
    if _template is None:
        name = "novakit_template_" + uuid.uuid4().hex[:12]
        Database._psql(POSTGRES_URL, f"CREATE DATABASE {name}")
        subprocess.run([str(BINARY), "db", "sync", "--database", _postgres_url(name)], check=True, capture_output=True)
        _template = name
    return _template


class Database:
    """A fresh database for one test: a SQLite file, or a new PostgreSQL database when configured (dropped
    when the test ends). `synced`: a PostgreSQL database already migrated, as `db sync` leaves it (serve
    migrates a SQLite file itself)."""

    def __init__(self, tmp_path, synced=False):
        if POSTGRES_URL:
            self.name = "novakit_" + uuid.uuid4().hex[:12]
            template = f" TEMPLATE {_synced_template()}" if synced else ""
            self._psql(POSTGRES_URL, f"CREATE DATABASE {self.name}{template}")
            _created_databases.append(self.name)
            self.url = _postgres_url(self.name)
        else:
            tmp_path.mkdir(parents=True, exist_ok=True)
            self.path = tmp_path / "novakit.sqlite"
            self.url = f"sqlite://{self.path}"

    @staticmethod
    def _psql(url, sql):
        # A backend of a client that just exited may still be attached to the template for a moment.
        out = _run_psql(url, sql, lambda error: "is being accessed by other users" in error, attempts=50, pause=0.1)
        out.check_returncode()
        return out.stdout

    def query(self, sql):
        """Rows as tuples of strings (None for NULL)."""
        if POSTGRES_URL:
            text = self._psql(self.url, sql)
            return [tuple(v if v != "" else None for v in line.split("|")) for line in text.splitlines() if line]
        with sqlite3.connect(self.path) as db:
            return [tuple(None if v is None else str(v) for v in row) for row in db.execute(sql)]


@pytest.fixture(autouse=True)
def _drop_databases():
    """PostgreSQL databases a test created are dropped after it (and after its servers stopped: autouse
    fixtures are torn down last), so a run does not leave hundreds of them behind."""
    yield
    while _created_databases:
        _drop(_created_databases.pop())


@pytest.fixture(scope="session", autouse=True)
def _drop_template():
    yield
    if _template is not None:
        _drop(_template)


def _drop(name):
    """Drops a test's database; FORCE ends the test's own leftover sessions, but not a superuser's (autovacuum),
    which ends by itself soon. A database still busy after that is left behind: cleaning up is not the test."""
    out = _run_psql(POSTGRES_URL, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", lambda error: True, attempts=20, pause=0.25)
    if out.returncode != 0:
        warnings.warn(f"could not drop the test database {name}: {out.stderr.strip()}")


class NovaKit:
    """One running `novakit serve`."""

    def __init__(self, tmp_path, args=(), env=None, database=None, auth="noauth2", admin_password=None):
        self.tmp = tmp_path
        if database is None:  # serve refuses an out-of-date PostgreSQL schema: synced first, as operators do
            database = Database(tmp_path, synced=True)
        self.db = database
        self.admin_password = admin_password
        # Another process may take a chosen port before the server binds it: try again with new ports.
        for attempt in range(3):
            self.port, self.identity_port, self.image_port, self.network_port, self.metrics_port = free_ports(5)
            self.log_path = tmp_path / f"novakit-{self.port}.log"
            command = [str(BINARY), "serve", "--port", str(self.port), "--identity-port", str(self.identity_port),
                       "--image-port", str(self.image_port), "--network-port", str(self.network_port),
                       "--metrics-port", str(self.metrics_port), "--database", self.db.url,
                       "--auth", auth, *args]
            if admin_password:
                command += ["--admin-password", admin_password]
            self.log = open(self.log_path, "w")
            self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, env=clean_env(env), cwd=tmp_path)
            self.base = f"http://127.0.0.1:{self.port}"
            self.identity = f"http://127.0.0.1:{self.identity_port}"
            self.image = f"http://127.0.0.1:{self.image_port}"
            self.network = f"http://127.0.0.1:{self.network_port}"
            self.metrics = f"http://127.0.0.1:{self.metrics_port}/metrics"
            try:
                self._wait()
                return
            except RuntimeError:
                if "already in use" not in self.logs() or attempt == 2:
                    raise
                self.log.close()

    def _wait(self):
        def exited():
            if self.process.poll() is not None:
                raise RuntimeError(f"novakit exited with {self.process.returncode}: {self.logs()}")
        if not wait_for_answer([self.base + "/"], exited, seconds=30):
            raise RuntimeError("novakit did not start: " + self.logs())

    def logs(self):
        self.log.flush()
        return self.log_path.read_text()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        # Every server of the run is checked: its admin password never reaches its log (short ones like "pw"
        # would match ordinary words, so only distinctive ones are looked for).
        if self.admin_password and len(self.admin_password) >= 8:
            assert self.admin_password not in self.log_path.read_text(), "the admin password was logged"

    def request(self, method, path, token=USER, json=None, data=None, headers=None, version=None):
        all_headers = {}
        if token is not None:
            all_headers["X-Auth-Token"] = token
        if version is not None:
            all_headers["OpenStack-API-Version"] = f"compute {version}"
        all_headers.update(headers or {})
        return requests.request(method, self.base + path, json=json, data=data, headers=all_headers, timeout=10,
                                allow_redirects=False)


@pytest.fixture
def novakit(tmp_path):
    """Factory: `novakit(*args, env={...})` starts a server; all are stopped after the test."""
    started = []

    def start(*args, env=None, database=None, auth="noauth2", admin_password=None):
        server = NovaKit(tmp_path, args, env, database, auth, admin_password)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def cloud(novakit):
    """One server with default settings."""
    return novakit()


HASH_ROUNDS = "NOVAKIT_IDENTITY_PASSWORD_HASH_ROUNDS"
# Every process a test starts hashes passwords with bcrypt's cheapest cost: in the debug build the tests run, one
# hash or check at Keystone's default cost (12) takes about 0.6 s, and the suite logs in thousands of times.
# test_identity's test of the default cost starts its server without it.
TEST_SETTINGS = {HASH_ROUNDS: "4"}


def clean_env(extra=None):
    """The test's environment without any NOVAKIT_* variable, plus TEST_SETTINGS and `extra` (a `None` value there
    leaves that variable out)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOVAKIT_")}
    env.update(TEST_SETTINGS)
    env.update(extra or {})
    return {k: v for k, v in env.items() if v is not None}


def run_cli(*args, env=None, cwd=None):
    return subprocess.run([str(BINARY), *args], capture_output=True, text=True, env=clean_env(env), cwd=cwd, timeout=60)


class TempestResponse(dict):
    """What tempest's validator expects: a dict of lower-cased headers with a `status`."""

    def __init__(self, response):
        super().__init__({k.lower(): v for k, v in response.headers.items()})
        self.status = response.status_code


def validate(schema, response):
    """Validates status, body and headers against a tempest response schema (tempest itself checks only
    success responses, so an error status is refused here first)."""
    assert response.status_code in schema["status_code"], f"{response.status_code}: {response.text}"
    body = response.json() if response.content else None
    RestClient.validate_response(schema, TempestResponse(response), body)
    return body


FAULT_SCHEMA = {
    "type": "object", "minProperties": 1, "maxProperties": 1,
    "additionalProperties": {
        "type": "object", "required": ["code", "message"], "additionalProperties": False,
        "properties": {"code": {"type": "integer"}, "message": {"type": "string", "minLength": 1}},
    },
}


def assert_fault(response, code, message=None):
    """The response is a Nova fault with the right name, code and (optionally) message."""
    assert response.status_code == code, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    jsonschema.validate(body, FAULT_SCHEMA)
    name, inner = next(iter(body.items()))
    assert name == FAULT_NAMES.get(code, "computeFault")
    assert inner["code"] == code
    if message is not None:
        assert inner["message"] == message
    assert REQUEST_ID.match(response.headers["x-openstack-request-id"])
    return inner["message"]

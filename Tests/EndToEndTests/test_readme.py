"""Issue 2: the README's start command, run exactly as written from the repository root."""
import os
import re
import signal
import subprocess
from pathlib import Path

import requests
import pytest

from conftest import ROOT, wait_for_answer
from identity import password_auth


def readme_commands():
    block = re.search(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), re.S).group(1)
    return [line.split("#")[0].strip() for line in block.strip().splitlines()]


def test_readme_starts_with_serve_and_the_test_command():
    serve, test = readme_commands()
    assert serve.startswith("swift run novakit serve")
    assert test == "./scripts/test.sh"
    assert (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1] == test


@pytest.mark.clients
def test_readme_start_command_gives_a_usable_cloud(tmp_path):
    serve, _ = readme_commands()
    password = re.search(r"--admin-password (\S+)", serve).group(1)
    database = ROOT / "novakit.sqlite"
    assert not database.exists(), "a stray novakit.sqlite in the repository root"
    process = subprocess.Popen(serve, shell=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        def running():
            assert process.poll() is None, "the README's serve command exited"
        assert wait_for_answer(["http://127.0.0.1:5000/v3", "http://127.0.0.1:8774/"], running, seconds=300), \
            "the README's serve command did not start"
        issued = requests.post("http://127.0.0.1:5000/v3/auth/tokens", json=password_auth("admin", password, "admin"), timeout=30)
        assert issued.status_code == 201
        token = issued.headers["X-Subject-Token"]
        assert requests.get("http://127.0.0.1:8774/v2.1/os-documents", headers={"X-Auth-Token": token}, timeout=10).status_code == 200
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        for leftover in [database, Path(str(database) + "-wal"), Path(str(database) + "-shm")]:
            leftover.unlink(missing_ok=True)

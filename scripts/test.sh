#!/usr/bin/env bash
# Runs every NovaKit test: Swift unit and in-process HTTP tests, the end-to-end suite against the real
# binary (on SQLite, and again on PostgreSQL when NOVAKIT_TEST_POSTGRES_URL is set), schemathesis against the
# OpenAPI documents the binary serves (scripts/fuzz.sh), then tempest's compute API suite against the binary
# (scripts/tempest.sh).
# Needs only Swift and Python 3; it creates .venv and installs the Python test tools itself. The PostgreSQL
# pass also needs psql and HAProxy (its cluster tests run nodes behind one); .ci/run installs both.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build
swift test

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check -r Tests/EndToEndTests/requirements.txt

NOVAKIT_BIN="$PWD/.build/debug/novakit"
export NOVAKIT_BIN
postgres_url="${NOVAKIT_TEST_POSTGRES_URL:-}"

echo "== end-to-end tests on SQLite"
# Tests/EndToEndTests/cluster runs several nodes on one database: PostgreSQL only.
env -u NOVAKIT_TEST_POSTGRES_URL .venv/bin/python -m pytest Tests/EndToEndTests -q --ignore=Tests/EndToEndTests/cluster

if [ -n "$postgres_url" ]; then
    echo "== end-to-end tests on PostgreSQL, and several nodes on one database"
    # Tests marked `clients` (real client programs, the README's command on its embedded file) check the HTTP
    # surface, which does not depend on the engine: they ran in the SQLite pass.
    NOVAKIT_TEST_POSTGRES_URL="$postgres_url" .venv/bin/python -m pytest Tests/EndToEndTests -q -m "not clients"
fi

echo "== schemathesis against the OpenAPI documents"
./scripts/fuzz.sh

echo "== tempest compute API suite"
./scripts/tempest.sh

#!/usr/bin/env bash
# `make test`: Django's checks, migrations up to date, lint, format, then the test suite.
# Extra arguments go to pytest: scripts/test.sh -k deadlines   /   make test ARGS="-k deadlines"
set -euo pipefail

cd "$(dirname "$0")/.."

bash scripts/setup.sh

step() { printf '\n== %s\n' "$*"; }

step "manage.py check"
.venv/bin/python manage.py check

step "makemigrations --check (models and migrations agree)"
.venv/bin/python manage.py makemigrations --check --dry-run

step "ruff check"
.venv/bin/ruff check .

step "ruff format --check"
.venv/bin/ruff format --check .

step "pytest"
# One process. Measured on the 2-core machines with PostgreSQL: -n 2 (pytest-xdist) was
# slower (70-100 s against 60-70 s serial for ~320 tests), since each worker builds its own
# test database and the cores are shared with PostgreSQL. Try ARGS="-n 2" as the suite grows.
status=0
.venv/bin/python -m pytest ${1+"$@"} || status=$?
if [ "$status" -eq 5 ]; then
    echo "test: pytest collected no tests; that is a failure, not a pass" >&2
fi
exit "$status"

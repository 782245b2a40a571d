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

step "dependency audit (pip-audit on the Python pins, npm audit --omit=dev)"
# Known vulnerabilities fail the run unless docs/dependency-audit-allowlist.toml accepts them.
# An unreachable vulnerability database is reported as NOT RUN with the reason, and fails only
# with S55_REQUIRE_AUDIT=1 (the CI machine's mirror serves packages but no advisories). The tests
# still run after a failed audit, so one run shows both.
audit_status=0
.venv/bin/python scripts/audit_dependencies.py || audit_status=$?

step "pytest"
# Two processes (pytest-xdist), one per core: the suite waits a lot on Chromium, PostgreSQL,
# Celery workers and subprocesses, so two workers overlap that waiting. Measured on the 2-core
# machine with PostgreSQL and Redis, 1,300 tests: 6 min 23 s with -n 2 against 9 min 39 s in
# one process. Pass ARGS="-p no:xdist" (or "-n 0") for one process when debugging.
# Tests that use the filesystem broker write into a throwaway folder, not the demo's var/.
export S55_VAR_DIR="${S55_VAR_DIR:-$(mktemp -d)}"
status=0
.venv/bin/python -m pytest -n 2 ${1+"$@"} || status=$?
if [ "$status" -eq 5 ]; then
    echo "test: pytest collected no tests; that is a failure, not a pass" >&2
fi
if [ "$audit_status" -ne 0 ]; then
    echo "test: the dependency audit failed (see its messages above the tests)" >&2
    [ "$status" -ne 0 ] || status=$audit_status
fi
exit "$status"

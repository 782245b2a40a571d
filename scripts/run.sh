#!/usr/bin/env bash
# `make run`: the whole service on this machine with no other services needed. SQLite, the
# Celery filesystem broker, the beat schedule and emails all live under var/ (git-ignored).
# It also starts a local OpenID Connect provider (scripts/local_oidc_provider.py) that the demo
# Norfolk office signs in with, so single sign-on can be tried without the internet.
# Ctrl-C stops the web server, the worker and the provider together.
set -euo pipefail

cd "$(dirname "$0")/.."

bash scripts/setup.sh

# config/settings.py keeps its SQLite database and broker folders in the same place.
var_dir=${S55_VAR_DIR:-$PWD/var}
case "$var_dir" in /*) ;; *) var_dir="$PWD/$var_dir" ;; esac
mkdir -p "$var_dir/emails"
# Reminder emails are written here as files, to be read after they are sent.
export S55_EMAIL_FILE_PATH="${S55_EMAIL_FILE_PATH:-$var_dir/emails}"

# load_demo wires the demo office to the provider on this port.
export S55_DEMO_OIDC_PORT="${S55_DEMO_OIDC_PORT:-8010}"

.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py load_demo

server_pid=""
worker_pid=""
oidc_pid=""
# shellcheck disable=SC2317 # called from the traps below
stop() {
    trap - INT TERM EXIT
    echo
    echo "Stopping Section 55 Tracker..."
    # runserver's parent stops its reloaded child; Celery finishes its current task.
    local pid
    for pid in $server_pid $worker_pid $oidc_pid; do
        kill "$pid" 2>/dev/null || true
    done
    wait
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

.venv/bin/python scripts/local_oidc_provider.py --port "$S55_DEMO_OIDC_PORT" \
    --config responses/demo/identity_provider.json &
oidc_pid=$!
.venv/bin/python manage.py runserver 127.0.0.1:8000 &
server_pid=$!
# One worker process that also runs beat: fine for one machine, never for production
# (docker-compose.yml runs beat as its own single service).
.venv/bin/celery -A config worker --beat --loglevel=info --concurrency=1 \
    --schedule "$var_dir/celerybeat-schedule" &
worker_pid=$!

echo "Section 55 Tracker is running at http://127.0.0.1:8000 (Ctrl-C stops everything)"
echo "The demo identity provider (single sign-on for the Norfolk office) is at http://127.0.0.1:$S55_DEMO_OIDC_PORT"

# Portable stand-in for `wait -n` (macOS bash 3.2): if any process dies, stop them all.
while kill -0 "$server_pid" 2>/dev/null && kill -0 "$worker_pid" 2>/dev/null \
    && kill -0 "$oidc_pid" 2>/dev/null; do
    sleep 1
done
echo "run: the web server, the worker or the identity provider stopped by itself; stopping the others" >&2
exit 1

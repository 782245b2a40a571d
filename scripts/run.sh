#!/usr/bin/env bash
# `make run`: the whole service on this machine with no other services needed. SQLite, the
# Celery filesystem broker, the beat schedule and emails all live under var/ (git-ignored).
# Ctrl-C stops the web server and the worker together.
set -euo pipefail

cd "$(dirname "$0")/.."

bash scripts/setup.sh

# config/settings.py keeps its SQLite database and broker folders in the same place.
var_dir=${S55_VAR_DIR:-$PWD/var}
case "$var_dir" in /*) ;; *) var_dir="$PWD/$var_dir" ;; esac
mkdir -p "$var_dir/emails"
# Reminder emails are written here as files, to be read after they are sent.
export S55_EMAIL_FILE_PATH="${S55_EMAIL_FILE_PATH:-$var_dir/emails}"

.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py load_demo

server_pid=""
worker_pid=""
# shellcheck disable=SC2317 # called from the traps below
stop() {
    trap - INT TERM EXIT
    echo
    echo "Stopping Section 55 Tracker..."
    # runserver's parent stops its reloaded child; Celery finishes its current task.
    local pid
    for pid in $server_pid $worker_pid; do
        kill "$pid" 2>/dev/null || true
    done
    wait
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

.venv/bin/python manage.py runserver 127.0.0.1:8000 &
server_pid=$!
# One worker process that also runs beat: fine for one machine, never for production
# (docker-compose.yml runs beat as its own single service).
.venv/bin/celery -A config worker --beat --loglevel=info --concurrency=1 \
    --schedule "$var_dir/celerybeat-schedule" &
worker_pid=$!

echo "Section 55 Tracker is running at http://127.0.0.1:8000 (Ctrl-C stops everything)"

# Portable stand-in for `wait -n` (macOS bash 3.2): if either process dies, stop both.
while kill -0 "$server_pid" 2>/dev/null && kill -0 "$worker_pid" 2>/dev/null; do
    sleep 1
done
echo "run: the web server or the worker stopped by itself; stopping the other" >&2
exit 1

#!/usr/bin/env bash
# Brings the working tree up to date for `make run` and `make test`: a Python >= 3.12
# virtualenv in .venv with the dev dependency group, node_modules from package-lock.json,
# and the compiled front end in static/dist/. Safe to run again and again: each step is
# skipped while the file it depends on is unchanged since it last succeeded.
# Works with the bash 3.2 that macOS ships.
set -euo pipefail

cd "$(dirname "$0")/.."

VENV=.venv
PY_STAMP="$VENV/.s55-pyproject.sha256"
NODE_STAMP=node_modules/.s55-package-lock.sha256
MIN_NODE="20.19.0" # Dart Sass's own minimum (package.json "engines")

say() { printf 'setup: %s\n' "$*"; }
die() {
    printf 'setup: error: %s\n' "$*" >&2
    exit 1
}

file_hash() {
    # Hash of the given files together; sha256sum on Linux, shasum on macOS.
    if command -v sha256sum >/dev/null 2>&1; then
        cat "$@" | sha256sum | cut -d' ' -f1
    else
        cat "$@" | shasum -a 256 | cut -d' ' -f1
    fi
}

is_python_312_or_newer() {
    # pyenv shims exist for versions that are installed but not selected and then fail,
    # so the candidate has to be run, not just found.
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

find_python() {
    local candidate
    for candidate in python3.13 python3.12 python3; do
        if command -v "$candidate" >/dev/null 2>&1 && is_python_312_or_newer "$candidate"; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

# --- Python virtualenv ---------------------------------------------------------------
if [ -x "$VENV/bin/python" ] && ! is_python_312_or_newer "$VENV/bin/python"; then
    say "$VENV does not run Python >= 3.12 (broken or made with an older Python); recreating it"
    rm -rf "$VENV"
fi

if [ ! -x "$VENV/bin/python" ]; then
    if ! PYTHON=$(find_python); then
        case "$(uname -s)" in
            Darwin) hint="brew install python@3.12 (or python@3.13), or the installer from python.org" ;;
            *) hint="sudo apt-get install python3.12 python3.12-venv on Ubuntu 24.04 or later; on Debian 12 (Python 3.11) use pyenv or uv to get 3.12" ;;
        esac
        die "Python 3.12 or newer is needed, but none of python3.13, python3.12, python3 on PATH is. Install it: $hint"
    fi
    say "creating $VENV with $PYTHON ($("$PYTHON" --version 2>&1))"
    if ! "$PYTHON" -m venv "$VENV"; then
        rm -rf "$VENV"
        die "could not create $VENV with $PYTHON. On Debian/Ubuntu install the venv module: sudo apt-get install python3.12-venv (or python3-venv)"
    fi
fi

py_hash=$(file_hash pyproject.toml)
if [ ! -f "$PY_STAMP" ] || [ "$(cat "$PY_STAMP")" != "$py_hash" ]; then
    say "installing Python packages (pyproject.toml changed since the last install)"
    # Dependency groups (--group) need pip >= 25.1.
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip \
        || die "could not upgrade pip in $VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --group dev \
        || die "pip install --group dev failed (see the messages above)"
    echo "$py_hash" >"$PY_STAMP"
else
    say "Python packages are up to date"
fi

# --- Message catalogues --------------------------------------------------------------
# The Welsh catalogue (locale/cy/LC_MESSAGES/django.po) compiled to the .mo Django reads, in
# pure Python (polib): no GNU gettext needed to run or test (docs/i18n.md).
say "compiling the message catalogues"
"$VENV/bin/python" manage.py compile_translations >/dev/null \
    || die "manage.py compile_translations failed (see the messages above)"

# --- Node packages and the front end -------------------------------------------------
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    die "Node.js $MIN_NODE or newer (with npm) is needed to build the CSS. Install Node 20 LTS or later from nodejs.org, your package manager (brew install node), or nvm"
fi
node -e '
    const need = process.argv[1].split(".").map(Number);
    const have = process.versions.node.split(".").map(Number);
    for (let i = 0; i < need.length; i++) {
        if (have[i] !== need[i]) process.exit(have[i] > need[i] ? 0 : 1);
    }
' "$MIN_NODE" || die "Node.js $MIN_NODE or newer is needed to build the CSS, but node is $(node --version). Install Node 20 LTS or later"

lock_files=package.json
[ -f package-lock.json ] && lock_files="package.json package-lock.json"
# shellcheck disable=SC2086 # two file names, split on purpose
node_hash=$(file_hash $lock_files)
if [ ! -d node_modules ] || [ ! -f "$NODE_STAMP" ] || [ "$(cat "$NODE_STAMP")" != "$node_hash" ]; then
    # No package needs an install script (Dart Sass is plain JavaScript).
    if [ -f package-lock.json ]; then
        say "installing Node packages (npm ci)"
        npm ci --ignore-scripts --no-audit --no-fund || die "npm ci failed (see the messages above)"
    else
        say "installing Node packages (npm install: there is no package-lock.json yet)"
        npm install --ignore-scripts --no-audit --no-fund || die "npm install failed (see the messages above)"
        node_hash=$(file_hash package.json package-lock.json)
    fi
    echo "$node_hash" >"$NODE_STAMP"
else
    say "Node packages are up to date"
fi

say "building static/dist (npm run build)"
npm run --silent build || die "npm run build failed (see the messages above)"


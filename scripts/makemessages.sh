#!/usr/bin/env bash
# Update the Welsh catalogue (locale/cy/LC_MESSAGES/django.po) from the strings marked in the
# code and templates; needs GNU gettext (xgettext, msgmerge): apt-get install gettext, or
# brew install gettext. Then translate the new entries and run
# `.venv/bin/python manage.py compile_translations` (docs/i18n.md).
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python manage.py makemessages -l cy --no-location --no-obsolete \
    --ignore ".venv/*" --ignore "node_modules/*" --ignore "staticfiles/*" --ignore "static/*" \
    --ignore "test-artefacts/*" --ignore "var/*" --ignore "tests/*" --ignore "bench/*" \
    --ignore "deploy/*"

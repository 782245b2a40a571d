"""Compile the message catalogues (locale/<lang>/LC_MESSAGES/django.po) to the .mo files Django
reads, with polib (pure Python), so a fresh checkout on macOS or Debian needs no GNU gettext.

scripts/setup.sh and the Docker image run it; the .mo files are not kept in git (a compiled
copy could silently disagree with the .po it came from). Updating the catalogue from the
templates (`manage.py makemessages`) does need GNU gettext: docs/i18n.md.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def catalogues() -> list[Path]:
    return sorted(
        po for locale in settings.LOCALE_PATHS for po in Path(locale).glob("*/LC_MESSAGES/*.po")
    )


def compile_catalogue(po_path: Path) -> Path:
    """Write the .mo beside the .po (fuzzy entries left out, as msgfmt does) and return it."""
    catalogue = polib.pofile(str(po_path))
    mo_path = po_path.with_suffix(".mo")
    catalogue.save_as_mofile(str(mo_path))
    return mo_path


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po to .mo (pure Python; no GNU gettext needed)."

    def handle(self, *args, **options):
        found = catalogues()
        if not found:
            raise CommandError(f"No .po catalogues under {settings.LOCALE_PATHS}")
        for po_path in found:
            mo_path = compile_catalogue(po_path)
            self.stdout.write(f"compiled {mo_path.relative_to(settings.BASE_DIR)}")

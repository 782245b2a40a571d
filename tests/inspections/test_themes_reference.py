"""The seeded themes are the list in inspections/themes.py (the migration copies it)."""

import pytest

from inspections.models import Theme
from inspections.themes import THEMES

pytestmark = pytest.mark.django_db


def test_the_migration_loads_every_theme_of_the_reference_list_in_order():
    assert list(Theme.objects.values_list("slug", "name", "description")) == list(THEMES)
    assert {"vulnerability", "crime-data-integrity", "vetting", "custody"} <= set(
        Theme.objects.values_list("slug", flat=True)
    )

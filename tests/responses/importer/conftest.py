"""Fixtures for the importer's tests: the documents in fixtures/ and the 43 forces as the
parser sees them (plain data from the reference data, so parser tests need no database)."""

from importlib import import_module
from pathlib import Path

import pytest

from accounts.reference_data import FORCES
from responses.importer.parser import ForceName

FIXTURES = Path(__file__).parent / "fixtures"

#: The reference published response (a copy of ../shared/domain/pcc-response-norfolk-cdi-2019.txt).
NORFOLK = "pcc-response-norfolk-cdi-2019.txt"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_text(name: str) -> str:
    """The fixture as pasted: bytes decoded as UTF-8, line endings kept as they are."""
    return fixture_bytes(name).decode("utf-8")


FORCE_NAMES = [ForceName(f["slug"], (f["name"], f["short_name"])) for f in FORCES]


@pytest.fixture
def forces():
    return FORCE_NAMES


@pytest.fixture
def reference_data(db):
    """The 43 forces and their offices, which a data migration loads. A transactional test
    (the browser tests) empties the database when it ends, so load them again if needed."""
    from django.apps import apps

    from accounts.models import PolicingBody

    if not PolicingBody.objects.exists():
        import_module("accounts.migrations.0002_reference_data").load(apps, None)


@pytest.fixture
def drafter(reference_data):
    """A drafter in Norfolk's office."""
    from accounts.models import Membership
    from tests.factories import office_user, policing_body

    return office_user(policing_body("norfolk-pcc"), Membership.Role.OPCC_DRAFTER)


@pytest.fixture
def approver(reference_data):
    """An approver in Norfolk's office: recording a response already published is the office's
    sign-off (`responses.workflow.RECORD_PUBLISHED_ROLES`)."""
    from accounts.models import Membership
    from tests.factories import office_user, policing_body

    return office_user(policing_body("norfolk-pcc"), Membership.Role.OPCC_APPROVER)

"""Fixtures for inspection tests: a member of Norfolk's office and a report recorded through
the real service."""

from datetime import date

import pytest

from accounts.models import Membership
from inspections.models import ReportType
from inspections.services import report_create
from tests.factories import force, office_user, policing_body


@pytest.fixture
def staff():
    return office_user(policing_body("norfolk-pcc"), Membership.Role.OPCC_DRAFTER)


@pytest.fixture
def report(staff):
    """Norfolk's CDI 2019 report, published Tuesday 7 January 2020."""
    return report_create(
        acting_user=staff,
        forces=[force("norfolk")],
        title="Norfolk Constabulary Crime Data Integrity inspection 2019",
        published_on=date(2020, 1, 7),
        report_type=ReportType.CRIME_DATA_INTEGRITY,
    )

"""Another office never reads our staff's names: a national report's history (and a response's)
shows another office's people as that office, another force's contributors as that force, and
our own office's and force's people by name."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership
from accounts.selectors import NO_ORGANISATION_LABEL, person_namer
from core.history import attribute
from inspections.models import Scope
from tests.factories import (
    ReportFactory,
    UserFactory,
    force,
    force_user,
    make_response,
    office_user,
    policing_body,
)

pytestmark = pytest.mark.django_db

NORFOLK_OFFICE = "Office of the Police and Crime Commissioner for Norfolk"


def text_of(html: bytes) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html.decode()))).strip()


@pytest.fixture
def norfolk_drafter():
    return office_user(policing_body("norfolk-pcc"), full_name="Dana Drafter")


@pytest.fixture
def suffolk_drafter():
    return office_user(policing_body("suffolk-pcc"), full_name="Sam Suffolk")


@pytest.fixture
def national_report(norfolk_drafter):
    """A national report whose last change was made by Norfolk's drafter."""
    report = ReportFactory(scope=Scope.NATIONAL, forces=[])
    report.title = "State of Policing 2025"
    attribute(report, acting_user=norfolk_drafter, reason="Title corrected")
    report.save()
    return report


def history_text(client, viewer, report) -> str:
    client.force_login(viewer)
    page = client.get(reverse("inspections:report-history", args=[report.pk]))
    assert page.status_code == 200
    return text_of(page.content)


def test_another_office_sees_our_drafter_as_our_office_on_a_national_report(
    client, national_report, suffolk_drafter
):
    text = history_text(client, suffolk_drafter, national_report)

    assert "Dana Drafter" not in text
    assert NORFOLK_OFFICE in text
    assert "Title corrected" in text


def test_our_own_office_still_sees_our_drafters_name(client, national_report, norfolk_drafter):
    colleague = office_user(policing_body("norfolk-pcc"), Membership.Role.OPCC_APPROVER)

    assert "Dana Drafter" in history_text(client, colleague, national_report)


def test_someone_who_has_left_our_office_is_still_named_to_us(client, national_report):
    Membership.objects.filter(user__full_name="Dana Drafter").update(is_active=False)
    colleague = office_user(policing_body("norfolk-pcc"))

    assert "Dana Drafter" in history_text(client, colleague, national_report)


def test_a_response_history_names_our_force_but_not_another_office(client, norfolk_drafter):
    response = make_response(body=policing_body("norfolk-pcc"), acting_user=norfolk_drafter)
    our_force = force_user(force("norfolk"), full_name="Fran Force")
    other_office = office_user(policing_body("suffolk-pcc"), full_name="Sam Suffolk")
    for person, reason in ((our_force, "Force comments saved"), (other_office, "Fact corrected")):
        attribute(response, acting_user=person, reason=reason)
        response.save()

    client.force_login(office_user(policing_body("norfolk-pcc"), Membership.Role.OPCC_APPROVER))
    text = text_of(client.get(reverse("responses:history", args=[response.pk])).content)

    assert "Fran Force" in text
    assert "Dana Drafter" in text
    assert "Sam Suffolk" not in text
    assert "Office of the Police and Crime Commissioner for Suffolk" in text


def test_the_namer_names_other_forces_and_administrators_by_organisation():
    viewer = office_user(policing_body("suffolk-pcc"))
    norfolk_contributor = force_user(force("norfolk"), full_name="Fran Force")
    suffolk_contributor = force_user(force("suffolk"), full_name="Sue Suffolk")
    administrator = UserFactory(full_name="Ada Admin", is_superuser=True)

    name = person_namer(viewer=viewer, people=[norfolk_contributor, suffolk_contributor])

    assert name(norfolk_contributor) == "Norfolk Constabulary"
    assert name(suffolk_contributor) == "Sue Suffolk"
    assert name(administrator) == NO_ORGANISATION_LABEL
    assert name(viewer) == viewer.display_name
    assert name(None) == "System"


def test_a_force_contributor_sees_its_office_by_name_and_other_offices_by_organisation():
    viewer = force_user(force("norfolk"))
    norfolk_staff = office_user(policing_body("norfolk-pcc"), full_name="Dana Drafter")
    suffolk_staff = office_user(policing_body("suffolk-pcc"), full_name="Sam Suffolk")

    name = person_namer(viewer=viewer, people=[norfolk_staff, suffolk_staff])

    assert name(norfolk_staff) == "Dana Drafter"
    assert name(suffolk_staff) == "Office of the Police and Crime Commissioner for Suffolk"


def test_the_report_history_costs_the_same_queries_whoever_changed_it(
    client, national_report, suffolk_drafter, django_assert_max_num_queries
):
    client.force_login(suffolk_drafter)
    url = reverse("inspections:report-history", args=[national_report.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(5):
        person = office_user(policing_body("essex-pfcc"), full_name=f"Essex {n}")
        attribute(national_report, acting_user=person, reason=f"Change {n}")
        national_report.save()

    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(url)


def test_a_refused_save_names_the_last_editor_only_if_they_are_ours(norfolk_drafter):
    from responses.selectors import last_change

    response = make_response(body=policing_body("norfolk-pcc"), acting_user=norfolk_drafter)
    stranger = office_user(policing_body("suffolk-pcc"), full_name="Sam Suffolk")
    attribute(response, acting_user=stranger, reason="Fact corrected")
    response.save()
    colleague = office_user(policing_body("norfolk-pcc"))

    who, _ = last_change(response, viewer=colleague)

    assert who == "Office of the Police and Crime Commissioner for Suffolk"

"""The inspectorate's name follows the date (HMIC before 19 July 2017, HMICFRS from then) in
the response document, the public page, the force's invitation email and the copies."""

import re
from datetime import date

import pytest

from accounts.models import Membership
from core.models import OutgoingEmail
from inspections.inspectorate import inspectorate_on
from responses.notifications import send_force_invitation
from responses.pdf import document_for_preview, render_snapshot
from responses.services import response_invite_force
from tests.factories import ReportFactory, force_user, make_response, office_user, policing_body

HMIC = "Her Majesty's Inspectorate of Constabulary (HMIC)"
HMICFRS_HER = "Her Majesty's Inspectorate of Constabulary and Fire & Rescue Services (HMICFRS)"
HMICFRS_HIS = "His Majesty's Inspectorate of Constabulary and Fire & Rescue Services (HMICFRS)"


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2014, 3, 1), HMIC),
        (date(2017, 5, 2), HMIC),  # the 56-day rule began before the new name
        (date(2017, 7, 18), HMIC),
        (date(2017, 7, 19), HMICFRS_HER),  # the new name was announced that day
        (date(2022, 9, 7), HMICFRS_HER),
        (date(2022, 9, 8), HMICFRS_HIS),  # accession of Charles III
        (date(2025, 1, 1), HMICFRS_HIS),
    ],
)
def test_the_name_on_a_date(day, name):
    assert str(inspectorate_on(day)) == name


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("published_on", "name", "abbreviation"),
    [(date(2016, 3, 10), HMIC, "HMIC"), (date(2020, 1, 7), HMICFRS_HER, "HMICFRS")],
)
def test_the_response_document_names_the_inspectorate_of_the_reports_day(
    published_on, name, abbreviation
):
    report = ReportFactory(published_on=published_on)
    document = document_for_preview(make_response(report=report))

    assert document.heading.endswith(f"published by {name}")
    assert f"to the {abbreviation} report {report.title}" in document.subject
    html = render_snapshot(document).replace("&#x27;", "'").replace("&amp;", "&")
    (heading,) = re.findall(r"<h1[^>]*>(.*?)</h1>", html)
    assert heading.endswith(f"published by {name}")


@pytest.mark.django_db
def test_the_force_invitation_email_names_the_inspectorate_of_the_reports_day():
    body = policing_body("norfolk-pcc")
    force_user(body.force, email="force@example.org")
    report = ReportFactory(title="Norfolk: an inspection of 2016", published_on=date(2016, 3, 10))
    drafter = office_user(body, Membership.Role.OPCC_DRAFTER)
    response = make_response(report=report, body=body, acting_user=drafter)
    response_invite_force(
        response=response,
        invited_on=date(2016, 3, 11),
        reply_by=date(2016, 4, 8),
        acting_user=drafter,
    )
    OutgoingEmail.objects.all().delete()

    send_force_invitation(response.pk)

    (message,) = OutgoingEmail.objects.all()  # stored, then sent by its own task
    assert 'on the HMIC report "Norfolk: an inspection of 2016"' in message.text
    assert "HMICFRS" not in message.text
    assert "on the HMIC report <strong>" in message.html

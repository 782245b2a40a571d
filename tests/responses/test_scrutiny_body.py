"""The scrutiny body is data (`PolicingBody.scrutiny_body_name`): the checklist, the copies
page, the next step and the panel packs name each body's own; the City of London has none.
Recommendations to all local policing bodies are named for the body's kind."""

import re
from datetime import date
from html import unescape

import pytest
from django.urls import reverse

from accounts.models import Membership
from inspections.models import Addressee
from responses.models import Status
from responses.pdf import document_for_preview, render_snapshot
from responses.selectors import copies_to
from responses.services import response_record_copies
from responses.workflow import WorkflowError
from tests.factories import (
    RecommendationFactory,
    ReportFactory,
    make_response,
    office_user,
    policing_body,
)

from .conftest import Flow

pytestmark = pytest.mark.django_db


def text_of(html: bytes | str) -> str:
    html = html.decode() if isinstance(html, bytes) else html
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def published_flow(slug: str) -> Flow:
    body = policing_body(slug)
    drafter = office_user(body, Membership.Role.OPCC_DRAFTER)
    approver = office_user(body, Membership.Role.OPCC_APPROVER)
    report = ReportFactory(forces=[body.force])
    RecommendationFactory(report=report, addressees=[Addressee.FORCE, Addressee.POLICING_BODIES])
    flow = Flow(
        response=make_response(report=report, body=body, acting_user=drafter),
        drafter=drafter,
        approver=approver,
    )
    flow.drive(Status.PUBLISHED)
    return flow


def checklist(flow) -> list[str]:
    return [row.label for row in document_for_preview(flow.response).checklist]


@pytest.mark.parametrize(
    ("slug", "row"),
    [
        ("norfolk-pcc", "Response forwarded to the Norfolk Police and Crime Panel"),
        ("essex-pfcc", "Response forwarded to the Essex Police, Fire and Crime Panel"),
        ("mopac", "Response forwarded to the London Assembly Police and Crime Committee"),
        (
            "greater-manchester-mayor",
            "Response forwarded to the Greater Manchester Police, Fire and Crime Panel",
        ),
    ],
)
def test_the_checklist_names_the_bodys_own_scrutiny_body(slug, row):
    rows = checklist(published_flow(slug))

    assert row in rows
    assert "Response forwarded to the Police and Crime Panel" not in rows


def test_the_city_of_london_has_no_panel_row_no_panel_copy_and_no_panel_field(client):
    flow = published_flow("city-of-london-common-council")
    client.force_login(flow.drafter)

    assert not any("Panel" in row or "Committee" in row for row in checklist(flow))
    assert [who for who, _ in copies_to(flow.response.versions.get())] == [
        "HMICFRS",
        "the Home Secretary",
        "the chief officer",
    ]
    page = text_of(client.get(reverse("responses:copies", args=[flow.response.pk])).content)
    assert "Panel" not in page
    with pytest.raises(WorkflowError, match="no scrutiny body"):
        response_record_copies(
            response=flow.response, acting_user=flow.drafter, panel=date(2020, 2, 24)
        )


def test_the_copies_page_and_next_step_name_the_scrutiny_body(client):
    flow = published_flow("essex-pfcc")
    client.force_login(flow.drafter)

    page = text_of(client.get(reverse("responses:copies", args=[flow.response.pk])).content)
    detail = text_of(client.get(reverse("responses:detail", args=[flow.response.pk])).content)

    assert "Sent to the Essex Police, Fire and Crime Panel" in page
    assert "Offices also send it to the Essex Police, Fire and Crime Panel" in page
    assert "sent to HMICFRS, the Home Secretary, the Essex Police, Fire and Crime Panel" in detail
    assert "Police and Crime Panel" not in page.replace("Police, Fire and Crime Panel", "")


@pytest.mark.parametrize(
    ("slug", "label"),
    [
        ("norfolk-pcc", "Police and crime commissioners"),
        ("west-yorkshire-mayor", "Mayors exercising police and crime commissioner functions"),
        ("essex-pfcc", "Police, fire and crime commissioners"),
        ("mopac", "The Mayor's Office for Policing and Crime"),
    ],
)
def test_recommendations_to_all_policing_bodies_are_named_for_the_bodys_kind(slug, label):
    flow = published_flow(slug)
    text = text_of(render_snapshot(document_for_preview(flow.response)))

    assert f"Addressed to: The force, {label}." in text
    if slug != "norfolk-pcc":
        assert "Police and crime commissioners" not in text


def test_a_mayors_staff_pages_do_not_call_the_mayor_a_pcc(client):
    flow = published_flow("west-yorkshire-mayor")
    client.force_login(flow.drafter)

    page = text_of(
        client.get(reverse("responses:recommendations", args=[flow.response.pk])).content
    )

    assert "Mayors exercising police and crime commissioner functions" in page
    assert "Police and crime commissioners" not in page

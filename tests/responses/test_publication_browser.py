"""Publishing in real Chromium: every guard is checked again when the approver presses the
button (Police Act 1996 s55(4), (5), (5A), (5B)), and a published response never carries a
placeholder ("Not yet signed", "No comments have been received ... yet")."""

import pytest
from django.utils import timezone

from accounts.models import Membership
from core.models import OutgoingEmail
from inspections.models import Finding
from inspections.services import finding_add
from responses.models import Response, ResponseVersion, Status
from responses.pdf import DRAFT_ONLY_PHRASES
from tests.factories import (
    RecommendationFactory,
    ReportFactory,
    make_response,
    office_user,
    policing_body,
)

from .conftest import Flow
from .test_views import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reference_data(transactional_db):
    from importlib import import_module

    from django.apps import apps

    import_module("accounts.migrations.0002_reference_data").load(apps, None)


def _approved(*, holder_name: str, force_replies: bool) -> Flow:
    """A Norfolk response to a report published today, approved and ready to publish."""
    body = policing_body("norfolk-pcc")
    body.holder_name = holder_name
    body.save()
    drafter = office_user(body, Membership.Role.OPCC_DRAFTER, full_name="Dana Drafter")
    approver = office_user(body, Membership.Role.OPCC_APPROVER, full_name="Alex Approver")
    today = timezone.localdate()
    report = ReportFactory(
        title="Norfolk Constabulary PEEL inspection", forces=[body.force], published_on=today
    )
    RecommendationFactory(report=report)
    RecommendationFactory(report=report)
    flow = Flow(
        response=make_response(report=report, body=body, acting_user=drafter),
        drafter=drafter,
        approver=approver,
    )
    flow.write_text()
    flow.explain_all()
    from responses.services import response_invite_force

    flow.response = response_invite_force(
        response=flow.response, invited_on=today, reply_by=today, acting_user=drafter
    )
    if force_replies:
        flow.force_replies()
    else:
        flow.do("start drafting")  # the force never replied: its comments are optional
    flow.do("submit for approval")
    flow.do("approve")
    assert flow.refreshed().status == Status.APPROVED
    return flow


def _publish_url(live_server, response) -> str:
    return f"{live_server.url}/responses/{response.pk}/publish/"


def test_a_recommendation_added_after_approval_stops_publication_and_sends_it_back(
    reference_data, live_server, page, axe
):
    flow = _approved(holder_name="Giles Orpen-Smellie", force_replies=True)
    _sign_in(page.context, live_server, flow.approver)
    page.goto(_publish_url(live_server, flow.response))
    page.get_by_label("Address of the published response").fill("https://example.org/r")

    # While the approver has the form open, a colleague records a recommendation the report
    # makes but the register missed.
    finding_add(
        report=flow.report,
        kind=Finding.Kind.RECOMMENDATION,
        text="The force should audit stalking crimes.",
        reference="R3",
        acting_user=flow.drafter,
    )
    page.get_by_role("button", name="Record the publication").click()

    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "You cannot publish a response that is drafting" in summary.inner_text()
    assert axe(page) == []
    assert not ResponseVersion.objects.filter(response=flow.response).exists()

    page.goto(f"{live_server.url}/responses/{flow.response.pk}/")
    assert page.locator("main .govuk-tag").first.inner_text() == "Drafting"
    page.goto(f"{live_server.url}/responses/{flow.response.pk}/history/")
    history = page.locator("main").inner_text()
    assert "Sent back: the report's findings changed (Recommendation added: R3)" in history
    assert axe(page) == []
    assert OutgoingEmail.objects.get(kind="response_sent_back").recipient_id == flow.drafter.pk


def test_publishing_needs_a_signatory_and_the_published_page_has_no_placeholder(
    reference_data, live_server, page, axe
):
    flow = _approved(holder_name="", force_replies=False)
    _sign_in(page.context, live_server, flow.approver)
    page.goto(_publish_url(live_server, flow.response))
    name = page.get_by_label("Name of the person signing the response")
    assert name.input_value() == ""
    assert page.get_by_label("Their title").input_value() == "Police and Crime Commissioner"

    page.get_by_role("button", name="Record the publication").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Enter the name of the person signing the response" in summary.inner_text()
    assert axe(page) == []
    assert flow.refreshed().status == Status.APPROVED

    page.get_by_label("Name of the person signing the response").fill("Giles Orpen-Smellie")
    page.get_by_role("button", name="Record the publication").click()
    page.get_by_role("heading", name="Copies sent").wait_for()

    published = Response.objects.get(pk=flow.response.pk)
    assert published.status == Status.PUBLISHED
    assert published.signatory_name == "Giles Orpen-Smellie"
    page.context.clear_cookies()  # as the public sees it
    assert page.goto(f"{live_server.url}/published/{published.pk}/").status == 200
    text = page.locator("main").inner_text()
    assert "Giles Orpen-Smellie" in text
    assert "The Chief Constable did not submit comments." in text
    assert [phrase for phrase in DRAFT_ONLY_PHRASES if phrase in text] == []
    assert "to HMICFRS: not recorded yet" in text
    assert axe(page) == []

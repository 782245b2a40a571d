"""Correcting a national report's findings, in real Chromium, as the people who do it.

As the Suffolk drafter, Norfolk's national report's findings cannot be changed: the report
page offers a proposal of a findings correction, which changes nothing until it is made. As the
register maintainer, the proposal is made in the report's recommendations section, with its
reason: every response's history has it, each office is told by email and on its dashboard,
and the public page of Norfolk's published response keeps the findings it answered and notes
the correction. What follows the commit runs as a worker would run it (Celery's eager mode).
axe-core checks each page; each fits a 320 px screen."""

from datetime import date

import pytest
from django.core import mail

from accounts.models import Membership
from inspections.models import Finding, ReportCorrection, ReportType, Scope
from inspections.services import report_create
from responses.models import Response, Status
from tests.factories import (
    MembershipFactory,
    RecommendationFactory,
    UserFactory,
    make_response,
    office_user,
    policing_body,
)

from .conftest import Flow
from .test_corrections_browser import _check, _sign_in, eager  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WHAT = "R1 has a timescale in HMICFRS's report: within six months."
WHY = "Page 12 of the published report gives the timescale."


@pytest.fixture
def world():
    norfolk, suffolk = policing_body("norfolk-pcc"), policing_body("suffolk-pcc")
    norfolk_drafter = office_user(norfolk, full_name="Nia Norfolk", email="nia@example.org")
    norfolk_approver = office_user(norfolk, Membership.Role.OPCC_APPROVER, email="nap@example.org")
    suffolk_drafter = office_user(suffolk, full_name="Sam Suffolk", email="sam@example.org")
    maintainer = MembershipFactory(
        user=UserFactory(full_name="Rita Register", email="rita@example.org"),
        role=Membership.Role.REGISTER_MAINTAINER,
        policing_body=None,
        force=None,
    ).user
    national = report_create(
        acting_user=norfolk_drafter,
        title="Vetting, misconduct and misogyny",
        published_on=date(2020, 1, 7),
        report_type=ReportType.NATIONAL_THEMATIC,
        scope=Scope.NATIONAL,
    )
    recommendation = RecommendationFactory(
        report=national, reference="R1", text="Forces should vet every officer.", timescale_text=""
    )
    flow = Flow(
        response=make_response(report=national, body=norfolk, acting_user=norfolk_drafter),
        drafter=norfolk_drafter,
        approver=norfolk_approver,
    )
    flow.drive(Status.PUBLISHED)
    suffolk_response = make_response(report=national, body=suffolk, acting_user=suffolk_drafter)
    return {
        "report": national,
        "recommendation": recommendation,
        "norfolk_response": flow.response,
        "suffolk_response": suffolk_response,
        "suffolk_drafter": suffolk_drafter,
        "maintainer": maintainer,
    }


def test_suffolk_proposes_and_the_register_maintainer_corrects_a_national_reports_findings(
    live_server,
    page,
    client,
    axe,
    screenshot_dir,
    world,
    eager,  # noqa: F811
):
    report, url = world["report"], live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})

    # --- the Suffolk drafter proposes a correction of the findings ---------------------------
    _sign_in(page, live_server, client, world["suffolk_drafter"])
    page.goto(f"{url}/reports/{report.pk}/")
    page.get_by_role("link", name="of its findings").click()
    page.wait_for_url(f"**/corrections/report/{report.pk}/findings/")
    _check(page, axe, screenshot_dir, "findings-propose")
    page.get_by_role("button", name="Propose the correction").click()
    assert "Enter what is wrong in the findings" in page.inner_text(".govuk-error-summary")
    _check(page, axe, screenshot_dir, "findings-propose-errors")
    page.get_by_label("What is wrong in the findings").fill(WHAT)
    page.get_by_label("Why", exact=True).fill(WHY)
    page.get_by_role("button", name="Propose the correction").click()
    page.wait_for_url("**/corrections/*/")
    assert "Correction of the findings proposed" in page.inner_text(".govuk-notification-banner")
    assert WHAT in page.inner_text("main")
    assert not page.get_by_role("link", name="Change the recommendations").count()
    proposal = ReportCorrection.objects.get()
    assert proposal.status == ReportCorrection.Status.PROPOSED
    assert Finding.objects.get(pk=world["recommendation"].pk).timescale_text == ""

    # --- the register maintainer makes it in the recommendations section ---------------------
    _sign_in(page, live_server, client, world["maintainer"])
    page.goto(f"{url}/corrections/{proposal.pk}/")
    _check(page, axe, screenshot_dir, "findings-decide")
    assert page.get_by_label("Make the correction").count() == 0
    page.get_by_role("link", name="Change the recommendations").click()
    page.wait_for_url(f"**/reports/{report.pk}/sections/recommendations/?proposal={proposal.pk}")
    assert WHAT in page.locator("#proposal").inner_text()
    assert page.get_by_label("Why the findings are being changed").input_value() == WHY
    _check(page, axe, screenshot_dir, "findings-section")
    page.get_by_label("Timescale").first.fill("Within six months")
    page.get_by_label("Why the findings are being changed").fill("")
    page.get_by_role("button", name="Save and return to the report").click()
    summary = page.locator(".govuk-error-summary")
    assert "Say why the findings are being changed" in summary.inner_text()
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.name") == "reason"
    _check(page, axe, screenshot_dir, "findings-section-no-reason")
    assert Finding.objects.get(pk=world["recommendation"].pk).timescale_text == ""
    page.get_by_label("Why the findings are being changed").fill(WHY)
    page.get_by_role("button", name="Save and return to the report").click()
    page.wait_for_url(f"**/corrections/{proposal.pk}/")
    assert "recorded as a correction of the findings" in page.inner_text(
        ".govuk-notification-banner"
    )
    assert "Recommendation edited: R1" in page.inner_text("main")
    _check(page, axe, screenshot_dir, "findings-made")

    proposal.refresh_from_db()
    assert proposal.status == ReportCorrection.Status.APPLIED
    assert proposal.decided_by == world["maintainer"]
    assert Finding.objects.get(pk=world["recommendation"].pk).timescale_text == (
        "Within six months"
    )

    # --- each office is told, and every response's history has it -----------------------------
    told = {message.to[0] for message in mail.outbox}
    assert {"nia@example.org", "nap@example.org", "sam@example.org"} <= told
    assert "rita@example.org" not in told
    for response in Response.objects.filter(report=report):
        assert response.history.filter(
            history_change_reason__startswith="Report's findings corrected (Recommendation "
            "edited: R1). Why:"
        ).exists()

    _sign_in(page, live_server, client, world["suffolk_drafter"])
    page.goto(f"{url}/responses/")
    assert (
        "Findings corrected: Recommendation edited: R1."
        in page.locator("#corrections").inner_text()
    )
    _check(page, axe, screenshot_dir, "findings-dashboard")
    page.goto(f"{url}/responses/{world['suffolk_response'].pk}/history/")
    latest = page.locator(".app-timeline__entry").first.inner_text()
    assert "Report's findings corrected" in latest
    assert "Rita Register" not in latest

    # --- Norfolk's published response keeps its findings; its public page says why -----------
    page.context.clear_cookies()
    page.goto(f"{url}/published/{world['norfolk_response'].pk}/")
    main = page.inner_text("main")
    assert "Within six months" not in main
    assert "answers the findings as they stood when it was published" in (
        page.locator("#corrections").inner_text()
    )
    _check(page, axe, screenshot_dir, "findings-public")

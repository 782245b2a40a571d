"""Correcting a national report's shared facts, in real Chromium, as the people who do it.

As the Suffolk drafter, Norfolk's national report cannot be re-dated: the edit page refuses
and offers a proposal, which changes nothing until it is decided. As the register maintainer,
making the correction moves every body's due date, appears in each response's history and on
the public page of Norfolk's published response, and each office is told by email and on its
dashboard. What follows the commit runs as a worker would run it (Celery's eager mode), in the
live server's process. axe-core checks each page; each fits a 320 px screen."""

from datetime import date

import pytest
from django.conf import settings
from django.core import mail

from accounts.models import Membership
from config.celery import app as celery_app
from inspections.models import ReportCorrection, ReportType, Scope
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

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CORRECTED = "20 December 2019"  # the report's real date: every response due 13 February 2020


def _sign_in(page, live_server, client, user):
    page.context.clear_cookies()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def _check(page, axe, screenshot_dir, name):
    violations = axe(page)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]
    page.screenshot(path=str(screenshot_dir / f"corrections-{name}.png"), full_page=True)
    page.set_viewport_size({"width": 320, "height": 800})
    wide = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert wide <= 320, f"{name} is {wide} px wide at 320 px"


@pytest.fixture
def eager():
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


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
    RecommendationFactory(report=national)
    flow = Flow(
        response=make_response(report=national, body=norfolk, acting_user=norfolk_drafter),
        drafter=norfolk_drafter,
        approver=norfolk_approver,
    )
    flow.drive(Status.PUBLISHED)  # published 21 February 2020: on time for 2 March
    suffolk_response = make_response(report=national, body=suffolk, acting_user=suffolk_drafter)
    return {
        "report": national,
        "norfolk_response": flow.response,
        "suffolk_response": suffolk_response,
        "suffolk_drafter": suffolk_drafter,
        "maintainer": maintainer,
    }


def test_suffolk_proposes_and_the_register_maintainer_corrects_a_national_report(
    live_server, page, client, axe, screenshot_dir, world, eager
):
    report, url = world["report"], live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})

    # --- the Suffolk drafter cannot re-date Norfolk's national report ------------------------
    _sign_in(page, live_server, client, world["suffolk_drafter"])
    page.goto(f"{url}/reports/{report.pk}/")
    assert page.get_by_role("link", name="Change the report details").count() == 0
    page.goto(f"{url}/reports/{report.pk}/edit/")
    assert page.get_by_role("heading", name="You cannot change this report").is_visible()
    assert "only the register maintainer can change them" in page.inner_text("main")
    _check(page, axe, screenshot_dir, "refused")

    page.get_by_role("link", name="Propose a correction").click()
    page.wait_for_url(f"**/corrections/report/{report.pk}/")
    _check(page, axe, screenshot_dir, "propose")
    page.get_by_label("Day").fill("20")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("2019")
    page.get_by_label("Why the report is being corrected").fill(
        "HMICFRS's page gives 20 December 2019 as the date of publication."
    )
    page.get_by_role("button", name="Propose the correction").click()
    page.wait_for_url("**/corrections/*/")
    assert "Correction proposed" in page.inner_text(".govuk-notification-banner")
    assert not page.get_by_role("button", name="Save the decision").count()
    due_dates = set(Response.objects.filter(report=report).values_list("due_date", flat=True))
    assert due_dates == {date(2020, 3, 2)}

    # --- the register maintainer makes it ----------------------------------------------------
    _sign_in(page, live_server, client, world["maintainer"])
    page.goto(f"{url}/responses/")
    page.wait_for_url("**/corrections/")
    _check(page, axe, screenshot_dir, "list")
    page.get_by_role("link", name="Vetting, misconduct and misogyny").first.click()
    assert "Tuesday 7 January 2020" in page.inner_text("table")
    assert "Friday 20 December 2019" in page.inner_text("table")
    _check(page, axe, screenshot_dir, "decide")
    page.get_by_label("Make the correction").check()
    page.get_by_role("button", name="Save the decision").click()
    page.wait_for_url("**/corrections/*/")
    assert "Correction made" in page.inner_text(".govuk-notification-banner")

    correction = ReportCorrection.objects.get()
    assert correction.status == ReportCorrection.Status.APPLIED
    assert correction.decided_by == world["maintainer"]
    for response in Response.objects.filter(report=report):
        assert response.due_date == date(2020, 2, 13)

    # --- each office is told -----------------------------------------------------------------
    told = {message.to[0] for message in mail.outbox}
    assert {"nia@example.org", "nap@example.org", "sam@example.org"} <= told
    assert "rita@example.org" not in told

    _sign_in(page, live_server, client, world["suffolk_drafter"])
    page.goto(f"{url}/responses/")
    banner = page.locator("#corrections").inner_text()
    assert "Reports corrected" in banner
    assert "Your response is now due 13 February 2020" in banner
    _check(page, axe, screenshot_dir, "dashboard")

    page.goto(f"{url}/responses/{world['suffolk_response'].pk}/history/")
    latest = page.locator(".app-timeline__entry").first.inner_text()
    assert "Report corrected: HMICFRS's page gives 20 December 2019" in latest
    # Named as their role: another organisation's people are never named (docs/security.md).
    assert "Register maintainer" in latest
    assert "Rita Register" not in latest

    # --- the public page of Norfolk's published response follows --------------------------
    page.context.clear_cookies()
    page.goto(f"{url}/published/{world['norfolk_response'].pk}/")
    facts = page.locator(".app-facts").inner_text()
    assert "20 December 2019" in facts
    assert "13 February 2020" in facts
    assert "No, 8 days late" in facts
    assert "Date published corrected from Tuesday 7 January 2020 to Friday 20 December 2019" in (
        page.locator("#corrections").inner_text()
    )
    _check(page, axe, screenshot_dir, "public")

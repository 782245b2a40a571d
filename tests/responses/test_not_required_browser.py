"""Whether a body responds to a report is its own decision, in real Chromium: the Suffolk
drafter can record that Suffolk need not respond to a national report the Norfolk office
recorded, and nothing Suffolk does switches the report off for Norfolk."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from inspections.models import ReportType, Scope
from inspections.services import report_create
from responses.models import Response, Status
from responses.services import responses_create_for_report
from tests.factories import office_user, policing_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUFFOLK_REASON = "Answered in Suffolk's own force-specific report."


@pytest.fixture
def reference_data(transactional_db):
    """Committed data for the live server means a transactional test, which may start from the
    empty database another transactional test's flush left behind: load the forces and bodies
    with the idempotent loader their data migration runs."""
    from importlib import import_module

    from django.apps import apps

    import_module("accounts.migrations.0002_reference_data").load(apps, None)


@pytest.fixture
def sign_in(page, live_server, client):
    """`sign_in(user)`: the browser page, now with only that person's session."""

    def signed_in(user):
        client.force_login(user)
        page.context.clear_cookies()
        page.context.add_cookies(
            [
                {
                    "name": django_settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        return page

    return signed_in


@pytest.fixture
def national_report(reference_data):
    """A national thematic report the Norfolk office recorded 10 days ago, as its report page
    records one: every body's response opened with it."""
    norfolk_drafter = office_user(policing_body("norfolk-pcc"), full_name="Dana Norfolk")
    report = report_create(
        acting_user=norfolk_drafter,
        title="An inspection of vetting, misconduct and misogyny in the police service",
        published_on=timezone.localdate() - timedelta(days=10),
        report_type=ReportType.NATIONAL_THEMATIC,
        scope=Scope.NATIONAL,
    )
    responses_create_for_report(report=report, acting_user=norfolk_drafter)
    return report, norfolk_drafter


def _follow(page, link):
    with page.expect_navigation():
        page.get_by_role("link", name=link).click()


def _no_violations(check_axe, page):
    violations = check_axe(page)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]


def test_the_suffolk_drafter_cannot_switch_off_norfolks_national_report(
    sign_in, live_server, axe, national_report, screenshot_dir
):
    report, norfolk_drafter = national_report
    suffolk_drafter = office_user(
        policing_body("suffolk-pcc"), Membership.Role.OPCC_DRAFTER, full_name="Sam Suffolk"
    )
    report_url = live_server.url + reverse("inspections:report-detail", args=[report.pk])

    # Suffolk's response was opened when Norfolk recorded the report: its clock is running.
    page = sign_in(suffolk_drafter)
    page.goto(report_url)
    ours = page.locator("h2", has_text="Our response").locator("xpath=following-sibling::p[1]")
    assert ours.inner_text() == "Not started"
    _no_violations(axe, page)

    # A national report's shared facts are not Suffolk's to change (only the register
    # maintainer's, docs/decisions/0009), and no page holds a switch deciding for every office.
    page.goto(live_server.url + reverse("inspections:report-edit", args=[report.pk]))
    assert page.locator("h1").inner_text() == "You cannot change this report"
    assert page.get_by_label("A Section 55 response is required").count() == 0
    assert page.get_by_text("Why no Section 55 response is required").count() == 0

    # What Suffolk can do is record, with a reason, that Suffolk need not respond.
    page.goto(report_url)
    _follow(page, "Go to the response")
    _follow(page, "Mark as not required")
    _no_violations(axe, page)
    page.get_by_label("Why is no response required?").fill(SUFFOLK_REASON)
    with page.expect_navigation():
        page.get_by_role("button", name="Mark as not required").press("Enter")
    assert page.get_by_text("Marked as not required.").is_visible()
    assert page.get_by_text(SUFFOLK_REASON).first.is_visible()
    page.goto(report_url)
    assert ours.inner_text() == "Not required"
    assert page.get_by_text(SUFFOLK_REASON).is_visible()
    page.screenshot(path=str(screenshot_dir / "report-not-required-for-suffolk.png"))
    _no_violations(axe, page)

    # Norfolk's response is untouched: not started, open for work, and Suffolk's reason is
    # nowhere on Norfolk's pages.
    page = sign_in(norfolk_drafter)
    page.goto(report_url)
    assert ours.inner_text() == "Not started"
    assert page.get_by_text(SUFFOLK_REASON).count() == 0
    _follow(page, "Go to the response")
    assert page.get_by_role("link", name="Start drafting").is_visible()
    assert page.get_by_text(SUFFOLK_REASON).count() == 0
    _no_violations(axe, page)

    statuses = dict(
        Response.objects.filter(report=report).values_list("policing_body__slug", "status")
    )
    assert statuses["suffolk-pcc"] == Status.NOT_REQUIRED
    assert statuses["norfolk-pcc"] == Status.NOT_STARTED
    assert {s for slug, s in statuses.items() if slug != "suffolk-pcc"} == {Status.NOT_STARTED}

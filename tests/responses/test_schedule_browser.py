"""Scheduled publication in real Chromium: the approver schedules an approved response for
tomorrow morning from the publish page, sees the schedule on the response's page, changes the
time and cancels it; axe-core (WCAG 2.0, 2.1 and 2.2 A and AA) finds nothing on the schedule
page (with an error, and at phone width) nor on the response page showing the schedule."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from responses.models import ScheduledPublication

from .test_publication_browser import reference_data  # noqa: F401 - a fixture
from .test_scheduled_publication import approved_flow
from .test_views import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_violations(check_axe, page, name):
    violations = check_axe(page)
    assert violations == [], (name, [(v["id"], v["help"], len(v["nodes"])) for v in violations])


def test_the_approver_schedules_changes_and_cancels_a_publication(
    reference_data,  # noqa: F811
    live_server,
    page,
    axe,
    screenshot_dir,
):
    flow = approved_flow()
    tomorrow = timezone.localdate() + timedelta(days=1)
    _sign_in(page.context, live_server, flow.approver)
    page.goto(live_server.url + reverse("responses:publish", args=[flow.response.pk]))
    with page.expect_navigation():
        page.get_by_role("link", name="Schedule it for a date and time instead").click()
    _no_violations(axe, page, "schedule")

    page.get_by_label("Day").fill(str(tomorrow.day))
    page.get_by_label("Month").fill(str(tomorrow.month))
    page.get_by_label("Year").fill(str(tomorrow.year))
    page.get_by_label("Time to publish").fill("25:00")
    with page.expect_navigation():
        page.get_by_role("button", name="Schedule the publication").press("Enter")
    assert page.locator(".govuk-error-summary").get_by_text("Enter a time like 09:30").is_visible()
    _no_violations(axe, page, "schedule with an error")
    page.set_viewport_size({"width": 320, "height": 800})
    assert not page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth + 1")
    page.set_viewport_size({"width": 1280, "height": 800})

    page.get_by_label("Time to publish").fill("09:30")
    with page.expect_navigation():
        page.get_by_role("button", name="Schedule the publication").press("Enter")
    assert page.get_by_text("Scheduled: it will be published on").is_visible()
    assert page.get_by_text("Scheduled to be published on").is_visible()
    _no_violations(axe, page, "response page with a schedule")
    page.screenshot(path=str(screenshot_dir / "response-scheduled.png"), full_page=True)

    with page.expect_navigation():
        page.get_by_role("link", name="Change the time").click()
    page.get_by_label("Time to publish").fill("14:00")
    with page.expect_navigation():
        page.get_by_role("button", name="Schedule the publication").press("Enter")
    (row,) = ScheduledPublication.objects.all()
    assert timezone.localtime(row.publish_at).strftime("%H:%M") == "14:00"

    with page.expect_navigation():
        page.get_by_role("button", name="Cancel the scheduled publication").click()
    assert page.get_by_text("The scheduled publication is cancelled.").is_visible()
    row.refresh_from_db()
    assert row.state == ScheduledPublication.State.CANCELLED

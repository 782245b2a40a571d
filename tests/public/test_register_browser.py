"""The recommendation register and a national report's page in real Chromium, signed out, on
the demo data (three bodies' published responses to one national thematic report): axe-core
(WCAG 2.0, 2.1 and 2.2 A and AA) finds nothing on the register, its filtered results on a phone
or the report's page, and on a phone (320 px wide) nothing reaches past the screen's edge."""

import re

import pytest

from responses.demo import NATIONAL_TITLE

from .test_journey_browser import OVERFLOWING, assert_accessible, demo  # noqa: F401 - fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_register_filters_on_a_phone_and_the_national_report_page(
    demo,  # noqa: F811 - the fixture imported above
    live_server,
    page,
    axe,
    screenshot_dir,
):
    page.goto(live_server.url + "/recommendations/")
    assert page.get_by_role("heading", level=1).inner_text() == "Recommendation register"
    assert page.get_by_text(NATIONAL_TITLE).first.is_visible()
    assert_accessible(axe, page, "register")
    page.screenshot(path=str(screenshot_dir / "public-register.png"), full_page=True)

    # On a phone: filter by a body and a status with the keyboard-operable form.
    page.set_viewport_size({"width": 320, "height": 800})
    page.get_by_label("Policing body").select_option("essex-pfcc")
    page.get_by_label("Progress (as the body published it)").select_option("open")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"/recommendations/\?.*office=essex-pfcc"))
    heading = page.locator("#results-heading").inner_text()
    # R1 and R3; R2 is for the College of Policing, so Essex does not track it (not for
    # local action: tracking.services.tracker_items_create_for_response).
    assert heading == "2 items found", heading
    assert_accessible(axe, page, "register filtered on a phone")
    page.screenshot(path=str(screenshot_dir / "public-register-320.png"), full_page=True)
    too_wide = page.evaluate(OVERFLOWING)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, too_wide

    # Every body's response to the national report, from a row of the register.
    page.get_by_role("link", name=re.compile(r"^Every body's response")).first.click()
    page.wait_for_url(re.compile(r"/published/reports/\d+/$"))
    assert page.get_by_role("heading", level=1).inner_text() == NATIONAL_TITLE
    assert page.get_by_text("3 of the 43 policing bodies").is_visible()
    assert page.get_by_text("14 days late").first.is_visible()  # Essex: 10 January 2023
    assert_accessible(axe, page, "national report on a phone")
    page.screenshot(path=str(screenshot_dir / "public-national-report-320.png"), full_page=True)
    too_wide = page.evaluate(OVERFLOWING)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, too_wide
    page.set_viewport_size({"width": 1280, "height": 900})
    assert_accessible(axe, page, "national report")

    page.goto(live_server.url + "/statistics/")
    assert page.get_by_role("heading", name="Open and overdue recommendations").is_visible()
    assert_accessible(axe, page, "statistics with the charts over time")

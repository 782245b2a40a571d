"""Withdrawing a published version in real Chromium: the approver withdraws it from the staff
page with a reason; the public page and the PDF's address then answer 410 with the public note
(on a phone-sized screen too), and axe-core (WCAG 2.0, 2.1 and 2.2 A and AA) finds nothing on
the withdraw page, the notice or the PDF's notice."""

from datetime import date

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from .conftest import ensure_reference_data, publish
from .test_services import amend_and_publish

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REASON = "The name of a member of the public was published by mistake."


def assert_accessible(axe, page, name):
    violations = axe(page)
    assert violations == [], (name, [(v["id"], v["help"], len(v["nodes"])) for v in violations])


def test_the_approver_withdraws_a_version_and_the_public_sees_the_note(
    transactional_db, live_server, page, axe, client, screenshot_dir
):
    ensure_reference_data()
    response = publish(
        title="Norfolk custody inspection",
        office_comments="Mrs Example of Privet Lane told us about custody.",
    )
    client.force_login(response.approver)
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )

    page.goto(live_server.url + reverse("responses:detail", args=[response.pk]))
    with page.expect_navigation():
        page.get_by_role("link", name="Withdraw the published version").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Withdraw the published version"
    assert_accessible(axe, page, "withdraw")
    # Refused without a reason, with the error summary.
    with page.expect_navigation():
        page.get_by_role("button", name="Withdraw this version").press("Enter")
    assert page.locator(".govuk-error-summary").is_visible()
    page.get_by_label("Why is it being withdrawn?").fill(REASON)
    with page.expect_navigation():
        page.get_by_role("button", name="Withdraw this version").press("Enter")
    assert page.get_by_text("Withdrawn: the public page now shows the note.").is_visible()

    # Signed out, as the public.
    page.context.clear_cookies()
    public_url = live_server.url + reverse("public:response", args=[response.pk])
    answer = page.goto(public_url)
    assert answer.status == 410
    assert page.get_by_text(REASON).is_visible()
    assert page.get_by_text("Privet Lane").count() == 0
    assert_accessible(axe, page, "withdrawn page")
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=str(screenshot_dir / "public-withdrawn-phone.png"), full_page=True)
    overflowing = page.evaluate(
        "() => document.documentElement.scrollWidth > window.innerWidth + 1"
    )
    assert not overflowing
    page.set_viewport_size({"width": 1280, "height": 800})

    answer = page.goto(live_server.url + reverse("pdf:version", args=[response.pk, 1]))
    assert answer.status == 410
    assert page.get_by_text(REASON).is_visible()
    assert_accessible(axe, page, "withdrawn PDF")


def test_the_approver_withdraws_an_earlier_version_then_the_latest(
    transactional_db, live_server, page, axe, client
):
    ensure_reference_data()
    response = publish(
        title="Norfolk custody inspection",
        office_comments="Mrs Example of Privet Lane told us about custody.",
    )
    amend_and_publish(
        response,
        office_comments="Custody waits were too long; the force has a plan.",
        reason="Personal data removed.",
        published_on=date(2020, 3, 10),
    )
    client.force_login(response.approver)
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )

    page.goto(live_server.url + reverse("responses:withdraw", args=[response.pk]))
    assert_accessible(axe, page, "withdraw with a choice of versions")
    page.get_by_label("Version 1, published 20 February 2020 (replaced by a later version)").check()
    page.get_by_label("Why is it being withdrawn?").fill(REASON)
    with page.expect_navigation():
        page.get_by_role("button", name="Withdraw this version").press("Enter")
    assert page.get_by_text("Withdrawn: the public page now shows the note.").is_visible()

    public_url = live_server.url + reverse("public:response", args=[response.pk])
    page.context.clear_cookies()
    answer = page.goto(public_url)
    assert answer.status == 200
    assert page.get_by_text("the force has a plan").is_visible()
    assert page.get_by_text(REASON).is_visible()
    assert page.get_by_text("Privet Lane").count() == 0
    assert page.goto(live_server.url + reverse("pdf:version", args=[response.pk, 1])).status == 410
    # (The PDF itself would start a download in the browser.)
    assert client.get(reverse("pdf:version", args=[response.pk, 2])).status_code == 200

    # Then the latest: its page answers 410 and offers the earlier version still published.
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(live_server.url + reverse("responses:withdraw", args=[response.pk]))
    assert page.get_by_role("radio").count() == 0  # only the latest is left
    page.get_by_label("Why is it being withdrawn?").fill("The plan named a member of staff.")
    with page.expect_navigation():
        page.get_by_role("button", name="Withdraw this version").press("Enter")
    assert page.get_by_text("Withdrawn: the public page now shows the note.").is_visible()
    # A visitor whose browser has not kept the page.
    visitor = page.context.browser.new_context(bypass_csp=True)
    try:
        public = visitor.new_page()
        assert public.goto(public_url).status == 410
        assert public.get_by_text("The plan named a member of staff.").is_visible()
        assert public.get_by_text(REASON).is_visible()
        assert_accessible(axe, public, "withdrawn page with both notes")
    finally:
        visitor.close()

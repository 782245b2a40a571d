"""Withdrawing a published version in real Chromium: the approver withdraws it from the staff
page with a reason; the public page and the PDF's address then answer 410 with the public note
(on a phone-sized screen too), and axe-core (WCAG 2.0, 2.1 and 2.2 A and AA) finds nothing on
the withdraw page, the notice or the PDF's notice."""

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from .conftest import ensure_reference_data, publish

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

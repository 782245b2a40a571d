"""Email subscriptions in real Chromium: from a body's list of responses to the sign-up form
(its error summary first), the "check your email" page, the emailed link's confirm button,
and the unsubscribe button; on a desktop and a phone-sized screen, by keyboard, and axe-core
(WCAG 2.0, 2.1 and 2.2 A and AA) finds nothing on any of the pages, in English and Welsh."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from public.models import EmailSubscription
from tests.factories import policing_body

from .conftest import ensure_reference_data, publish

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def assert_accessible(axe, page, name):
    violations = axe(page)
    assert violations == [], (name, [(v["id"], v["help"], len(v["nodes"])) for v in violations])


def assert_fits(page, name):
    overflowing = page.evaluate(
        "() => document.documentElement.scrollWidth > window.innerWidth + 1"
    )
    assert not overflowing, name


def link_in(message, kind: str) -> str:
    (url,) = {u for u in re.findall(r"https?://\S+", message.body) if f"/{kind}/" in u}
    return urlsplit(url).path


@pytest.mark.parametrize("width", [1280, 375])
def test_sign_up_confirm_and_unsubscribe_by_keyboard(
    transactional_db, live_server, page, axe, screenshot_dir, width
):
    ensure_reference_data()
    body = policing_body()
    publish(body=body)  # the list of a body's responses is offered once it has published one
    page.set_viewport_size({"width": width, "height": 900})
    mail.outbox.clear()

    page.goto(live_server.url + reverse("public:response-list") + f"?office={body.slug}")
    with page.expect_navigation():
        page.get_by_role(
            "link", name=f"Get emails about the {body.name}'s new and amended responses"
        ).click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        f"Get emails about the {body.name}'s responses"
    )
    assert page.get_by_role("heading", name="What we do with your email address").is_visible()
    assert_accessible(axe, page, "sign-up")
    assert_fits(page, "sign-up")

    # Nothing typed: the error summary, linked to the field, and the field's own error.
    with page.expect_navigation():
        page.get_by_role("button", name="Subscribe").press("Enter")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert page.title().startswith("Error: ")
    assert_accessible(axe, page, "sign-up with an error")
    summary.get_by_role("link", name="Enter your email address").click()
    assert page.evaluate("() => document.activeElement.id") == "id_email"

    page.keyboard.type("Reader@Example.org")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"
    assert page.get_by_text("Reader@Example.org").count() == 0
    assert_accessible(axe, page, "check your email")
    assert_fits(page, "check your email")

    (message,) = mail.outbox
    page.goto(live_server.url + link_in(message, "confirm"))
    assert page.get_by_role("heading", level=1).inner_text() == "Confirm your subscription"
    assert_accessible(axe, page, "confirm")
    assert EmailSubscription.objects.get().confirmed_at is None
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm subscription").press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "You are subscribed"
    assert EmailSubscription.objects.get().confirmed_at is not None
    assert_accessible(axe, page, "subscribed")
    assert_fits(page, "subscribed")
    page.screenshot(path=str(screenshot_dir / f"public-subscribed-{width}.png"), full_page=True)

    with page.expect_navigation():
        page.get_by_role("link", name="Unsubscribe now").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Unsubscribe"
    assert_accessible(axe, page, "unsubscribe")
    with page.expect_navigation():
        page.get_by_role("button", name="Unsubscribe").press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "You have unsubscribed"
    assert not EmailSubscription.objects.exists()
    assert_accessible(axe, page, "unsubscribed")
    assert_fits(page, "unsubscribed")


def test_the_welsh_sign_up_pages_are_welsh_and_accessible(transactional_db, live_server, page, axe):
    ensure_reference_data()
    body = policing_body()
    mail.outbox.clear()

    page.goto(live_server.url + "/cy" + reverse("public:subscribe", args=[body.slug]))
    assert page.locator("html").get_attribute("lang") == "cy"
    assert_accessible(axe, page, "Welsh sign-up")
    page.get_by_label("Cyfeiriad e-bost").fill("darllenydd@example.org")
    with page.expect_navigation():
        page.get_by_role("button", name="Tanysgrifio").press("Enter")
    assert page.url.startswith(live_server.url + "/cy/")
    assert_accessible(axe, page, "Welsh check your email")

    (message,) = mail.outbox
    page.goto(live_server.url + link_in(message, "confirm"))
    assert page.get_by_role("heading", level=1).inner_text() == "Cadarnhewch eich tanysgrifiad"
    assert_accessible(axe, page, "Welsh confirm")
    with page.expect_navigation():
        page.get_by_role("button", name="Cadarnhau'r tanysgrifiad").press("Enter")
    assert EmailSubscription.objects.get().language == "cy"
    assert_accessible(axe, page, "Welsh subscribed")

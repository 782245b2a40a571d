"""Part A's pages in real Chromium: axe-core finds nothing (WCAG 2.2 AA tags), nothing is wider
than a 320 px phone screen, and signing in works with the keyboard alone. Screenshots go to
test-artefacts/screenshots/."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from responses.services import response_invite_force
from tests.factories import RecommendationFactory, ReportFactory, make_response

from .conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_violations(check_axe, page):
    violations = check_axe(page)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]


def fits_320(page):
    page.set_viewport_size({"width": 320, "height": 800})
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 320, f"the page is {wide} px wide at 320 px"
    page.set_viewport_size({"width": 1280, "height": 900})


def check(page, axe, screenshot_dir, name):
    no_violations(axe, page)
    page.screenshot(path=str(screenshot_dir / f"accounts-{name}.png"), full_page=True)
    fits_320(page)
    page.set_viewport_size({"width": 320, "height": 800})
    page.screenshot(path=str(screenshot_dir / f"accounts-{name}-320.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def signed_in(page, live_server, client):
    def sign_in(user):
        client.force_login(user)
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

    return sign_in


@pytest.fixture
def office_with_responses(norfolk, drafter):
    today = timezone.localdate()
    for days_ago, title in [
        (60, "Overdue custody report"),
        (45, "Due soon spotlight"),
        (5, "New CDI"),
    ]:
        report = ReportFactory(
            title=title, published_on=today - timedelta(days=days_ago), forces=[norfolk.force]
        )
        RecommendationFactory(report=report)
        response = make_response(report=report, body=norfolk, acting_user=drafter)
        if days_ago == 45:
            response_invite_force(
                response=response,
                invited_on=report.published_on + timedelta(days=1),
                reply_by=today + timedelta(days=3),
                acting_user=drafter,
            )
    return norfolk


def test_sign_in_with_the_keyboard_only(page, live_server, axe, screenshot_dir, drafter):
    page.goto(f"{live_server.url}/accounts/sign-in/")
    check(page, axe, screenshot_dir, "sign-in")
    # From the top of the page: skip link, then into the form with Tab only.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_username":
            break
    assert page.evaluate("document.activeElement.id") == "id_username"
    page.keyboard.type("dana")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/responses/")
    assert page.locator("h1").inner_text() == "Dashboard"


def test_sign_in_errors_focus_the_summary(page, live_server, axe, screenshot_dir, drafter):
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.fill("#id_username", "dana")
    page.fill("#id_password", "not it")
    page.click("button:has-text('Sign in')")
    summary = page.locator(".govuk-error-summary")
    assert "The username or password is not right" in summary.inner_text()
    # GOV.UK Frontend's JavaScript (started by app.js) moves focus to the summary.
    page.wait_for_function(
        "document.activeElement && document.activeElement.classList.contains('govuk-error-summary')"
    )
    assert page.title().startswith("Error: ")
    check(page, axe, screenshot_dir, "sign-in-error")


def test_password_reset_and_locked_out_pages(page, live_server, axe, screenshot_dir, drafter):
    page.goto(f"{live_server.url}/accounts/password-reset/")
    check(page, axe, screenshot_dir, "password-reset")
    page.fill("#id_email", drafter.email)
    page.click("button:has-text('Send the link')")
    assert page.locator("h1").inner_text() == "Check your email"
    check(page, axe, screenshot_dir, "password-reset-sent")

    for _ in range(5):
        page.goto(f"{live_server.url}/accounts/sign-in/")
        page.fill("#id_username", "dana")
        page.fill("#id_password", "wrong")
        page.click("button:has-text('Sign in')")
    assert page.locator("h1").inner_text() == "Signing in is paused"
    check(page, axe, screenshot_dir, "locked-out")


def test_office_dashboard(
    signed_in, live_server, axe, screenshot_dir, office_with_responses, approver
):
    page = signed_in(approver)
    page.goto(f"{live_server.url}/responses/")
    assert page.locator("table tbody tr").count() == 3
    assert "Overdue" in page.locator("table tbody tr").first.inner_text()
    check(page, axe, screenshot_dir, "dashboard")
    # The wide table scrolls inside its own focusable region on a phone.
    page.set_viewport_size({"width": 320, "height": 800})
    region = page.locator(".app-table-scroll")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    page.keyboard.press("Tab")
    region.focus()
    assert page.evaluate("document.activeElement.classList.contains('app-table-scroll')")


def test_force_dashboard(
    signed_in, live_server, axe, screenshot_dir, office_with_responses, contributor
):
    page = signed_in(contributor)
    page.goto(f"{live_server.url}/responses/")
    assert "Due soon spotlight" in page.locator("main").inner_text()
    check(page, axe, screenshot_dir, "force-dashboard")


def test_signed_in_pages(signed_in, live_server, axe, screenshot_dir, office_admin, drafter):
    page = signed_in(office_admin)
    for path, name in [
        ("/accounts/", "account"),
        ("/accounts/password-change/", "password-change"),
        ("/accounts/two-factor/set-up/", "two-factor-set-up"),
        ("/accounts/office/users/", "office-users"),
        # "Add a person" is an invitation (the old address redirects here).
        ("/accounts/office/invitations/new/", "office-invitation-create"),
        ("/accounts/office/branding/", "office-branding"),
    ]:
        page.goto(f"{live_server.url}{path}")
        assert page.locator("h1").count() == 1, path
        check(page, axe, screenshot_dir, name)

    membership = drafter.memberships.get()
    page.goto(f"{live_server.url}/accounts/office/users/{membership.pk}/deactivate/")
    check(page, axe, screenshot_dir, "office-user-deactivate")
    page.click("button:has-text('Remove the role')")
    assert "no longer has the role" in page.locator("main").inner_text()

    # Signing out is a button in the navigation.
    page.click("button:has-text('Sign out')")
    assert "You have signed out." in page.locator("main").inner_text()
    assert page.locator("a:has-text('Sign in')").count() == 1


def test_forms_with_errors(signed_in, live_server, axe, screenshot_dir, office_admin):
    page = signed_in(office_admin)
    page.goto(f"{live_server.url}/accounts/office/invitations/new/")
    page.click("button:has-text('Send the invitation')")
    assert page.locator(".govuk-error-summary li").count() == 3
    check(page, axe, screenshot_dir, "office-invitation-create-errors")
    # The summary's link takes focus to the field.
    page.click(".govuk-error-summary a:has-text('Choose the person')")
    assert page.evaluate("document.activeElement.id") == "id_role_0"

    page.goto(f"{live_server.url}/accounts/office/branding/")
    page.fill("#id_accent_colour", "#ffdd00")
    page.click("button:has-text('Save')")
    assert "too light" in page.locator(".govuk-error-summary").inner_text()
    check(page, axe, screenshot_dir, "office-branding-errors")


def test_two_factor_verify_page(signed_in, live_server, axe, screenshot_dir, drafter):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=drafter, name="Phone", confirmed=True)
    page = signed_in(drafter)
    page.goto(f"{live_server.url}/responses/")
    assert page.url.startswith(f"{live_server.url}/accounts/two-factor/verify/")
    check(page, axe, screenshot_dir, "two-factor-verify")

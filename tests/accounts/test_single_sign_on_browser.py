"""The whole single sign-on journey in Chromium, against the real provider process: the
sign-in page, the provider's page, back signed in; a person with no role; signing out with
the provider's sign-out. The journey runs with the site's real Content-Security-Policy (the
redirect to the provider after the form must be allowed); axe-core checks each of our pages."""

import pytest
from django.conf import settings as django_settings

from accounts.models import Membership
from accounts.services import external_identity_link, membership_add
from tests.conftest import VIEWPORT

from .oidc_provider import wire_provider
from .test_pages_browser import check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROBIN = {"sub": "demo-robin-0001", "email": "robin.reid@norfolk-opcc.example"}


@pytest.fixture
def wired(oidc_process, live_server, norfolk, office_admin):
    """Norfolk signs in with the provider; Robin (a drafter) is linked to the provider."""
    oidc_process.control("reset")
    oidc_process.register_client(base_url=live_server.url)
    provider = wire_provider(norfolk, issuer=oidc_process.issuer, acting_user=office_admin)
    membership, _ = membership_add(
        body=norfolk,
        email=ROBIN["email"],
        full_name="Robin Reid",
        role=Membership.Role.OPCC_DRAFTER,
        acting_user=office_admin,
    )
    external_identity_link(
        provider=provider, subject=ROBIN["sub"], user=membership.user, acting_user=office_admin
    )
    return provider


@pytest.fixture
def strict_page(browser):
    """A page that keeps the site's Content-Security-Policy (the `page` fixture bypasses it)."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        yield context.new_page()
    finally:
        context.close()


def choose_at_provider(page, name):
    assert page.locator("h1").inner_text() == "Demo identity provider"
    page.get_by_label(name, exact=False).check()
    page.click("button:has-text('Continue')")


def test_signing_in_and_out_through_the_organisation_s_provider(
    strict_page, page, live_server, axe, screenshot_dir, wired
):
    strict_page.goto(f"{live_server.url}/accounts/sign-in/")
    strict_page.fill("#id_sso-email", ROBIN["email"])
    strict_page.click("button:has-text('Continue to your organisation')")
    choose_at_provider(strict_page, "Robin Reid")
    strict_page.wait_for_url(f"{live_server.url}/responses/")
    assert strict_page.locator("h1").inner_text() == "Dashboard"

    strict_page.click("button:has-text('Sign out')")
    strict_page.wait_for_url(f"{live_server.url}/accounts/signed-out/")
    link = strict_page.get_by_role("button", name="Sign out of Norfolk OPCC accounts")
    assert wired.issuer in link.get_attribute("href")
    link.click()
    strict_page.wait_for_url(f"{live_server.url}/")

    # The same pages, checked by axe-core (which needs the policy bypassed to run).
    page.goto(f"{live_server.url}/accounts/sign-in/")
    check(page, axe, screenshot_dir, "sign-in-with-organisation")
    page.select_option("#id_sso-provider", label="Norfolk OPCC accounts")
    page.click("button:has-text('Continue to your organisation')")
    choose_at_provider(page, "Robin Reid")
    page.wait_for_url(f"{live_server.url}/responses/")
    page.click("button:has-text('Sign out')")
    page.wait_for_url(f"{live_server.url}/accounts/signed-out/")
    check(page, axe, screenshot_dir, "signed-out-offer-provider")


def test_a_first_sign_in_has_no_access_until_the_office_adds_the_person(
    strict_page, page, live_server, axe, screenshot_dir, wired
):
    strict_page.goto(f"{live_server.url}/accounts/sign-in/")
    strict_page.fill("#id_sso-email", "nico.new@norfolk-opcc.example")
    strict_page.click("button:has-text('Continue to your organisation')")
    choose_at_provider(strict_page, "Nico New")
    strict_page.wait_for_url(f"{live_server.url}/accounts/no-access/")
    assert strict_page.locator("h1").inner_text() == "You do not have access yet"
    strict_page.goto(f"{live_server.url}/responses/")
    assert "403" in strict_page.title() or strict_page.locator("h1").inner_text() != "Dashboard"

    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": next(
                    c["value"]
                    for c in strict_page.context.cookies()
                    if c["name"] == django_settings.SESSION_COOKIE_NAME
                ),
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"{live_server.url}/accounts/no-access/")
    check(page, axe, screenshot_dir, "no-access")


def test_an_address_outside_the_organisation_is_refused(
    page, live_server, axe, screenshot_dir, wired
):
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.select_option("#id_sso-provider", label="Norfolk OPCC accounts")
    page.click("button:has-text('Continue to your organisation')")
    choose_at_provider(page, "Pat Elsewhere")
    assert page.locator("h1").inner_text() == "You are not signed in"
    assert "not one of" in page.locator("main").inner_text()
    check(page, axe, screenshot_dir, "sso-refused")

"""Inviting, accepting and switching office in real Chromium, by keyboard and mouse as a person
would: axe-core finds nothing on the new pages, and they fit a 320 px phone screen."""

import re

import pytest

from accounts.invitation_emails import invitation_token
from accounts.models import Invitation, Membership
from tests.factories import MembershipFactory

from .test_pages_browser import check, signed_in  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a long and unusual passphrase 5531"


def test_an_office_admin_invites_and_the_new_person_accepts(
    page,
    live_server,
    axe,
    screenshot_dir,
    signed_in,  # noqa: F811 - the fixture imported above
    office_admin,
    norfolk,
):
    signed_in(office_admin)
    page.goto(f"{live_server.url}/accounts/office/invitations/")
    check(page, axe, screenshot_dir, "invitations-empty")
    page.get_by_role("button", name="Invite a person").click()
    page.get_by_label("Full name").fill("Fay Force")
    page.get_by_label("Email address").fill("fay@norfolk.police.example")
    page.get_by_label(re.compile("^Force contributor for Norfolk Constabulary")).check()
    check(page, axe, screenshot_dir, "invitation-create")
    page.get_by_role("button", name="Send the invitation").click()
    page.get_by_text("We have emailed an invitation to fay@norfolk.police.example").wait_for()
    assert page.get_by_text("Pending").is_visible()
    check(page, axe, screenshot_dir, "invitations")

    invitation = Invitation.objects.get()
    token = invitation_token(invitation.emails.get().nonce)
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/invitation/{token}/")
    check(page, axe, screenshot_dir, "invitation-accept")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm the new password").fill(NEW_PASSWORD)
    page.get_by_label("Confirm the new password").press("Enter")
    page.get_by_text("You are now Force contributor for Norfolk Constabulary").wait_for()
    membership = Membership.objects.get(user__email="fay@norfolk.police.example")
    assert membership.force == norfolk.force

    page.goto(f"{live_server.url}/accounts/invitation/{token}/")
    assert page.get_by_role("heading", name="This invitation has already been used").is_visible()
    check(page, axe, screenshot_dir, "invitation-used")


def test_a_person_in_two_offices_switches_in_the_header(
    page,
    live_server,
    axe,
    screenshot_dir,
    signed_in,  # noqa: F811 - the fixture imported above
    drafter,
    suffolk,
):
    MembershipFactory(user=drafter, role=Membership.Role.OPCC_DRAFTER, policing_body=suffolk)
    signed_in(drafter)
    page.goto(f"{live_server.url}/accounts/")
    switcher = page.get_by_label("Acting for")
    assert switcher.input_value() != str(suffolk.pk)
    check(page, axe, screenshot_dir, "office-switcher")
    switcher.select_option(str(suffolk.pk))
    page.get_by_role("button", name="Switch office").press("Enter")
    page.get_by_text(f"You are now acting for {suffolk.office_name}").wait_for()
    assert page.get_by_label("Acting for").input_value() == str(suffolk.pk)

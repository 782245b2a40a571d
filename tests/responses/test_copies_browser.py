"""The s55(6) copies sent from the copies page in real Chromium: the office checks the
addresses (and where each comes from), sends the copies, and sees each email sent with its
Message-ID and the dates recorded; axe-core finds nothing on the page before or after."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from core.models import OutgoingEmail
from responses.services import response_publish
from tests.factories import office_user

from .test_publication_browser import reference_data  # noqa: F401 - a fixture
from .test_scheduled_publication import approved_flow
from .test_views import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_violations(check_axe, page, name):
    violations = check_axe(page)
    assert violations == [], (name, [(v["id"], v["help"], len(v["nodes"])) for v in violations])


def test_the_office_checks_the_addresses_and_sends_the_copies(
    reference_data,  # noqa: F811
    live_server,
    page,
    axe,
    settings,
    screenshot_dir,
):
    settings.S55_COPY_HMICFRS_EMAIL = "s55@hmicfrs.example.org"
    settings.S55_COPY_HOME_SECRETARY_EMAIL = "s55@homeoffice.example.org"
    flow = approved_flow()
    body = flow.response.policing_body
    body.panel_email = "panel@norfolk.example.org"
    body.save(update_fields=["panel_email"])
    response_publish(
        response=flow.response, published_on=timezone.localdate(), acting_user=flow.approver
    )

    _sign_in(page.context, live_server, flow.drafter)
    page.goto(live_server.url + reverse("responses:copies", args=[flow.response.pk]))
    addresses = page.locator("#copy-addresses")
    assert "s55@hmicfrs.example.org" in addresses.inner_text()
    assert "the service's settings (S55_COPY_HMICFRS_EMAIL)" in addresses.inner_text()
    assert "No address: not sent" in addresses.inner_text()  # the chief officer's is missing
    _no_violations(axe, page, "copies")

    with page.expect_navigation():
        page.get_by_role("button", name="Send the copies by email").click()
    assert page.get_by_text("The copies are being sent").is_visible()
    table = page.get_by_role("table", name="Emails of version 1")
    sent = OutgoingEmail.objects.filter(kind="s55_copy")
    assert sent.count() == 3
    for row in sent:
        assert row.message_id in table.inner_text()
    page.screenshot(path=str(screenshot_dir / "copies-sent.png"), full_page=True)
    _no_violations(axe, page, "copies sent")


def test_the_office_admin_has_the_copies_sent_on_publication_and_the_copies_page_says_so(
    reference_data,  # noqa: F811
    live_server,
    page,
    axe,
    settings,
):
    settings.S55_COPY_HMICFRS_EMAIL = "s55@hmicfrs.example.org"
    flow = approved_flow()
    body = flow.response.policing_body
    admin = office_user(body, Membership.Role.OPCC_ADMIN)

    _sign_in(page.context, live_server, admin)
    page.goto(live_server.url + reverse("accounts:office-priorities"))
    _no_violations(axe, page, "office settings")
    box = page.get_by_label("Send the s55(6) copies by email as soon as a version is published")
    box.focus()
    page.keyboard.press("Space")  # by keyboard
    assert box.is_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="Save how the copies are sent").press("Enter")
    assert page.get_by_text("How the s55(6) copies are sent has been saved.").is_visible()
    assert page.get_by_label(
        "Send the s55(6) copies by email as soon as a version is published"
    ).is_checked()
    body.refresh_from_db()
    assert body.send_copies_on_publication

    response_publish(
        response=flow.response, published_on=timezone.localdate(), acting_user=flow.approver
    )
    page.goto(live_server.url + reverse("responses:copies", args=[flow.response.pk]))
    assert page.locator("#copies-on-publication").is_visible()
    # Published with a real commit: the copy went to the one address recorded.
    assert list(OutgoingEmail.objects.filter(kind="s55_copy").values_list("to", flat=True)) == [
        "s55@hmicfrs.example.org"
    ]
    _no_violations(axe, page, "copies page, sent on publication")

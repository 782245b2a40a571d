"""A long reason, in real Chromium on PostgreSQL: the approver sends a response back with a
2,000-character reason typed into the form, and the response's history shows every word of it.

PostgreSQL enforces column lengths (SQLite does not), so this is where a reason longer than
django-simple-history's default 100-character column used to fail with a server error."""

import re

import pytest
from django.conf import settings

from responses.models import Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: Paragraphs of what an approver writes when sending a response back.
REASON = "\n\n".join(
    f"Point {n}: the explanation of R{n % 2 + 1} must say which board agreed the plan, when it "
    "met, and what the force reported to it; the panel asked for this in writing."
    for n in range(1, 15)
)[:2000]


def _sign_in(page, live_server, client, user):
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_a_2000_character_send_back_reason_is_kept_and_shown_whole(
    postgres_required, live_server, page, client, axe, flow, approver, screenshot_dir
):
    assert len(REASON) == 2000
    flow.drive(Status.AWAITING_APPROVAL)
    _sign_in(page, live_server, client, approver)

    page.goto(f"{live_server.url}/responses/{flow.response.pk}/send-back/")
    page.get_by_label("Why are you sending it back?").fill(REASON)
    page.get_by_role("button", name="Send back").click()

    page.wait_for_url(f"**/responses/{flow.response.pk}/")
    assert "Sent back to drafting." in page.inner_text(".govuk-notification-banner")
    assert flow.refreshed().status == Status.DRAFTING

    page.goto(f"{live_server.url}/responses/{flow.response.pk}/history/")
    shown = page.locator(".app-timeline__entry").first
    text = re.sub(r"\s+", " ", shown.inner_text())
    assert " ".join(f"Sent back: {REASON}".split()) in text
    # The heading stays short; the reason is under it, its paragraphs kept.
    assert shown.locator("h2").inner_text() == "Response: Changed"
    assert shown.locator("br").count() == 2 * REASON.count("\n\n")
    page.screenshot(path=str(screenshot_dir / "history-long-reason.png"), full_page=True)
    violations = axe(page)
    assert violations == [], [(v["id"], v["help"]) for v in violations]

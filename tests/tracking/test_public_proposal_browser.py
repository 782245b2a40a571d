"""The force proposes, the office publishes, in real Chromium on the demo data of `make run`.

Norfolk Constabulary's contributor proposes two updates for the public page of the published
Norfolk CDI 2019 response (one also moves R1 to "in progress"). Neither is on the public page.
The office's approver finds them from the tracker, approves the first as written and publishes
the second in the office's words. The public page then shows the first, the office's words (not
the force's) and the new status, and the item's timeline records who approved what. axe-core
finds nothing on the new pages, and they fit a 320 px screen."""

import re

import pytest
from django.urls import reverse

from tests.tracking.test_journey_browser import CDI, R1_LINK, _check, _sign_in, demo  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FIRST = "The force audited 100 violent crime incidents: 96 were recorded correctly."
SECOND = "DS Jones re-checked the four errors with the victims on 3 March."
OFFICE_WORDS = "The force re-checked the four incidents recorded wrongly."


def _propose(page, text, *, in_progress=False):
    page.get_by_role("button", name="Add an update").click()
    page.get_by_label("What has been done").fill(text)
    if in_progress:
        page.get_by_label("Change it to in progress").check()
    page.get_by_label("Propose this update for the public response page").check()
    page.get_by_role("button", name="Add the update").click()
    page.wait_for_url(re.compile(r"/tracker/\d+/$"))
    assert "The office will decide what of it appears" in page.inner_text(
        ".govuk-notification-banner"
    )


def _public_page(browser, url):
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(url)
    text = page.inner_text("main")
    progress = page.locator("#progress-recommendation-1").inner_text()
    context.close()
    return text, progress


def test_the_force_proposes_public_text_and_the_office_approves_or_edits_it(
    demo,  # noqa: F811
    live_server,
    browser,
    axe,
    screenshot_dir,
):
    from tracking.models import PublicProposal, TrackerItem

    item = TrackerItem.objects.get(
        policing_body__slug="norfolk-pcc", finding__report__title=CDI, finding__reference="R1"
    )
    response = item.finding.report.responses.get(policing_body=item.policing_body)
    public_url = live_server.url + reverse("public:response", args=[response.pk])
    _, progress = _public_page(browser, public_url)
    assert "Status: Open" in progress

    # --- The force proposes ----------------------------------------------------------------
    page = _sign_in(browser, live_server, "force", demo)
    page.get_by_role("link", name=R1_LINK).click()
    _propose(page, FIRST, in_progress=True)
    _propose(page, SECOND)
    assert "waiting for the office's approval" in page.inner_text("main")
    page.context.close()

    text, progress = _public_page(browser, public_url)
    assert FIRST not in text and SECOND not in text
    assert "Status: Open" in progress  # the force's "in progress" waits too
    assert PublicProposal.objects.filter(item=item, decision="pending").count() == 2

    # --- The office decides ------------------------------------------------------------------
    page = _sign_in(browser, live_server, "approver", demo)
    page.get_by_role("link", name="2 proposals by the force for the public page").click()
    page.wait_for_url(re.compile(r"/tracker/proposals/$"))
    _check(page, axe, screenshot_dir, "proposal-list")
    first, second = PublicProposal.objects.filter(item=item).order_by("pk")

    page.goto(live_server.url + reverse("tracking:proposal-decide", args=[item.pk, first.pk]))
    _check(page, axe, screenshot_dir, "proposal-decide")
    assert FIRST in page.inner_text("main")
    page.get_by_label("Approve it as the force wrote it").check()
    page.get_by_role("button", name="Save the decision").click()
    page.wait_for_url(re.compile(rf"/tracker/{item.pk}/$"))
    assert "Approved: it is on the public response page." in page.inner_text(
        ".govuk-notification-banner"
    )

    page.get_by_role("link", name=re.compile(r"^Approve, edit or decline")).click()
    page.get_by_label("Publish it in the office's words (write them below)").check()
    page.get_by_label("Text to publish").fill(OFFICE_WORDS)
    page.get_by_label("Reason (optional)").fill("No officers' names on the public page.")
    page.get_by_role("button", name="Save the decision").click()
    page.wait_for_url(re.compile(rf"/tracker/{item.pk}/$"))
    assert "Published in the office's words." in page.inner_text(".govuk-notification-banner")

    # The approvals are on the item's timeline, with who made them.
    timeline = page.inner_text("main")
    assert "For the public page: approved for the public page, by Alex Approver" in timeline
    assert "For the public page: published in the office's words, by Alex Approver" in timeline
    assert "Published in the office's words in place of the force's update" in timeline
    _check(page, axe, screenshot_dir, "item-with-decisions")
    page.context.close()

    # --- The public page ------------------------------------------------------------------------
    text, progress = _public_page(browser, public_url)
    assert FIRST in progress and OFFICE_WORDS in progress
    assert SECOND not in text
    assert "Status: In progress" in progress
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.decision, first.decided_by.username) == ("approved", "approver")
    assert (second.decision, second.replacement.text) == ("edited", OFFICE_WORDS)
    assert first.history.filter(history_user__username="approver").exists()

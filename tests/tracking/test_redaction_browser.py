"""Redacting a passage of a progress update in real Chromium, on the demo data of `make run`.

Norfolk Constabulary's contributor proposes an update for the public page of the published
Norfolk CDI 2019 response that names an officer. The office's approver, deciding on it, redacts
the name as personal data, sees the redaction and the text as the public will read it, and
approves it. The public page shows "[redacted: personal data]" where the name was, the item's
timeline keeps the whole text with the mark beside it. axe-core (WCAG 2.0, 2.1 and 2.2 A and AA)
finds nothing on the pages, at desktop width or on a 320 px phone."""

import re

import pytest
from django.urls import reverse

from tests.tracking.test_journey_browser import R1_LINK, _check, _sign_in, demo  # noqa: F401
from tests.tracking.test_public_proposal_browser import _propose, _public_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NAME = "DS Jane Example"
TEXT = f"{NAME} re-checked the four errors with the victims."
PUBLIC = "[redacted: personal data] re-checked the four errors with the victims."


def _fits_a_phone(page) -> None:
    page.set_viewport_size({"width": 320, "height": 800})
    assert not page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth + 1")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_office_redacts_a_passage_of_the_forces_update_before_approving_it(
    demo,  # noqa: F811
    live_server,
    browser,
    axe,
    screenshot_dir,
):
    from tracking.models import ProgressRedaction, PublicProposal, TrackerItem

    item = TrackerItem.objects.get(
        policing_body__slug="norfolk-pcc",
        finding__reference="R1",
        finding__report__title__contains="Crime Data Integrity inspection 2019",
    )
    response = item.finding.report.responses.get(policing_body=item.policing_body)
    public_url = live_server.url + reverse("public:response", args=[response.pk])

    page = _sign_in(browser, live_server, "force", demo)
    page.get_by_role("link", name=R1_LINK).click()
    _propose(page, TEXT)
    page.context.close()
    proposal = PublicProposal.objects.get(item=item, decision="pending")

    # --- The office redacts the name, then approves ---------------------------------------------
    page = _sign_in(browser, live_server, "approver", demo)
    page.goto(live_server.url + reverse("tracking:proposal-decide", args=[item.pk, proposal.pk]))
    page.get_by_role("link", name=re.compile(r"^Redact a passage")).click()
    page.wait_for_url(re.compile(r"/redactions/$"))
    _check(page, axe, screenshot_dir, "progress-redactions-none")
    page.get_by_label("Passage to redact").fill(NAME)
    page.get_by_label("Personal data").check()
    page.get_by_role("button", name="Redact the passage").press("Enter")
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "The passage is redacted in what the public reads." in page.inner_text(
        ".govuk-notification-banner"
    )
    assert PUBLIC in main  # what the public will read
    assert TEXT in main  # the update as written
    _check(page, axe, screenshot_dir, "progress-redactions")
    _fits_a_phone(page)
    row = ProgressRedaction.objects.get()
    assert (row.update_id, row.passage, row.created_by.username) == (
        proposal.update_id,
        NAME,
        "approver",
    )

    page.goto(live_server.url + reverse("tracking:proposal-decide", args=[item.pk, proposal.pk]))
    main = page.inner_text("main")
    assert f"“{NAME}”, shown as [redacted: personal data]" in main
    _check(page, axe, screenshot_dir, "proposal-decide-with-redaction")
    page.get_by_label("Approve it as the force wrote it").check()
    page.get_by_role("button", name="Save the decision").click()
    page.wait_for_url(re.compile(rf"/tracker/{item.pk}/$"))

    # The timeline keeps the whole text, with the mark beside it.
    entry = page.locator(f"#update-{proposal.update_id}")
    assert TEXT in entry.inner_text()
    assert "1 passage is redacted in what the public reads" in entry.inner_text()
    entry.get_by_text("The text as the public page shows it").click()
    assert PUBLIC in entry.inner_text()
    _check(page, axe, screenshot_dir, "item-with-redaction")
    _fits_a_phone(page)
    page.context.close()

    # --- The public page ------------------------------------------------------------------------
    text, progress = _public_page(browser, public_url)
    assert PUBLIC in progress
    assert NAME not in text

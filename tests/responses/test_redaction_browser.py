"""Redaction in real Chromium: the drafter marks a passage of the office's comments as
redacted, sees what the public will see, and the approver sees the redaction on the approval
page before approving; axe-core (WCAG 2.0, 2.1 and 2.2 A and AA) finds nothing on either page,
at desktop width or on a phone."""

import pytest
from django.urls import reverse

from responses.models import Redaction, Status

from .conftest import Flow
from .test_publication_browser import reference_data  # noqa: F401 - a fixture
from .test_views import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "Mrs Jane Example"


def _no_violations(check_axe, page, name):
    violations = check_axe(page)
    assert violations == [], (name, [(v["id"], v["help"], len(v["nodes"])) for v in violations])


def test_the_drafter_redacts_a_passage_and_the_approver_sees_it_before_approving(
    reference_data,  # noqa: F811
    live_server,
    page,
    axe,
    screenshot_dir,
):
    from accounts.models import Membership
    from tests.factories import (
        RecommendationFactory,
        ReportFactory,
        make_response,
        office_user,
        policing_body,
    )

    body = policing_body("norfolk-pcc")
    body.holder_name = "Giles Orpen-Smellie"
    body.save()
    drafter = office_user(body, Membership.Role.OPCC_DRAFTER, full_name="Dana Drafter")
    approver = office_user(body, Membership.Role.OPCC_APPROVER, full_name="Alex Approver")
    report = ReportFactory(title="Norfolk custody inspection", forces=[body.force])
    RecommendationFactory(report=report)
    flow = Flow(
        response=make_response(report=report, body=body, acting_user=drafter),
        drafter=drafter,
        approver=approver,
    )
    flow.write_text(f"The commissioner met {NAME} about custody waits.")
    flow.explain_all()
    flow.drive(Status.DRAFTING, prepare=False)

    _sign_in(page.context, live_server, drafter)
    page.goto(live_server.url + reverse("responses:detail", args=[flow.response.pk]))
    with page.expect_navigation():
        page.get_by_role("link", name="Redactions").click()
    _no_violations(axe, page, "redactions, none yet")
    page.get_by_label("The office's comments").check()
    page.get_by_label("Passage to redact").fill(NAME)
    page.get_by_label("Personal data").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Redact the passage").press("Enter")
    assert page.get_by_text("The passage is redacted in what the public will see.").is_visible()
    assert page.get_by_text(
        "The commissioner met [redacted: personal data] about custody waits."
    ).is_visible()
    _no_violations(axe, page, "redactions")
    page.set_viewport_size({"width": 320, "height": 800})
    assert not page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth + 1")
    page.screenshot(path=str(screenshot_dir / "redactions-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    assert Redaction.objects.get().passage == NAME

    flow.do("submit for approval")
    page.context.clear_cookies()
    _sign_in(page.context, live_server, approver)
    page.goto(live_server.url + reverse("responses:approve", args=[flow.response.pk]))
    table = page.get_by_role("table", name="Passages redacted in what the public will see")
    assert NAME in table.inner_text()
    assert "[redacted: personal data]" in table.inner_text()
    _no_violations(axe, page, "approve with a redaction")

"""A change to a report's findings after a response was submitted, and publication re-checking
every guard (Police Act 1996 s55(4), (5), (5A), (5B)).

The inspections room changes findings and emits "report.findings_changed" (config/events.py);
after the commit its subscriber (`responses.services.responses_reopen_after_findings_change`)
sends every response awaiting approval or approved back to drafting, with the change in its
history, and emails the drafter who submitted it (a stored `core.models.OutgoingEmail`). The
tests run the worker's part inline when the change's on_commit callbacks run
(tests/conftest.py `tasks_inline`).
"""

from datetime import date, timedelta

import pytest

from core.models import OutgoingEmail
from inspections.models import Finding
from inspections.services import (
    SectionItem,
    finding_add,
    finding_update,
    findings_save_section,
)
from responses.corrections import report_correct
from responses.models import Status
from responses.services import publication_problems, responses_reopen_after_findings_change
from responses.workflow import WorkflowError
from tests.factories import RecommendationFactory

from .conftest import PUBLISHED_ON

pytestmark = pytest.mark.django_db

SUBMITTED = [Status.AWAITING_APPROVAL, Status.APPROVED]


def _add_r3(report, user):
    return finding_add(
        report=report,
        kind=Finding.Kind.RECOMMENDATION,
        text="The force should audit stalking crimes.",
        reference="R3",
        acting_user=user,
    )


@pytest.mark.parametrize("status", SUBMITTED)
def test_a_recommendation_added_after_submission_sends_the_response_back_and_tells_its_drafter(
    flow, report, drafter, approver, status, mailoutbox, django_capture_on_commit_callbacks
):
    flow.drive(status)

    with django_capture_on_commit_callbacks(execute=True):
        _add_r3(report, approver)

    reopened = flow.refreshed()
    assert reopened.status == Status.DRAFTING
    assert reopened.approved_by is None
    latest = reopened.history.first()
    assert latest.history_change_reason.startswith("Sent back: the report's findings changed")
    assert "R3" in latest.history_change_reason
    assert latest.history_user == approver
    email = OutgoingEmail.objects.get(kind="response_sent_back")
    assert (email.to, email.recipient_id) == (drafter.email, drafter.pk)
    assert [m.to for m in mailoutbox] == [[drafter.email]]
    assert "Recommendation added: R3" in mailoutbox[0].body
    assert f"/responses/{reopened.pk}/" in mailoutbox[0].body

    # Approving what no longer answers the report is impossible until R3 is explained.
    with pytest.raises(WorkflowError, match=r"Missing: R3\."):
        flow.do("submit for approval")
    flow.explain(report.findings.get(reference="R3"))
    flow.do("submit for approval")
    flow.do("approve")
    flow.do("publish")
    assert flow.refreshed().status == Status.PUBLISHED


def test_an_area_for_improvement_reclassified_as_a_recommendation_sends_the_response_back(
    flow, report, drafter, django_capture_on_commit_callbacks
):
    flow.drive(Status.APPROVED)
    afi = report.findings.get(kind=Finding.Kind.AREA_FOR_IMPROVEMENT)

    with django_capture_on_commit_callbacks(execute=True):
        finding_update(finding=afi, acting_user=drafter, kind=Finding.Kind.RECOMMENDATION)

    reopened = flow.refreshed()
    assert reopened.status == Status.DRAFTING
    assert "edited" in reopened.history.first().history_change_reason
    with pytest.raises(WorkflowError, match="s55\\(5B\\)"):
        flow.do("submit for approval")


def test_a_recommendation_edited_in_its_section_sends_the_response_back(
    flow, report, drafter, django_capture_on_commit_callbacks
):
    flow.drive(Status.AWAITING_APPROVAL)
    r1, r2 = report.findings.recommendations()

    with django_capture_on_commit_callbacks(execute=True):
        findings_save_section(
            report=report,
            kind=Finding.Kind.RECOMMENDATION,
            items=[
                SectionItem(pk=r1.pk, values={"text": "A different recommendation."}),
                SectionItem(pk=r2.pk, values={"text": r2.text}),
            ],
            acting_user=drafter,
        )

    reopened = flow.refreshed()
    assert reopened.status == Status.DRAFTING
    assert "R1" in reopened.history.first().history_change_reason
    assert (
        OutgoingEmail.objects.filter(kind="response_sent_back", recipient_id=drafter.pk).count()
        == 1
    )


def test_saving_a_section_unchanged_leaves_the_response_where_it_is(
    flow, report, drafter, django_capture_on_commit_callbacks
):
    flow.drive(Status.APPROVED)
    items = [
        SectionItem(pk=f.pk, values={"text": f.text}) for f in report.findings.recommendations()
    ]

    with django_capture_on_commit_callbacks(execute=True):
        findings_save_section(
            report=report, kind=Finding.Kind.RECOMMENDATION, items=items, acting_user=drafter
        )

    assert flow.refreshed().status == Status.APPROVED
    assert not OutgoingEmail.objects.filter(kind="response_sent_back").exists()


@pytest.mark.parametrize("status", [Status.DRAFTING, Status.PUBLISHED])
def test_a_response_being_drafted_or_published_is_left_alone(
    flow, report, drafter, status, django_capture_on_commit_callbacks
):
    flow.drive(status)
    version = flow.refreshed().lock_version

    with django_capture_on_commit_callbacks(execute=True):
        _add_r3(report, drafter)

    unchanged = flow.refreshed()
    assert unchanged.status == status
    assert unchanged.lock_version == version
    assert not OutgoingEmail.objects.filter(kind="response_sent_back").exists()


def test_a_response_submitted_after_the_change_is_not_sent_back_when_the_worker_runs_late(
    flow, report, drafter
):
    """The subscriber runs in a worker, possibly long after the change: a response submitted
    (and approved) since was checked against the findings as they now stand."""
    flow.drive(Status.APPROVED)
    submitted_at = flow.refreshed().submitted_for_approval_at

    reopened = responses_reopen_after_findings_change(
        report_id=report.pk,
        acting_user_id=drafter.pk,
        change="Recommendation added: R3",
        changed_at=(submitted_at - timedelta(minutes=1)).isoformat(),
    )

    assert reopened == []
    assert flow.refreshed().status == Status.APPROVED
    # The same change made after the submission sends it back.
    reopened = responses_reopen_after_findings_change(
        report_id=report.pk,
        acting_user_id=drafter.pk,
        change="Recommendation added: R3",
        changed_at=(submitted_at + timedelta(minutes=1)).isoformat(),
    )
    assert [r.pk for r in reopened] == [flow.refreshed().pk]
    assert flow.refreshed().status == Status.DRAFTING


def test_correcting_the_publication_date_does_not_send_an_approved_response_back(
    flow, report, drafter
):
    flow.drive(Status.APPROVED)

    report_correct(report=report, published_on=date(2020, 1, 6), reason="Typo", acting_user=drafter)

    assert flow.refreshed().status == Status.APPROVED


# Publishing re-checks every guard, whatever route the data took since approval.


def test_publish_refuses_a_recommendation_that_reached_the_report_without_the_services(
    flow, report
):
    flow.drive(Status.APPROVED)
    # As a bulk load or a database fix would: no service, so no event and no send-back.
    RecommendationFactory(report=report, reference="R3")

    with pytest.raises(WorkflowError) as refused:
        flow.do("publish")

    assert "Every recommendation needs an explanation before you can publish it" in str(
        refused.value
    )
    assert "Missing: R3." in str(refused.value)
    assert flow.refreshed().status == Status.APPROVED


def test_publication_problems_lists_every_guard_at_once(flow):
    flow.drive(Status.APPROVED)
    assert publication_problems(flow.refreshed(), published_on=PUBLISHED_ON) == []
    response = flow.refreshed()
    response.office_comments = " "
    response.force_invited_on = None
    response.signatory_name = ""
    response.policing_body.holder_name = ""
    response.explanations.all().delete()

    problems = publication_problems(response, published_on=date(2020, 3, 3))

    assert len(problems) == 5
    assert "(s55(5))" in problems[0]
    assert "(Police Act 1996 s55(5B)). Missing: R1, R2." in problems[1]
    assert "(s55(4))" in problems[2]
    assert "record the reason it is late" in problems[3]
    assert "name and title of the person who signs" in problems[4]

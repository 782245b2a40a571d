"""The Section 55 response workflow, driven through the real services.

Police Act 1996 s55 as amended: invite the chief officer (s55(4)), explain every recommendation
(s55(5B)), publish within 56 days (s55(5A)), send copies (s55(6)).
"""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Membership
from inspections.models import Finding, ReportType
from inspections.services import finding_add, report_create
from responses.corrections import report_correct
from responses.models import Explanation, Response, ResponseVersion, Status
from responses.services import (
    response_amend,
    response_approve,
    response_create,
    response_mark_not_required,
    response_publish,
    response_record_copies,
    response_record_force_comments,
    response_save_force_draft,
    response_send_back,
    response_update_text,
)
from responses.workflow import TRANSITIONS, ConcurrentEditError, WorkflowError, check_transition
from tests.factories import (
    ReportFactory,
    UserFactory,
    force_user,
    make_response,
    office_user,
    policing_body,
)

from .conftest import FORCE_REPLIED_ON, INVITED_ON, PUBLISHED_ON, REPLY_BY, Flow

pytestmark = pytest.mark.django_db

NORFOLK_DUE = date(2020, 3, 2)  # Tue 7 Jan 2020 + 55 days: Monday 2 March 2020

#: The status each action leads to, read from the transition table.
ACTION_TARGET = {action: target for (_source, target), action in TRANSITIONS.items()}


def _allowed_cases() -> list:
    return [
        pytest.param(source, target, action, id=f"{source}-to-{target}")
        for (source, target), action in TRANSITIONS.items()
    ]


def _refused_cases() -> list:
    """Every (from, to) pair of statuses, with every action that leads to `to`, except the one
    the transition table allows."""
    return [
        pytest.param(source, target, action, id=f"{source}-to-{target}-{action.replace(' ', '-')}")
        for source in Status
        for target in Status
        for action in sorted(a for a, t in ACTION_TARGET.items() if t == target)
        if TRANSITIONS.get((source, target)) != action
    ]


def _refusal_sentence(action: str, status: Status) -> str:
    return f"cannot {action} a response that is {status.label.lower()}"


# The transition table, state by state.


def test_every_action_leads_to_one_status_and_has_a_service():
    assert len(ACTION_TARGET) == len(set(TRANSITIONS.values()))
    for (_source, target), action in TRANSITIONS.items():
        assert ACTION_TARGET[action] == target
    assert set(Flow.ACTIONS) == set(TRANSITIONS.values())


@pytest.mark.parametrize(("source", "target", "action"), _allowed_cases())
def test_allowed_transition_succeeds_through_its_service(flow, source, target, action):
    flow.drive(source)

    flow.do(action)

    assert flow.refreshed().status == target


@pytest.mark.parametrize(("source", "target", "action"), _refused_cases())
def test_refused_transition_names_the_action_and_the_current_status(flow, source, target, action):
    flow.drive(source)
    lock_version = flow.refreshed().lock_version

    with pytest.raises(WorkflowError) as from_table:
        check_transition(source, target, action)
    with pytest.raises(WorkflowError) as from_service:
        flow.do(action)

    assert _refusal_sentence(action, source) in str(from_table.value)
    assert _refusal_sentence(action, source) in str(from_service.value)
    unchanged = flow.refreshed()
    assert unchanged.status == source
    assert unchanged.lock_version == lock_version


# s55(5B): every recommendation explained, before submission and before approval.


def test_submit_refused_while_a_recommendation_is_unexplained_and_names_it(flow, report):
    first, second = report.findings.recommendations()
    flow.write_text()
    flow.explain(first)
    flow.drive(Status.DRAFTING, prepare=False)

    with pytest.raises(WorkflowError) as refused:
        flow.do("submit for approval")

    assert "Missing: R2." in str(refused.value)
    assert "R1" not in str(refused.value)
    assert refused.value.problems == ["R2 has no explanation (what action, and why)"]
    assert flow.refreshed().status == Status.DRAFTING

    flow.explain(second)
    flow.do("submit for approval")
    assert flow.refreshed().status == Status.AWAITING_APPROVAL


@pytest.mark.parametrize(
    ("kind", "text"),
    [("", "We will act."), (Explanation.Kind.ACTION_TAKEN, "   ")],
    ids=["no-kind-of-action", "no-text"],
)
def test_an_incomplete_explanation_does_not_satisfy_s55_5b(flow, report, kind, text):
    first, second = report.findings.recommendations()
    flow.write_text()
    flow.explain(first)
    flow.explain(second, kind=kind, text=text)
    flow.drive(Status.DRAFTING, prepare=False)

    with pytest.raises(WorkflowError, match=r"Missing: R2\."):
        flow.do("submit for approval")


def test_an_area_for_improvement_needs_no_explanation_before_submission(flow, report):
    flow.write_text()
    for recommendation in report.findings.recommendations():
        flow.explain(recommendation)
    assert report.findings.areas_for_improvement().exists()
    flow.drive(Status.DRAFTING, prepare=False)

    flow.do("submit for approval")

    assert flow.refreshed().status == Status.AWAITING_APPROVAL


def test_approve_refused_while_a_recommendation_is_unexplained(
    flow, report, drafter, django_capture_on_commit_callbacks
):
    flow.drive(Status.AWAITING_APPROVAL)
    # A recommendation missed when the report was logged is added after submission: the
    # response goes back to drafting once the change commits
    # (tests/responses/test_findings_change.py).
    with django_capture_on_commit_callbacks(execute=True):
        finding_add(
            report=report,
            kind=Finding.Kind.RECOMMENDATION,
            text="The force should audit stalking crimes.",
            reference="R3",
            acting_user=drafter,
        )
    assert flow.refreshed().status == Status.DRAFTING

    with pytest.raises(WorkflowError) as refused:
        response_approve(response=flow.refreshed(), acting_user=flow.approver)

    assert "cannot approve a response that is drafting" in str(refused.value)

    flow.explain(report.findings.get(reference="R3"))
    flow.do("submit for approval")
    flow.do("approve")
    assert flow.refreshed().status == Status.APPROVED


# s55(5): the body's own comments are mandatory.


@pytest.mark.parametrize("office_comments", ["", "  \n "])
def test_submit_refused_without_the_office_comments(flow, office_comments):
    flow.write_text(office_comments=office_comments)
    flow.explain_all()
    flow.drive(Status.DRAFTING, prepare=False)

    with pytest.raises(WorkflowError) as refused:
        flow.do("submit for approval")

    assert "police and crime commissioner's comments" in str(refused.value)
    assert flow.refreshed().status == Status.DRAFTING

    flow.write_text(office_comments="The commissioner welcomes the report.")
    flow.do("submit for approval")
    assert flow.refreshed().status == Status.AWAITING_APPROVAL


# s55(4): the chief officer is invited before publication.


def test_publish_refused_until_the_force_has_been_invited(flow):
    flow.write_text()
    flow.explain_all()
    flow.do("start drafting")
    flow.do("submit for approval")
    flow.do("approve")

    with pytest.raises(WorkflowError, match=r"s55\(4\)"):
        flow.do("publish")
    assert flow.refreshed().status == Status.APPROVED
    assert not ResponseVersion.objects.filter(response=flow.response).exists()

    flow.do("send back")
    flow.do("invite the force")
    flow.force_replies()
    flow.do("submit for approval")
    flow.do("approve")
    flow.do("publish")
    assert flow.refreshed().status == Status.PUBLISHED


# Sign-off: a second person, who holds an approver role in this office.


def test_the_submitter_cannot_approve_their_own_submission(flow, norfolk, approver):
    flow.drafter = approver  # the approver writes and submits it themselves
    flow.drive(Status.AWAITING_APPROVAL)

    with pytest.raises(WorkflowError, match="someone else must approve it"):
        response_approve(response=flow.response, acting_user=approver)
    assert flow.refreshed().status == Status.AWAITING_APPROVAL

    colleague = office_user(norfolk, Membership.Role.OPCC_APPROVER)
    response_approve(response=flow.response, acting_user=colleague)
    approved = flow.refreshed()
    assert approved.status == Status.APPROVED
    assert approved.approved_by == colleague


def _drafter(norfolk):
    return office_user(norfolk, Membership.Role.OPCC_DRAFTER)


def _approver_of_another_office(norfolk):
    return office_user(policing_body("suffolk-pcc"), Membership.Role.OPCC_APPROVER)


def _force_contributor(norfolk):
    return force_user(norfolk.force)


def _former_approver(norfolk):
    user = office_user(norfolk, Membership.Role.OPCC_APPROVER)
    user.memberships.update(is_active=False)
    return user


def _user_without_a_role(norfolk):
    return UserFactory()


@pytest.mark.parametrize(
    "make_user",
    [
        _drafter,
        _approver_of_another_office,
        _force_contributor,
        _former_approver,
        _user_without_a_role,
    ],
)
def test_approval_refused_to_anyone_without_an_approver_role_in_this_office(
    flow, norfolk, make_user
):
    flow.drive(Status.AWAITING_APPROVAL)
    user = make_user(norfolk)

    with pytest.raises(
        WorkflowError, match="Only an approver or an admin in this office can approve"
    ):
        response_approve(response=flow.response, acting_user=user)

    refused = flow.refreshed()
    assert refused.status == Status.AWAITING_APPROVAL
    assert refused.approved_by is None


@pytest.mark.parametrize("role", [Membership.Role.OPCC_APPROVER, Membership.Role.OPCC_ADMIN])
def test_approval_by_an_approver_or_admin_of_this_office_records_the_signatory(flow, norfolk, role):
    flow.drive(Status.AWAITING_APPROVAL)
    user = office_user(norfolk, role)

    response_approve(response=flow.response, acting_user=user)

    approved = flow.refreshed()
    assert approved.status == Status.APPROVED
    assert approved.approved_by == user
    assert approved.signatory_title == "Police and Crime Commissioner"


# s55(5A): publication within 56 days, or a recorded reason.


def test_publishing_on_the_due_date_is_on_time_and_needs_no_reason(flow):
    flow.drive(Status.APPROVED)

    response_publish(response=flow.response, published_on=NORFOLK_DUE, acting_user=flow.approver)

    published = flow.refreshed()
    assert published.status == Status.PUBLISHED
    assert published.published_on == NORFOLK_DUE
    assert published.late_reason == ""


def test_publishing_after_the_due_date_is_refused_without_a_reason(flow):
    flow.drive(Status.APPROVED)

    with pytest.raises(WorkflowError) as refused:
        response_publish(
            response=flow.response,
            published_on=NORFOLK_DUE + timedelta(days=1),
            acting_user=flow.approver,
        )

    assert "1 day after the due date (2 March 2020)" in str(refused.value)
    assert "record the reason it is late" in str(refused.value)
    assert flow.refreshed().status == Status.APPROVED


def test_publishing_after_the_due_date_with_a_reason_records_it(flow):
    flow.drive(Status.APPROVED)

    response_publish(
        response=flow.response,
        published_on=NORFOLK_DUE + timedelta(days=3),
        late_reason="  The panel meeting moved.  ",
        acting_user=flow.approver,
    )

    published = flow.refreshed()
    assert published.status == Status.PUBLISHED
    assert published.published_on == date(2020, 3, 5)
    assert published.late_reason == "The panel meeting moved."


def test_publication_date_cannot_be_before_the_report(flow):
    flow.drive(Status.APPROVED)

    with pytest.raises(WorkflowError) as refused:
        response_publish(
            response=flow.response, published_on=date(2020, 1, 6), acting_user=flow.approver
        )

    assert refused.value.problems == ["The response cannot be published before the report."]
    assert flow.refreshed().status == Status.APPROVED


def test_publication_date_cannot_be_in_the_future(flow):
    flow.drive(Status.APPROVED)
    tomorrow = timezone.localdate() + timedelta(days=1)

    with pytest.raises(WorkflowError) as refused:
        response_publish(
            response=flow.response,
            published_on=tomorrow,
            late_reason="Delayed by the election.",
            acting_user=flow.approver,
        )

    assert refused.value.problems == ["The publication date cannot be in the future."]
    assert flow.refreshed().status == Status.APPROVED


def test_publication_on_the_day_the_report_was_published_is_allowed(flow, report):
    flow.drive(Status.APPROVED)

    response_publish(
        response=flow.response, published_on=report.published_on, acting_user=flow.approver
    )

    assert flow.refreshed().published_on == date(2020, 1, 7)


# s55(6): copies to HMICFRS and the Home Secretary, dated on or after publication.


def test_copy_dates_before_publication_are_refused(flow):
    flow.drive(Status.PUBLISHED)

    with pytest.raises(WorkflowError, match="cannot be before the publication date"):
        response_record_copies(
            response=flow.response,
            acting_user=flow.drafter,
            hmicfrs=PUBLISHED_ON - timedelta(days=1),
            home_secretary=PUBLISHED_ON,
        )

    refused = flow.refreshed().versions.get()
    assert refused.copy_hmicfrs_on is None
    assert refused.copy_home_secretary_on is None


def test_copy_dates_on_or_after_publication_are_recorded(flow):
    flow.drive(Status.PUBLISHED)

    response_record_copies(
        response=flow.response,
        acting_user=flow.drafter,
        hmicfrs=PUBLISHED_ON,
        home_secretary=PUBLISHED_ON + timedelta(days=3),
    )

    recorded = flow.refreshed().versions.get()
    assert recorded.copy_hmicfrs_on == PUBLISHED_ON
    assert recorded.copy_home_secretary_on == date(2020, 2, 24)


def test_copies_cannot_be_recorded_before_the_response_is_published(flow):
    flow.drive(Status.APPROVED)

    with pytest.raises(WorkflowError, match="once the response is published"):
        response_record_copies(
            response=flow.response, acting_user=flow.drafter, hmicfrs=PUBLISHED_ON
        )

    assert not ResponseVersion.objects.filter(response=flow.response).exists()


# Reasons: not required, send back, amend.


@pytest.mark.parametrize("reason", ["", "   "])
def test_marking_not_required_needs_a_reason(flow, reason):
    with pytest.raises(WorkflowError, match="Record why no response is required"):
        response_mark_not_required(response=flow.response, reason=reason, acting_user=flow.drafter)

    assert flow.refreshed().status == Status.NOT_STARTED


def test_marking_not_required_with_a_reason_records_it(flow):
    flow.do("mark as not required")

    marked = flow.refreshed()
    assert marked.status == Status.NOT_REQUIRED
    assert marked.not_required_reason == "Covered by the national report."


def test_sending_back_needs_a_reason(flow):
    flow.drive(Status.AWAITING_APPROVAL)

    with pytest.raises(WorkflowError, match="Say why the response is being sent back"):
        response_send_back(response=flow.response, reason="  ", acting_user=flow.approver)
    assert flow.refreshed().status == Status.AWAITING_APPROVAL

    response_send_back(
        response=flow.response, reason="Say more about R1.", acting_user=flow.approver
    )
    sent_back = flow.refreshed()
    assert sent_back.status == Status.DRAFTING
    assert sent_back.history.first().history_change_reason == "Sent back: Say more about R1."


def test_sending_back_an_approved_response_clears_the_approval(flow):
    flow.drive(Status.APPROVED)

    flow.do("send back")

    sent_back = flow.refreshed()
    assert sent_back.status == Status.DRAFTING
    assert sent_back.approved_by is None
    assert sent_back.approved_at is None


def test_amending_needs_a_reason(flow):
    flow.drive(Status.PUBLISHED)

    with pytest.raises(WorkflowError, match="Say why the published response is being amended"):
        response_amend(response=flow.response, reason="", acting_user=flow.drafter)

    assert flow.refreshed().status == Status.PUBLISHED


def test_an_amendment_in_progress_leaves_the_published_version_public(flow):
    flow.drive(Status.PUBLISHED)

    flow.do("amend")

    amending = flow.refreshed()
    assert amending.status == Status.DRAFTING
    assert amending.amendment_reason == "Corrected a date in R2."
    assert list(Response.objects.published()) == [amending]
    assert list(amending.versions.values_list("number", flat=True)) == [1]


def test_republishing_an_amendment_adds_a_version_and_keeps_the_original_date(flow):
    flow.drive(Status.PUBLISHED)
    flow.do("amend")
    flow.write_text(office_comments="The commissioner welcomes the report (corrected).")
    flow.do("submit for approval")
    flow.do("approve")
    republished_on = date(2020, 4, 1)  # after the due date: an amendment is not late

    response_publish(response=flow.response, published_on=republished_on, acting_user=flow.approver)

    republished = flow.refreshed()
    assert republished.status == Status.PUBLISHED
    assert republished.published_on == PUBLISHED_ON
    assert republished.amendment_reason == ""
    versions = list(republished.versions.order_by("number"))
    assert [(v.number, v.published_on, v.reason) for v in versions] == [
        (1, PUBLISHED_ON, ""),
        (2, republished_on, "Corrected a date in R2."),
    ]
    assert versions[1].published_by == flow.approver


# Opening a response, and its statutory due date.


def test_a_fire_report_cannot_have_a_section_55_response(norfolk, drafter):
    fire = report_create(
        acting_user=drafter,
        title="Norfolk Fire and Rescue Service inspection",
        published_on=date(2022, 7, 27),
        report_type=ReportType.FIRE,
    )

    with pytest.raises(WorkflowError, match="does not need a Section 55 response"):
        response_create(report=fire, policing_body=norfolk, acting_user=drafter)

    assert not Response.objects.filter(report=fire).exists()


def test_a_body_cannot_have_two_responses_to_one_report(response, report, norfolk, drafter):
    with pytest.raises(WorkflowError, match="Norfolk OPCC already has a response"):
        response_create(report=report, policing_body=norfolk, acting_user=drafter)

    assert Response.objects.filter(report=report, policing_body=norfolk).count() == 1


def test_another_body_can_respond_to_the_same_multi_force_report(response, report, drafter):
    suffolk = policing_body("suffolk-pcc")

    other = make_response(report=report, body=suffolk)

    assert set(report.responses.values_list("policing_body__slug", flat=True)) == {
        "norfolk-pcc",
        "suffolk-pcc",
    }
    assert other.due_date == NORFOLK_DUE


@pytest.mark.parametrize(
    ("published_on", "due_date", "publish_by"),
    [
        (date(2017, 5, 1), None, None),  # before s55(5A) came into force
        (date(2017, 5, 2), date(2017, 6, 26), date(2017, 6, 26)),  # the day it came into force
        (date(2020, 1, 6), date(2020, 3, 1), date(2020, 2, 28)),  # due on a Sunday
    ],
    ids=["before-commencement", "on-commencement", "due-on-a-sunday"],
)
def test_response_create_stores_the_statutory_due_date(norfolk, published_on, due_date, publish_by):
    report = ReportFactory(published_on=published_on)

    response = make_response(report=report, body=norfolk)

    stored = Response.objects.get(pk=response.pk)
    assert (stored.due_date, stored.publish_by) == (due_date, publish_by)


def test_norfolk_cdi_2019_is_due_on_monday_2_march_2020(norfolk):
    report = ReportFactory(
        title="Norfolk Constabulary Crime Data Integrity inspection 2019",
        published_on=date(2020, 1, 7),
    )

    response = make_response(report=report, body=norfolk)

    stored = Response.objects.get(pk=response.pk)
    assert stored.due_date == date(2020, 3, 2)  # not 3 March: publication day is day 1
    # 2 March 2020 is a Monday and not a bank holiday, so it is also the publish-by date.
    assert stored.publish_by == date(2020, 3, 2)


# The force's comments.


def test_force_comments_received_while_awaiting_the_force_move_the_response_to_drafting(flow):
    flow.do("invite the force")

    flow.force_replies()

    replied = flow.refreshed()
    assert replied.status == Status.DRAFTING
    assert replied.force_comments == "The force accepts the recommendations."
    assert replied.force_comments_received_on == FORCE_REPLIED_ON
    assert replied.force_invited_on == INVITED_ON
    assert replied.force_reply_by == REPLY_BY


def test_the_forces_draft_is_saved_and_submitted_together(flow):
    flow.do("invite the force")
    contributor = force_user(flow.response.policing_body.force)

    response_save_force_draft(
        response=flow.response,
        acting_user=contributor,
        text="The force accepts the recommendations.",
        author_name="A Chief",
        author_role="Chief Constable",
        submit=True,
    )

    replied = flow.refreshed()
    assert replied.force_comments == "The force accepts the recommendations."
    assert replied.force_comments_submitted_at is not None
    assert replied.force_comments_received_on == timezone.localdate()
    assert replied.status == Status.DRAFTING


def test_a_refused_submission_leaves_the_forces_draft_unsaved(flow):
    flow.do("invite the force")
    contributor = force_user(flow.response.policing_body.force)

    with pytest.raises(WorkflowError):
        response_save_force_draft(
            response=flow.response,
            acting_user=contributor,
            text="   ",
            author_name="A Chief",
            submit=True,
        )

    unchanged = flow.refreshed()
    assert unchanged.force_comments_author_name == ""
    assert unchanged.force_comments_submitted_at is None
    assert unchanged.lock_version == flow.response.lock_version


def test_recording_that_the_force_submitted_no_comments_also_moves_to_drafting(flow):
    flow.do("invite the force")

    response_record_force_comments(
        response=flow.response,
        acting_user=flow.drafter,
        text="ignored",
        received_on=REPLY_BY,
        none_submitted=True,
    )

    replied = flow.refreshed()
    assert replied.status == Status.DRAFTING
    assert replied.force_comments_none_submitted is True
    assert replied.force_comments == ""


def test_force_comments_cannot_be_recorded_before_the_force_is_invited(flow):
    with pytest.raises(WorkflowError, match="after the force has been invited"):
        flow.force_replies()

    assert flow.refreshed().force_comments == ""


def test_a_late_reply_from_the_force_is_noted_in_the_history(flow):
    flow.do("invite the force")

    response_record_force_comments(
        response=flow.response,
        acting_user=flow.drafter,
        text="Sorry for the delay.",
        received_on=REPLY_BY + timedelta(days=2),
    )

    assert flow.refreshed().history.first().history_change_reason == (
        "Force comments recorded (after the reply-by date)"
    )


# Optimistic locking.


def test_saving_text_over_someone_elses_change_is_refused_and_keeps_their_text(flow, norfolk):
    opened_at = flow.refreshed().lock_version
    colleague = office_user(norfolk, Membership.Role.OPCC_DRAFTER)
    response_update_text(
        response=flow.response,
        acting_user=colleague,
        expected_lock_version=opened_at,
        office_comments="Colleague's text.",
    )

    with pytest.raises(ConcurrentEditError):
        response_update_text(
            response=flow.response,
            acting_user=flow.drafter,
            expected_lock_version=opened_at,
            office_comments="My stale text.",
        )

    kept = flow.refreshed()
    assert kept.office_comments == "Colleague's text."
    assert kept.lock_version == opened_at + 1


def test_saving_text_with_the_current_lock_version_succeeds(flow):
    opened_at = flow.refreshed().lock_version

    response_update_text(
        response=flow.response,
        acting_user=flow.drafter,
        expected_lock_version=opened_at,
        office_comments="First draft.",
    )

    saved = flow.refreshed()
    assert saved.office_comments == "First draft."
    assert saved.lock_version == opened_at + 1


def test_text_cannot_be_edited_while_awaiting_approval(flow):
    flow.drive(Status.AWAITING_APPROVAL)

    with pytest.raises(WorkflowError, match="send it back to drafting"):
        response_update_text(response=flow.response, acting_user=flow.drafter, office_comments="x")

    assert flow.refreshed().office_comments == "The commissioner welcomes the report."


# Correcting the report's publication date moves the deadlines.


def test_correcting_the_publication_date_moves_every_responses_due_date(response, report, drafter):
    suffolk_response = make_response(report=report, body=policing_body("suffolk-pcc"))

    correction = report_correct(
        report=report,
        published_on=date(2020, 1, 8),
        reason="HMICFRS published a day later than logged.",
        acting_user=drafter,
    )

    for moved in Response.objects.filter(pk__in=[response.pk, suffolk_response.pk]):
        assert (moved.due_date, moved.publish_by) == (date(2020, 3, 3), date(2020, 3, 3))
        latest = moved.history.first()
        assert latest.history_change_reason == (
            "Report corrected: HMICFRS published a day later than logged."
        )
        assert latest.history_user == drafter
    report.refresh_from_db()
    assert report.published_on == date(2020, 1, 8)
    assert report.history.first().history_change_reason == (
        "Corrected: HMICFRS published a day later than logged."
    )
    # What it was before is kept on the correction (the history shows it as a change too).
    assert correction.previous["published_on"] == "2020-01-07"


def test_correcting_the_publication_date_moves_relative_recommendation_timescales(report, drafter):
    recommendation = finding_add(
        report=report,
        kind=Finding.Kind.RECOMMENDATION,
        text="The force should train its supervisors.",
        timescale_text="Within six months",
        acting_user=drafter,
    )
    assert recommendation.target_date == date(2020, 7, 7)

    report_correct(
        report=report, published_on=date(2020, 1, 8), reason="Logged wrongly.", acting_user=drafter
    )

    recommendation.refresh_from_db()
    assert recommendation.target_date == date(2020, 7, 8)


def test_correcting_the_publication_date_needs_a_reason(response, report, drafter):
    with pytest.raises(ValidationError):
        report_correct(
            report=report, published_on=date(2020, 1, 8), reason=" ", acting_user=drafter
        )

    report.refresh_from_db()
    assert report.published_on == date(2020, 1, 7)
    assert Response.objects.get(pk=response.pk).due_date == NORFOLK_DUE

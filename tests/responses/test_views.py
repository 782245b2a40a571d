"""The response pages: the clock, the task list, each section's page, the workflow actions and
their refusals, the force's view and the history. Data through the real services; pages through
Django's test client."""

import re
from datetime import date
from html import unescape

import pytest
from django.urls import reverse

from accounts.models import Membership
from inspections.models import Addressee
from responses.models import Explanation, Response, Status
from responses.selectors import response_clock
from responses.services import response_invite_force
from tests.factories import (
    RecommendationFactory,
    ReportFactory,
    force,
    force_user,
    make_response,
    office_user,
    policing_body,
)

from .conftest import INVITED_ON, REPLY_BY

pytestmark = pytest.mark.django_db

# Norfolk's CDI 2019 report was published on Tuesday 7 January 2020; day 23 is 29 January.
DAY_23 = date(2020, 1, 29)


@pytest.fixture
def today(monkeypatch):
    """Fix the pages' "today" (the clock, defaults and lateness) to a date a test chooses."""

    def set_today(day: date):
        monkeypatch.setattr("responses.views._today", lambda: day)
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: day)
        return day

    set_today(DAY_23)
    return set_today


@pytest.fixture
def force_person(norfolk):
    return force_user(norfolk.force, full_name="Fran Force", email="fran@norfolk.police.example")


def url(name, response, *args):
    return reverse(f"responses:{name}", args=[response.pk, *args])


def text_of(html: bytes) -> str:
    """The page as a person reads it: tags removed, whitespace collapsed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html.decode()))).strip()


def errors_in_summary(html: bytes) -> str:
    match = re.search(rb'<div class="govuk-error-summary".*?</ul>', html, re.S)
    assert match, "no GOV.UK error summary on the page"
    return text_of(match.group(0))


# --- The clock -----------------------------------------------------------------------------


def test_the_clock_counts_day_of_56_and_calendar_days_left(response):
    clock = response_clock(response, today=DAY_23)

    assert clock.summary == (
        "Day 23 of 56 - due Monday 2 March 2020 - 33 days left - publish by Monday 2 March 2020"
    )
    assert clock.state == "running"


def test_publish_by_is_the_last_working_day_on_or_before_a_weekend_due_date(norfolk, drafter):
    # Published Monday 6 January 2020 -> due Sunday 1 March 2020 (2020 is a leap year)
    # -> publish by Friday 28 February 2020.
    report = ReportFactory(published_on=date(2020, 1, 6), forces=[norfolk.force])
    response = make_response(report=report, body=norfolk, acting_user=drafter)

    clock = response_clock(response, today=date(2020, 2, 20))

    assert clock.summary == (
        "Day 46 of 56 - due Sunday 1 March 2020 - 10 days left - publish by Friday 28 February 2020"
    )
    assert clock.state == "due_soon"


def test_the_clock_after_the_56_days_says_so_rather_than_day_60_of_56(response):
    clock = response_clock(response, today=date(2020, 3, 6))

    assert clock.summary == (
        "The 56 days have ended - due Monday 2 March 2020 - 4 days overdue - "
        "publish by Monday 2 March 2020"
    )


def test_the_clock_says_overdue_and_due_today(response):
    assert response_clock(response, today=date(2020, 3, 2)).summary.startswith(
        "Day 56 of 56 - due Monday 2 March 2020 - due today"
    )
    overdue = response_clock(response, today=date(2020, 3, 5))
    assert overdue.state == "overdue"
    assert "3 days overdue" in overdue.summary


def test_the_response_page_shows_the_clock_status_and_next_action(client, response, drafter, today):
    client.force_login(drafter)

    page = client.get(url("detail", response))

    assert page.status_code == 200
    text = text_of(page.content)
    assert (
        "Day 23 of 56 - due Monday 2 March 2020 - 33 days left - publish by Monday 2 March 2020"
        in text
    )
    assert "Not started" in text
    assert "Invite the force to comment, choosing the date you need its reply by." in text


def test_the_task_list_follows_the_reference_template_order(client, response, drafter, today):
    client.force_login(drafter)

    text = text_of(client.get(url("detail", response)).content)

    order = [
        "Invite the force to comment",
        "Chief Constable's comments",
        "The Police and Crime Commissioner's comments",
        "Reply to the force's comments",
        "Explain the action on every recommendation",
        "Respond to the areas for improvement",
        "Submit for approval",
        "Approve or send back",
        "Publish the response",
        "Record the copies sent",
    ]
    positions = [text.index(title) for title in order]
    assert positions == sorted(positions)
    assert "0 of 2 explained" in text


# --- Inviting the force ----------------------------------------------------------------------


def test_the_invitation_form_suggests_20_working_days_before_publish_by(
    client, response, drafter, today
):
    client.force_login(drafter)

    page = client.get(url("invite", response))

    # Due (and publish by) Monday 2 March 2020; 20 working days before is Monday 3 February.
    html = page.content.decode()
    assert 'name="reply_by_day" value="3"' in html
    assert 'name="reply_by_month" value="2"' in html
    assert 'name="reply_by_year" value="2020"' in html
    assert "20 working days before the publish-by date of 2 March 2020" in text_of(page.content)


def test_the_suggested_reply_by_is_a_working_day_when_the_due_date_is_not(
    client, norfolk, drafter, today
):
    # Published Monday 28 April 2025: due Sunday 22 June, publish by Friday 20 June. 28
    # calendar days before the due date would be Sunday 25 May.
    report = ReportFactory(forces=[norfolk.force], published_on=date(2025, 4, 28))
    response = make_response(report=report, body=norfolk, acting_user=drafter)
    today(date(2025, 4, 29))
    client.force_login(drafter)

    html = client.get(url("invite", response)).content.decode()

    # 20 working days before Friday 20 June, over the spring bank holiday (26 May): 22 May.
    assert 'name="reply_by_day" value="22"' in html
    assert 'name="reply_by_month" value="5"' in html
    assert 'name="reply_by_year" value="2025"' in html


def test_the_office_can_still_choose_a_reply_by_date_on_a_weekend(client, response, drafter, today):
    client.force_login(drafter)

    page = client.post(
        url("invite", response),
        {
            "invited_on_day": "8",
            "invited_on_month": "1",
            "invited_on_year": "2020",
            "reply_by_day": "1",
            "reply_by_month": "2",
            "reply_by_year": "2020",  # a Saturday
        },
    )

    assert page.status_code == 302
    assert Response.objects.get(pk=response.pk).force_reply_by == date(2020, 2, 1)


def test_inviting_the_force_emails_its_contributors_with_a_link_after_commit(
    client, response, drafter, force_person, today, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(drafter)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page = client.post(
            url("invite", response),
            {
                "invited_on_day": "29",
                "invited_on_month": "1",
                "invited_on_year": "2020",
                "reply_by_day": "14",
                "reply_by_month": "2",
                "reply_by_year": "2020",
            },
        )

    assert page.status_code == 302
    assert mailoutbox == []  # nothing is sent in the request
    assert callbacks
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()  # the commit: the invitation's subscriber runs, its email is sent
    response.refresh_from_db()
    assert response.status == Status.AWAITING_FORCE
    assert response.force_reply_by == date(2020, 2, 14)
    assert [m.to for m in mailoutbox] == [["fran@norfolk.police.example"]]
    email = mailoutbox[0]
    assert "Friday 14 February 2020" in email.subject
    assert f"/responses/{response.pk}/" in email.body
    assert email.alternatives and f"/responses/{response.pk}/" in email.alternatives[0][0]


INVITE_DATES = {
    "invited_on_day": "29",
    "invited_on_month": "1",
    "invited_on_year": "2020",
    "reply_by_day": "14",
    "reply_by_month": "2",
    "reply_by_year": "2020",
}


def test_the_invitation_goes_to_the_force_contact_named_with_a_link_to_the_forces_page(
    client,
    response,
    drafter,
    force_person,
    norfolk,
    today,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    other = force_user(norfolk.force, full_name="Olly Other", email="olly@norfolk.police.example")
    client.force_login(drafter)
    form = client.get(url("invite", response)).content.decode()
    assert "Fran Force" in form and "Olly Other" in form, "the force's contributors to choose from"
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(url("invite", response), INVITE_DATES | {"force_contact": other.pk})
    assert page.status_code == 302
    response.refresh_from_db()
    assert response.force_contact == other
    assert "addressed to Olly Other" in response.history.first().history_change_reason
    assert [m.to for m in mailoutbox] == [["olly@norfolk.police.example"]]
    assert reverse("responses:force-edit", args=[response.pk]) in mailoutbox[0].body


def test_a_force_contact_from_another_force_is_refused(response, drafter, suffolk_force_person):
    from responses.workflow import WorkflowError

    with pytest.raises(WorkflowError, match="not a contributor for Norfolk"):
        response_invite_force(
            response=response,
            invited_on=date(2020, 1, 29),
            reply_by=date(2020, 2, 14),
            acting_user=drafter,
            force_contact=suffolk_force_person,
        )


@pytest.fixture
def suffolk_force_person():
    return force_user(policing_body("suffolk-pcc").force, full_name="Sue Suffolk")


def test_a_refused_invitation_sends_nothing_and_says_why(
    client, response, drafter, force_person, today, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(drafter)

    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            url("invite", response),
            {
                "invited_on_day": "29",
                "invited_on_month": "1",
                "invited_on_year": "2020",
                "reply_by_day": "28",
                "reply_by_month": "1",
                "reply_by_year": "2020",
            },
        )

    assert page.status_code == 200
    assert "Reply by must be the same as or after the invitation" in errors_in_summary(page.content)
    assert mailoutbox == []
    response.refresh_from_db()
    assert response.status == Status.NOT_STARTED


# --- Sections ------------------------------------------------------------------------------


def test_the_office_comments_page_saves_through_the_service(client, response, drafter):
    client.force_login(drafter)

    page = client.post(
        url("office-comments", response),
        {"lock_version": response.lock_version, "text": "I welcome the report.\n\n- one\n- two"},
    )

    assert page.status_code == 302
    response.refresh_from_db()
    assert response.office_comments == "I welcome the report.\n\n- one\n- two"
    assert response.history.first().history_change_reason == "Text edited"


def test_long_text_fields_explain_the_markup(client, response, drafter):
    client.force_login(drafter)

    page = client.get(url("office-comments", response))

    assert "Start a line with - for a bullet or 1. for a numbered list" in page.content.decode()


def test_an_explanation_is_saved_with_the_force_comment_beside_it(client, flow, drafter, report):
    flow.do("invite the force")
    flow.force_replies()
    r1 = report.findings.recommendations().first()
    client.force_login(drafter)

    page = client.post(
        url("explanation", flow.response, r1.pk),
        {
            "lock_version": flow.refreshed().lock_version,
            "kind": "action_proposed",
            "text": "I will ask the Chief Constable for a plan.",
            "force_comment": "The force accepts this.",
        },
    )

    assert page.status_code == 302
    explanation = Explanation.objects.get(response=flow.response, finding=r1)
    assert explanation.kind == "action_proposed"
    assert explanation.text == "I will ask the Chief Constable for a plan."
    listing = text_of(client.get(url("recommendations", flow.response)).content)
    assert "The force accepts this." in listing
    assert "I will ask the Chief Constable for a plan." in listing


def test_an_explanation_needs_a_kind_and_text(client, response, drafter, report):
    r1 = report.findings.recommendations().first()
    client.force_login(drafter)

    page = client.post(
        url("explanation", response, r1.pk),
        {"lock_version": response.lock_version, "kind": "", "text": "  "},
    )

    assert page.status_code == 200
    summary = errors_in_summary(page.content)
    assert "Enter the explanation" in summary
    assert not Explanation.objects.filter(response=response).exists()


def test_one_click_not_for_local_action_for_a_recommendation_addressed_to_others(
    client, response, drafter, report
):
    national = RecommendationFactory(
        report=report,
        addressees=[Addressee.HOME_OFFICE.value, Addressee.COLLEGE_OF_POLICING.value],
    )
    client.force_login(drafter)
    listing = client.get(url("recommendations", response)).content.decode()
    assert "Not for local action: addressed to the Home Office and the College of Policing" in (
        listing
    )

    page = client.post(url("not-for-local-action", response, national.pk))

    assert page.status_code == 302
    explanation = Explanation.objects.get(response=response, finding=national)
    assert explanation.kind == Explanation.Kind.NO_ACTION
    assert "addressed to the Home Office and the College of Policing" in explanation.text
    assert explanation.is_complete


def test_not_for_local_action_is_refused_for_the_forces_own_recommendation(
    client, response, drafter, report
):
    r1 = report.findings.recommendations().first()
    client.force_login(drafter)

    client.post(url("not-for-local-action", response, r1.pk))

    assert not Explanation.objects.filter(response=response, finding=r1).exists()


def test_not_for_local_action_never_replaces_a_written_explanation(client, flow, drafter, report):
    national = RecommendationFactory(report=report, addressees=[Addressee.NPCC.value])
    flow.explain(national, kind="action_taken", text="We wrote to the NPCC.")
    client.force_login(drafter)

    client.post(url("not-for-local-action", flow.response, national.pk))

    assert Explanation.objects.get(response=flow.response, finding=national).text == (
        "We wrote to the NPCC."
    )


def test_a_finding_from_another_report_is_not_found(client, response, drafter):
    other = RecommendationFactory(report=ReportFactory())
    client.force_login(drafter)

    assert client.get(url("explanation", response, other.pk)).status_code == 404


# --- Actions and their refusals ----------------------------------------------------------


def test_a_refused_submission_shows_the_services_problems_in_the_error_summary(
    client, flow, drafter
):
    flow.do("invite the force")
    flow.force_replies()
    flow.write_text()
    client.force_login(drafter)

    page = client.post(url("submit", flow.response))

    assert page.status_code == 200
    summary = errors_in_summary(page.content)
    assert "R1 has no explanation (what action, and why)" in summary
    assert "R2 has no explanation (what action, and why)" in summary
    assert flow.refreshed().status == Status.DRAFTING


def test_the_drafter_cannot_approve_and_the_approver_can(client, flow, drafter, approver):
    flow.drive(Status.AWAITING_APPROVAL)
    client.force_login(drafter)

    refused = client.post(
        url("approve", flow.response), {"signatory_name": "", "signatory_title": ""}
    )

    # The sign-off is refused to a drafter before the form (ACTION_ROLES); the service would
    # refuse it too (tests/responses/test_action_roles.py).
    assert refused.status_code == 403
    assert flow.refreshed().status == Status.AWAITING_APPROVAL

    client.force_login(approver)
    page = client.post(url("approve", flow.response), {"signatory_name": "", "signatory_title": ""})

    assert page.status_code == 302
    approved = flow.refreshed()
    assert approved.status == Status.APPROVED
    assert approved.approved_by == approver
    assert approved.signatory_title == "Police and Crime Commissioner"


def test_an_approver_who_submitted_cannot_approve_their_own_submission(client, flow, norfolk):
    both = office_user(norfolk, Membership.Role.OPCC_APPROVER)
    Membership.objects.create(user=both, role=Membership.Role.OPCC_DRAFTER, policing_body=norfolk)
    flow.drafter = both
    flow.drive(Status.AWAITING_APPROVAL)
    client.force_login(both)

    page = client.post(url("approve", flow.response), {})

    assert page.status_code == 200, page
    assert "someone else must approve it" in errors_in_summary(page.content)


def test_send_back_needs_a_reason(client, flow, approver):
    flow.drive(Status.AWAITING_APPROVAL)
    client.force_login(approver)

    empty = client.post(url("send-back", flow.response), {"reason": "  "})
    assert "Enter why are you sending it back?" not in empty.content.decode()
    assert empty.status_code == 200
    assert flow.refreshed().status == Status.AWAITING_APPROVAL

    page = client.post(url("send-back", flow.response), {"reason": "Say more about R1."})

    assert page.status_code == 302
    assert flow.refreshed().status == Status.DRAFTING
    assert flow.refreshed().history.first().history_change_reason == "Sent back: Say more about R1."


def test_publishing_late_needs_a_reason_and_records_it(client, flow, approver, today):
    flow.drive(Status.APPROVED)
    today(date(2020, 3, 4))
    client.force_login(approver)
    form = {
        "published_on_day": "4",
        "published_on_month": "3",
        "published_on_year": "2020",
        "url": "https://www.norfolk-pcc.gov.uk/response",
        "late_reason": "",
        "signatory_name": "Giles Orpen-Smellie",
        "signatory_title": "Police and Crime Commissioner",
    }

    refused = client.post(url("publish", flow.response), form)

    assert "2 days after the due date" in errors_in_summary(refused.content)
    assert flow.refreshed().status == Status.APPROVED

    form["late_reason"] = "The commissioner was ill."
    page = client.post(url("publish", flow.response), form)

    assert page.status_code == 302
    published = flow.refreshed()
    assert published.status == Status.PUBLISHED
    assert published.late_reason == "The commissioner was ill."
    assert published.published_url == "https://www.norfolk-pcc.gov.uk/response"


def test_copies_sent_are_recorded(client, flow, drafter, today):
    today(date(2020, 2, 25))
    flow.drive(Status.PUBLISHED)
    client.force_login(drafter)

    page = client.post(
        url("copies", flow.response),
        {
            "lock_version": flow.refreshed().lock_version,
            "hmicfrs_day": "21",
            "hmicfrs_month": "2",
            "hmicfrs_year": "2020",
            "home_secretary_day": "24",
            "home_secretary_month": "2",
            "home_secretary_year": "2020",
        },
    )

    assert page.status_code == 302
    response = flow.refreshed().versions.get()
    assert response.copy_hmicfrs_on == date(2020, 2, 21)
    assert response.copy_home_secretary_on == date(2020, 2, 24)
    assert response.copy_panel_on is None
    assert (
        "Published: record when the copy was sent to the Norfolk Police and Crime Panel and the "
        "chief "
        "officer." in text_of(client.get(url("detail", flow.response)).content)
    )


def test_marking_not_required_and_amending_need_reasons(client, flow, drafter):
    client.force_login(drafter)

    page = client.post(
        url("not-required", flow.response), {"reason": "Covered by the national report."}
    )

    assert page.status_code == 302
    assert flow.refreshed().status == Status.NOT_REQUIRED
    assert flow.refreshed().not_required_reason == "Covered by the national report."


#: A reason far longer than django-simple-history's default 100-character column, with the
#: paragraph breaks people type.
LONG_REASON = "\n\n".join(
    f"Point {n}: the explanation of R1 must name the board that agreed the plan, the date it "
    "met, and what the force reported to it; the panel asked for this in writing."
    for n in range(1, 15)
)[:2000]


@pytest.mark.parametrize(
    ("action", "status", "who", "recorded_as"),
    [
        ("send-back", Status.AWAITING_APPROVAL, "approver", "Sent back: "),
        ("not-required", Status.NOT_STARTED, "drafter", "Marked not required: "),
        ("reinstate", Status.NOT_REQUIRED, "drafter", "Reinstated: "),
        ("amend", Status.PUBLISHED, "approver", "Amendment started: "),
    ],
)
def test_a_2000_character_reason_is_kept_whole_and_shown_in_the_history(
    client, flow, action, status, who, recorded_as, request
):
    assert len(LONG_REASON) == 2000
    if status != Status.NOT_STARTED:
        flow.drive(status)
    client.force_login(request.getfixturevalue(who))

    page = client.post(url(action, flow.response), {"reason": LONG_REASON})

    assert page.status_code == 302, errors_in_summary(page.content)
    latest = flow.refreshed().history.order_by("-history_date", "-history_id").first()
    assert latest.history_change_reason == recorded_as + LONG_REASON
    history = text_of(client.get(url("history", flow.response)).content)
    assert " ".join(LONG_REASON.split()) in history


# --- The force's view ----------------------------------------------------------------------


@pytest.fixture
def invited(flow, drafter):
    flow.write_text("SECRET DRAFT of the commissioner.")
    flow.explain(flow.report.findings.recommendations().first(), text="SECRET explanation.")
    return response_invite_force(
        response=flow.response, invited_on=INVITED_ON, reply_by=REPLY_BY, acting_user=drafter
    )


def test_the_force_sees_the_report_and_the_invitation_but_never_the_offices_drafts(
    client, invited, force_person, today
):
    client.force_login(force_person)

    page = client.get(url("detail", invited))

    assert page.status_code == 200
    text = text_of(page.content)
    assert "Tuesday 4 February 2020" in text  # the reply-by date
    assert "The force should fix problem" in text  # the report's recommendations
    assert "SECRET" not in page.content.decode()
    assert "internal" not in text.lower()


@pytest.mark.parametrize(
    "name", ["history", "office-comments", "reply-to-force", "recommendations", "invite", "submit"]
)
def test_the_force_cannot_open_the_offices_pages(client, invited, force_person, name):
    client.force_login(force_person)

    assert client.get(url(name, invited)).status_code == 403


def test_another_forces_contributor_gets_404(client, invited):
    suffolk = force_user(force("suffolk"))
    client.force_login(suffolk)

    assert client.get(url("detail", invited)).status_code == 404
    assert client.get(url("force-edit", invited)).status_code == 404


def test_the_force_saves_a_draft_then_submits_which_locks_and_emails_the_drafters(
    client,
    invited,
    force_person,
    drafter,
    report,
    today,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    r1, r2 = report.findings.recommendations()
    client.force_login(force_person)
    form = {
        "lock_version": Response.objects.get(pk=invited.pk).lock_version,
        "text": "The force welcomes the report.",
        "author_name": "Paul Sanford",
        "author_role": "Deputy Chief Constable",
        f"rec_{r1.pk}": "Accepted; a plan is in place.",
        f"rec_{r2.pk}": "",
        "action": "save",
    }

    saved = client.post(url("force-edit", invited), form)

    assert saved.status_code == 302
    draft = Response.objects.get(pk=invited.pk)
    assert draft.force_comments == "The force welcomes the report."
    assert draft.force_comments_submitted_at is None
    assert draft.status == Status.AWAITING_FORCE

    form |= {"lock_version": draft.lock_version, "action": "submit"}
    with django_capture_on_commit_callbacks(execute=True):
        submitted = client.post(url("force-edit", invited), form)

    assert submitted.status_code == 302
    done = Response.objects.get(pk=invited.pk)
    assert done.force_comments_submitted_at is not None
    assert done.force_comments_received_on == DAY_23
    assert done.status == Status.DRAFTING
    assert Explanation.objects.get(response=done, finding=r1).force_comment == (
        "Accepted; a plan is in place."
    )
    # The office's explanation text was not touched by the force's save.
    assert Explanation.objects.get(response=done, finding=r1).text == "SECRET explanation."
    assert [m.to for m in mailoutbox] == [[drafter.email]]
    assert "has submitted its comments" in mailoutbox[0].subject

    # Locked: the page no longer accepts changes.
    again = client.post(url("force-edit", invited), form | {"lock_version": done.lock_version})
    assert "can no longer be changed" in errors_in_summary(again.content)


def test_the_force_can_submit_after_the_reply_by_date_and_it_is_marked_late(
    client, invited, force_person, drafter, today, mailoutbox, django_capture_on_commit_callbacks
):
    today(date(2020, 2, 10))  # reply-by was Tuesday 4 February
    client.force_login(force_person)
    assert "will be marked late" in text_of(client.get(url("detail", invited)).content)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("force-edit", invited),
            {
                "lock_version": Response.objects.get(pk=invited.pk).lock_version,
                "text": "Late, but here.",
                "author_name": "",
                "author_role": "",
                "action": "submit",
            },
        )

    done = Response.objects.get(pk=invited.pk)
    assert done.force_comments_submitted_at is not None
    assert "(late)" in mailoutbox[0].subject
    assert "after the reply-by date" in done.history.first().history_change_reason
    assert "Late" in text_of(client.get(url("detail", invited)).content)
    client.force_login(drafter)
    assert "Replied late" in text_of(client.get(url("detail", invited)).content)


def test_submitting_nothing_is_refused_unless_the_force_says_it_has_no_comments(
    client, invited, force_person
):
    client.force_login(force_person)
    form = {
        "lock_version": Response.objects.get(pk=invited.pk).lock_version,
        "text": "",
        "author_name": "",
        "author_role": "",
        "action": "submit",
    }

    refused = client.post(url("force-edit", invited), form)

    assert "Enter the chief officer's comments" in errors_in_summary(refused.content)
    assert Response.objects.get(pk=invited.pk).force_comments_submitted_at is None

    client.post(url("force-edit", invited), form | {"none_submitted": "on"})

    assert Response.objects.get(pk=invited.pk).force_comments_none_submitted


# --- History -------------------------------------------------------------------------------


def test_the_history_says_who_when_what_changed_and_why(client, flow, drafter, approver):
    flow.drive(Status.APPROVED)
    client.force_login(drafter)

    text = text_of(client.get(url("history", flow.response)).content)

    assert "Response: Approved" in text
    assert "Alex Approver" in text
    assert "Status Changed from Awaiting approval → to Approved" in text
    assert "Approved by Changed from (blank) → to Alex Approver" in text
    assert "Explanation for R1: Explanation for R1 saved Created by Dana Drafter" in text
    assert "Text Changed from (blank) → to Action for R1." in text
    assert "Force invited to comment by 4 February 2020" in text
    assert "Force reply by Changed from (blank) → to 4 February 2020" in text


# --- Query counts --------------------------------------------------------------------------


def _response_with(recommendations: int, drafter):
    body = policing_body("norfolk-pcc")
    report = ReportFactory(forces=[body.force])
    for _ in range(recommendations):
        RecommendationFactory(report=report)
    response = make_response(report=report, body=body, acting_user=drafter)
    for finding in report.findings.all()[: recommendations // 2]:
        Explanation.objects.create(
            response=response, finding=finding, kind="action_taken", text="x"
        )
    return response


@pytest.mark.parametrize("name", ["detail", "recommendations", "history"])
def test_pages_make_the_same_number_of_queries_with_5_or_50_recommendations(
    client, drafter, django_assert_num_queries, name
):
    small, large = _response_with(5, drafter), _response_with(50, drafter)
    client.force_login(drafter)
    client.get(url(name, small))  # warm up sessions and caches

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as five:
        assert client.get(url(name, small)).status_code == 200
    with django_assert_num_queries(len(five.captured_queries)):
        assert client.get(url(name, large)).status_code == 200


def test_the_force_page_makes_the_same_number_of_queries_with_5_or_50_recommendations(
    client, drafter, norfolk, django_assert_num_queries
):
    person = force_user(norfolk.force)
    small, large = _response_with(5, drafter), _response_with(50, drafter)
    for response in (small, large):
        response_invite_force(
            response=response, invited_on=INVITED_ON, reply_by=REPLY_BY, acting_user=drafter
        )
    client.force_login(person)
    client.get(url("detail", small))

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as five:
        assert client.get(url("detail", small)).status_code == 200
    with django_assert_num_queries(len(five.captured_queries)):
        assert client.get(url("detail", large)).status_code == 200


# --- In a real browser: accessibility, a 320 px screen, the keyboard -------------------------


def _sign_in(context, live_server, user) -> None:
    """Give a browser context the session of `user` (signing in is tested elsewhere)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def _check_page(page, check_axe, url, screenshot_dir, name):
    """Open `url` at desktop width and at 320 px: no axe-core violations, nothing wider than
    the screen."""
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.goto(url).status == 200, url
    violations = check_axe(page)
    assert violations == [], (
        url,
        [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations],
    )
    page.set_viewport_size({"width": 320, "height": 800})
    overflow = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=str(screenshot_dir / f"{name}-320.png"))
    assert overflow <= 320, f"{url} is {overflow}px wide at a 320px screen"


@pytest.fixture
def reference_data(transactional_db):
    """A live server needs committed data, so browser tests are transactional; and a
    transactional test may start from the empty database another one's flush left behind.
    Load the 43 forces and their policing bodies with the idempotent loader the data migration
    runs. (serialized_rollback does not restore them reliably once Playwright's event loop is
    running in the test thread.)"""
    from importlib import import_module

    from django.apps import apps

    import_module("accounts.migrations.0002_reference_data").load(apps, None)


@pytest.mark.browser
def test_every_response_page_passes_axe_and_fits_a_320px_screen(
    reference_data, live_server, browser, page, axe, screenshot_dir
):
    from responses.services import explanation_save, response_update_text

    norfolk = policing_body("norfolk-pcc")
    drafter = office_user(norfolk, Membership.Role.OPCC_DRAFTER, full_name="Dana Drafter")
    person = force_user(norfolk.force, full_name="Fran Force")
    report = ReportFactory(title="Norfolk Constabulary Crime Data Integrity inspection 2019")
    r1 = RecommendationFactory(report=report, timescale_text="immediately")
    RecommendationFactory(report=report, addressees=[Addressee.HOME_OFFICE.value])
    from tests.factories import AfiFactory

    afi = AfiFactory(report=report)
    response = make_response(report=report, body=norfolk, acting_user=drafter)
    response_update_text(
        response=response,
        acting_user=drafter,
        office_comments="I welcome the report.\n\n- one\n- **two**",
    )
    explanation_save(
        response=response, finding=r1, acting_user=drafter, kind="action_taken", text="Done."
    )
    response = response_invite_force(
        response=response, invited_on=INVITED_ON, reply_by=REPLY_BY, acting_user=drafter
    )
    # The sign-off pages (approve, send back, publish) open only to approvers (ACTION_ROLES).
    Membership.objects.create(
        user=drafter, role=Membership.Role.OPCC_APPROVER, policing_body=norfolk
    )
    _sign_in(page.context, live_server, drafter)
    base = live_server.url
    office_pages = [
        "detail",
        "history",
        "invite",
        "force-comments",
        "office-comments",
        "reply-to-force",
        "internal-notes",
        "recommendations",
        "afis",
        "start-drafting",
        "submit",
        "approve",
        "send-back",
        "publish",
        "copies",
        "not-required",  # the reason pages (send back, reinstate, amend) share a template
    ]
    for name in office_pages:
        _check_page(page, axe, base + url(name, response), screenshot_dir, f"response-{name}")
    _check_page(
        page, axe, base + url("explanation", response, r1.pk), screenshot_dir, "explanation"
    )
    _check_page(page, axe, base + url("explanation", response, afi.pk), screenshot_dir, "afi")

    # A refused action: the error summary itself must pass too.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base + url("submit", response))
    page.get_by_role("button", name="Submit for approval").click()
    page.wait_for_selector(".govuk-error-summary")
    assert "You cannot submit for approval a response that is awaiting force comments" in (
        page.inner_text(".govuk-error-summary")
    )
    assert axe(page) == []

    # The force's pages, in a separate browser context (its own session).
    force_context = browser.new_context(bypass_csp=True)
    try:
        force_page = force_context.new_page()
        _sign_in(force_context, live_server, person)
        _check_page(force_page, axe, base + url("detail", response), screenshot_dir, "force")
        _check_page(
            force_page, axe, base + url("force-edit", response), screenshot_dir, "force-edit"
        )
    finally:
        force_context.close()


@pytest.mark.browser
def test_a_section_can_be_edited_with_the_keyboard_alone(reference_data, live_server, page):
    norfolk = policing_body("norfolk-pcc")
    drafter = office_user(norfolk, Membership.Role.OPCC_DRAFTER)
    response = make_response(body=norfolk, acting_user=drafter)
    _sign_in(page.context, live_server, drafter)
    page.goto(live_server.url + url("detail", response))

    # From the task list, by keyboard: focus the section's link and follow it.
    link = page.get_by_role("link", name="The Police and Crime Commissioner's comments")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/office-comments/")
    page.keyboard.press("Tab")  # skip link
    for _ in range(40):
        if page.evaluate("document.activeElement.name") == "text":
            break
        page.keyboard.press("Tab")
    page.keyboard.type("Written without a mouse.")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Save":
            break
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/responses/{response.pk}/")

    assert "have been saved" in page.inner_text(".govuk-notification-banner")
    assert Response.objects.get(pk=response.pk).office_comments == "Written without a mouse."

"""Who may change the facts a report shares with every body that responds to it, and what a
correction does: every body's due date and history, each office told (email and dashboard).
Data through the real services; what follows a commit run as after a real commit, with the
queued tasks run in line (Celery's eager mode)."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.urls import reverse

from accounts.models import Membership
from config.celery import app as celery_app
from inspections.models import Finding, ReportCorrection, Scope
from inspections.services import SectionItem, findings_save_section, report_update
from reminders.models import CorrectionNotice, SendStatus
from reminders.services import correction_notices_catch_up
from responses.corrections import (
    report_correct,
    report_correction_decide,
    report_correction_propose,
)
from responses.dashboard import office_dashboard
from responses.models import Response, Status
from responses.services import response_start_drafting
from tests.factories import (
    MembershipFactory,
    RecommendationFactory,
    ReportFactory,
    UserFactory,
    force,
    make_response,
    office_user,
    policing_body,
)

pytestmark = pytest.mark.django_db

PUBLISHED = date(2020, 1, 7)  # due Mon 2 Mar 2020
CORRECTED = date(2020, 1, 9)  # due Wed 4 Mar 2020


def register_maintainer(**fields):
    return MembershipFactory(
        user=UserFactory(**fields),
        role=Membership.Role.REGISTER_MAINTAINER,
        policing_body=None,
        force=None,
    ).user


@pytest.fixture
def eager():
    """Queued tasks run at once, in this process (as a worker would run them)."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


def committed(callable_, **kwargs):
    """Run a service and then, as a real commit would, what it queued after commit."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return callable_(**kwargs)


@pytest.fixture
def offices():
    norfolk, suffolk = policing_body("norfolk-pcc"), policing_body("suffolk-pcc")
    return {
        "norfolk": norfolk,
        "suffolk": suffolk,
        "norfolk_drafter": office_user(norfolk, email="norfolk@example.org"),
        "suffolk_drafter": office_user(suffolk, email="suffolk@example.org"),
    }


@pytest.fixture
def national(offices):
    """A national thematic report recorded by Norfolk, answered by Norfolk and Suffolk."""
    report = ReportFactory(
        title="Vetting, misconduct and misogyny", scope=Scope.NATIONAL, forces=[]
    )
    RecommendationFactory(report=report, timescale_text="Within six months")
    for name in ("norfolk", "suffolk"):
        make_response(report=report, body=offices[name], acting_user=offices[f"{name}_drafter"])
    return report


# --- who may change a report -----------------------------------------------------------------


def test_an_office_cannot_re_date_a_national_report(offices, national):
    with pytest.raises(PermissionDenied, match="register maintainer"):
        report_correct(
            report=national,
            published_on=CORRECTED,
            reason="Logged a day early.",
            acting_user=offices["suffolk_drafter"],
        )

    national.refresh_from_db()
    assert national.published_on == PUBLISHED
    assert {r.due_date for r in national.responses.all()} == {date(2020, 3, 2)}
    assert not ReportCorrection.objects.exists()


def test_an_office_cannot_edit_a_national_reports_details_or_findings(offices, national):
    drafter = offices["norfolk_drafter"]  # even the office that recorded it

    with pytest.raises(PermissionDenied):
        report_update(report=national, acting_user=drafter, title="Vetting")
    recommendation = national.findings.get()
    with pytest.raises(PermissionDenied):
        findings_save_section(
            report=national,
            kind=Finding.Kind.RECOMMENDATION,
            items=[SectionItem(pk=recommendation.pk, values={"text": "Changed."})],
            acting_user=drafter,
        )

    national.refresh_from_db()
    assert national.title == "Vetting, misconduct and misogyny"
    assert national.findings.get().text == recommendation.text


def test_an_office_cannot_correct_a_report_that_does_not_cover_its_force(offices):
    norfolk_report = ReportFactory(forces=[force("norfolk")])

    with pytest.raises(PermissionDenied, match="does not cover Suffolk"):
        report_correct(
            report=norfolk_report,
            published_on=CORRECTED,
            reason="Wrong date.",
            acting_user=offices["suffolk_drafter"],
        )


def test_an_office_corrects_a_multi_force_report_for_every_body_it_covers(offices):
    report = ReportFactory(scope=Scope.MULTI_FORCE, forces=[force("norfolk"), force("suffolk")])
    norfolk = make_response(report=report, body=offices["norfolk"])
    suffolk = make_response(report=report, body=offices["suffolk"])

    correction = report_correct(
        report=report,
        published_on=CORRECTED,
        reason="HMICFRS published it two days later.",
        acting_user=offices["norfolk_drafter"],
    )

    assert correction.status == ReportCorrection.Status.APPLIED
    assert correction.proposed_by_office == offices["norfolk"]
    for response in (norfolk, suffolk):
        response.refresh_from_db()
        assert response.due_date == date(2020, 3, 4)
        latest = response.history.first()
        assert latest.history_user == offices["norfolk_drafter"]
        assert (
            latest.history_change_reason == "Report corrected: HMICFRS published it two days later."
        )


def test_the_register_maintainer_role_belongs_to_no_office_or_force(offices):
    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=user, role=Membership.Role.REGISTER_MAINTAINER, policing_body=offices["norfolk"]
        )
    Membership.objects.create(user=user, role=Membership.Role.REGISTER_MAINTAINER)
    assert str(user.memberships.get().organisation) == "The national register of reports"


# --- proposing and deciding ------------------------------------------------------------------


def test_an_office_proposes_and_the_maintainer_makes_the_correction(offices, national, eager):
    proposal = report_correction_propose(
        report=national,
        published_on=CORRECTED,
        reason="HMICFRS's page says 9 January.",
        acting_user=offices["suffolk_drafter"],
    )

    assert proposal.status == ReportCorrection.Status.PROPOSED
    assert proposal.proposed_by_office == offices["suffolk"]
    assert national.responses.filter(due_date=date(2020, 3, 4)).count() == 0

    maintainer = register_maintainer(full_name="Rita Register")
    with pytest.raises(PermissionDenied):
        report_correction_decide(
            correction=proposal, acting_user=offices["norfolk_drafter"], accept=True
        )
    committed(report_correction_decide, correction=proposal, acting_user=maintainer, accept=True)

    proposal.refresh_from_db()
    assert proposal.status == ReportCorrection.Status.APPLIED
    assert proposal.decided_by == maintainer
    assert proposal.previous["published_on"] == "2020-01-07"
    for response in national.responses.all():
        assert response.due_date == date(2020, 3, 4)
        assert response.history.first().history_user == maintainer
    assert national.findings.get().target_date == date(2020, 7, 9)


def test_declining_a_proposal_needs_a_note_and_changes_nothing(offices, national):
    proposal = report_correction_propose(
        report=national,
        published_on=CORRECTED,
        reason="I think it was later.",
        acting_user=offices["suffolk_drafter"],
    )
    maintainer = register_maintainer()

    with pytest.raises(ValidationError):
        report_correction_decide(correction=proposal, acting_user=maintainer, accept=False)
    report_correction_decide(
        correction=proposal,
        acting_user=maintainer,
        accept=False,
        note="HMICFRS published it on 7 January; its page was updated later.",
    )

    proposal.refresh_from_db()
    assert proposal.status == ReportCorrection.Status.REJECTED
    assert {r.due_date for r in national.responses.all()} == {date(2020, 3, 2)}


def test_a_proposal_decided_later_changes_only_what_it_proposed(offices, national):
    proposal = report_correction_propose(
        report=national,
        report_type="joint",
        reason="It was a joint inspection.",
        acting_user=offices["suffolk_drafter"],
    )
    maintainer = register_maintainer()
    report_correct(report=national, published_on=CORRECTED, reason="Date.", acting_user=maintainer)

    report_correction_decide(correction=proposal, acting_user=maintainer, accept=True)

    national.refresh_from_db()
    assert (national.published_on, national.report_type) == (CORRECTED, "joint")


# --- each office is told ---------------------------------------------------------------------


def test_a_correction_emails_every_office_with_a_response(offices, national, eager):
    suffolk_approver = office_user(
        offices["suffolk"], Membership.Role.OPCC_APPROVER, email="approver@example.org"
    )
    maintainer = register_maintainer(full_name="Rita Register", email="rita@example.org")

    correction = committed(
        report_correct,
        report=national,
        published_on=CORRECTED,
        reason="HMICFRS published it on 9 January.",
        acting_user=maintainer,
    )

    notices = CorrectionNotice.objects.filter(correction=correction)
    assert {(n.recipient.email, n.status) for n in notices} == {
        ("norfolk@example.org", SendStatus.SENT),
        ("suffolk@example.org", SendStatus.SENT),
        (suffolk_approver.email, SendStatus.SENT),
    }
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"norfolk@example.org", "suffolk@example.org", "approver@example.org"}
    suffolk_mail = by_address["suffolk@example.org"]
    assert suffolk_mail.subject == (
        "Vetting, misconduct and misogyny: the report's details were corrected"
    )
    # The maintainer is named as their role: another organisation's people are never named.
    assert "Register maintainer corrected the report's details" in suffolk_mail.body
    assert "Rita" not in suffolk_mail.body
    assert "from Tuesday 7 January 2020 to Thursday 9 January 2020" in suffolk_mail.body
    assert "now due Wednesday 4 March 2020" in suffolk_mail.body
    assert "HMICFRS published it on 9 January." in suffolk_mail.body


def test_a_correction_email_to_a_welsh_reader_is_in_welsh(offices, national, eager):
    """The email's sentences were English f-strings and its summary half English ("Dyddiad
    cyhoeddi corrected from ..."): every word of it is in the recipient's language now."""
    from accounts.services import user_set_language

    user_set_language(user=offices["suffolk_drafter"], language="cy")
    committed(
        report_correct,
        report=national,
        published_on=CORRECTED,
        reason="HMICFRS published it on 9 January.",
        acting_user=register_maintainer(),
    )

    welsh = next(m for m in mail.outbox if m.to == ["suffolk@example.org"])
    assert welsh.subject == "Vetting, misconduct and misogyny: cywirwyd manylion yr adroddiad"
    assert (
        "fanylion yr adroddiad. Dyddiad cyhoeddi (cywiriad): Dydd Mawrth 7 Ionawr 2020 gynt, "
        "Dydd Iau 9 Ionawr 2020 bellach." in " ".join(welsh.body.split())
    )
    assert "bellach i'w gyflwyno erbyn Dydd Mercher 4 Mawrth 2020." in " ".join(welsh.body.split())
    assert "Pam: HMICFRS published it on 9 January." in " ".join(welsh.body.split())
    for english in ("corrected", "now due", "Why:"):
        assert english not in welsh.body
    english = next(m for m in mail.outbox if m.to == ["norfolk@example.org"])
    assert "from Tuesday 7 January 2020 to Thursday 9 January 2020" in english.body


def test_the_dashboard_tells_a_welsh_reader_of_a_correction_in_welsh(client, offices, national):
    from accounts.services import user_set_language

    report_correct(
        report=national,
        published_on=CORRECTED,
        reason="HMICFRS published it on 9 January.",
        acting_user=register_maintainer(),
    )
    user_set_language(user=offices["suffolk_drafter"], language="cy")
    client.force_login(offices["suffolk_drafter"])
    page = client.get(reverse("responses:dashboard")).content.decode()

    assert (
        "Dyddiad cyhoeddi (cywiriad): Dydd Mawrth 7 Ionawr 2020 gynt, Dydd Iau 9 Ionawr 2020 "
        "bellach." in page
    )
    assert "corrected from" not in page


def test_notices_missed_by_the_queue_are_created_and_sent_by_the_catch_up(offices, national):
    maintainer = register_maintainer()
    # Not `committed`: the hook after commit never ran (a queue that was down).
    correction = report_correct(
        report=national, published_on=CORRECTED, reason="Date.", acting_user=maintainer
    )
    assert not CorrectionNotice.objects.exists()

    ids = correction_notices_catch_up(now=correction.decided_at)
    again = correction_notices_catch_up(now=correction.decided_at)

    assert sorted(ids) == sorted(again)
    assert CorrectionNotice.objects.filter(correction=correction).count() == 2


def test_the_dashboard_tells_the_office_of_a_correction(client, offices, national):
    maintainer = register_maintainer(full_name="Rita Register")
    report_correct(
        report=national,
        published_on=CORRECTED,
        reason="HMICFRS published it on 9 January.",
        acting_user=maintainer,
    )

    context = office_dashboard(
        body=offices["suffolk"], user=offices["suffolk_drafter"], today=date(2020, 1, 10)
    )
    client.force_login(offices["suffolk_drafter"])
    page = client.get(reverse("responses:dashboard")).content.decode()

    assert [n.correction.report for n in context["corrections"]] == [national]
    assert "Reports corrected" in page
    assert "Date published corrected from Tuesday 7 January 2020 to Thursday 9 January 2020" in page
    assert "Your response is now due 4 March 2020" in page


def test_the_register_maintainer_starts_at_the_corrections(client):
    client.force_login(register_maintainer())

    page = client.get(reverse("responses:dashboard"))

    assert page.status_code == 302
    assert page["Location"] == reverse("corrections:list")


# --- the pages -------------------------------------------------------------------------------


def test_the_edit_page_of_a_national_report_is_refused_with_a_way_to_propose(
    client, offices, national
):
    client.force_login(offices["norfolk_drafter"])

    page = client.get(reverse("inspections:report-edit", args=[national.pk]))

    assert page.status_code == 403
    assert reverse("corrections:new", args=[national.pk]) in page.content.decode()


def test_proposing_through_the_page_moves_nothing(client, offices, national):
    client.force_login(offices["suffolk_drafter"])
    url = reverse("corrections:new", args=[national.pk])

    page = client.post(
        url,
        {
            "published_on_day": "9",
            "published_on_month": "1",
            "published_on_year": "2020",
            "report_type": national.report_type,
            "scope": Scope.NATIONAL,
            "reason": "HMICFRS's page says 9 January.",
        },
    )

    proposal = ReportCorrection.objects.get()
    assert page.status_code == 302
    assert proposal.status == ReportCorrection.Status.PROPOSED
    assert proposal.proposed_facts() == {"published_on": CORRECTED}
    assert {r.due_date for r in Response.objects.filter(report=national)} == {date(2020, 3, 2)}


def test_the_register_maintainer_edits_a_national_reports_findings(client, offices, national):
    maintainer = register_maintainer()
    recommendation = national.findings.get()

    findings_save_section(
        report=national,
        kind=Finding.Kind.RECOMMENDATION,
        items=[SectionItem(pk=recommendation.pk, values={"text": "Vet every officer again."})],
        acting_user=maintainer,
        reason="HMICFRS's report says 'again'.",
    )
    client.force_login(maintainer)
    page = client.get(reverse("inspections:report-section", args=[national.pk, "recommendations"]))
    client.force_login(offices["suffolk_drafter"])
    refused = client.get(
        reverse("inspections:report-section", args=[national.pk, "recommendations"])
    )

    assert national.findings.get().text == "Vet every officer again."
    assert page.status_code == 200
    assert refused.status_code == 403


def test_notices_go_only_to_the_offices_responding_to_the_corrected_report(offices, national):
    other = ReportFactory(forces=[force("norfolk")])
    make_response(report=other, body=offices["norfolk"])
    lone = ReportFactory(scope=Scope.NATIONAL, forces=[])
    only_suffolk = make_response(report=lone, body=offices["suffolk"])
    maintainer = register_maintainer()

    correction = report_correct(
        report=lone, published_on=CORRECTED, reason="Date.", acting_user=maintainer
    )
    correction_notices_catch_up(now=correction.decided_at)

    notices = CorrectionNotice.objects.filter(correction=correction)
    suffolk_people = {m.user for m in Membership.objects.filter(policing_body=offices["suffolk"])}
    assert {n.response for n in notices} == {only_suffolk}
    assert {n.recipient for n in notices} == suffolk_people
    assert offices["norfolk_drafter"] not in suffolk_people


def test_another_offices_proposer_is_named_as_their_office(client, offices, national):
    proposal = report_correction_propose(
        report=national,
        published_on=CORRECTED,
        reason="HMICFRS's page says 9 January.",
        acting_user=offices["suffolk_drafter"],
    )
    client.force_login(offices["norfolk_drafter"])

    page = client.get(reverse("corrections:detail", args=[proposal.pk])).content.decode()
    listing = client.get(reverse("corrections:list")).content.decode()

    for html in (page, listing):
        assert offices["suffolk_drafter"].display_name not in html
        assert offices["suffolk"].office_name in html


# --- a narrowed report: bodies it no longer concerns -------------------------------------------


@pytest.fixture
def norfolk_and_suffolk(offices):
    """A multi-force report covering Norfolk and Suffolk, each with a "not started" response."""
    report = ReportFactory(
        title="Joint review of two forces",
        scope=Scope.MULTI_FORCE,
        forces=[force("norfolk"), force("suffolk")],
    )
    for name in ("norfolk", "suffolk"):
        make_response(report=report, body=offices[name], acting_user=offices[f"{name}_drafter"])
    return report


def test_narrowing_a_report_closes_the_untouched_response_of_a_body_it_no_longer_concerns(
    client, offices, norfolk_and_suffolk, eager
):
    report = norfolk_and_suffolk
    maintainer = register_maintainer()

    committed(
        report_correct,
        report=report,
        scope=Scope.FORCE,
        forces=[force("norfolk")],
        reason="Only Norfolk was inspected.",
        acting_user=maintainer,
    )

    norfolk = Response.objects.get(report=report, policing_body=offices["norfolk"])
    suffolk = Response.objects.get(report=report, policing_body=offices["suffolk"])
    assert norfolk.status == Status.NOT_STARTED
    assert suffolk.status == Status.NOT_REQUIRED
    assert suffolk.not_required_reason == (
        "The report no longer concerns Suffolk Constabulary (corrected: Only Norfolk was "
        "inspected.)"
    )
    latest = suffolk.history.first()
    assert latest.history_user == maintainer
    assert latest.history_change_reason == (
        "Report corrected: Only Norfolk was inspected. Closed as not required: no longer concerned."
    )
    suffolk_mail = next(m for m in mail.outbox if m.to == ["suffolk@example.org"])
    assert "The report no longer concerns Suffolk Constabulary" in suffolk_mail.body
    norfolk_mail = next(m for m in mail.outbox if m.to == ["norfolk@example.org"])
    assert "no longer concerns" not in norfolk_mail.body
    client.force_login(offices["suffolk_drafter"])
    dashboard = client.get(reverse("responses:dashboard")).content.decode()
    assert "your response is closed as not required" in dashboard


def test_narrowing_a_national_report_is_refused_while_a_body_it_leaves_has_worked_on_it(
    offices, national
):
    suffolk = Response.objects.get(report=national, policing_body=offices["suffolk"])
    response_start_drafting(response=suffolk, acting_user=offices["suffolk_drafter"])
    maintainer = register_maintainer()

    with pytest.raises(ValidationError) as refused:
        report_correct(
            report=national,
            scope=Scope.FORCE,
            forces=[force("norfolk")],
            reason="It was about Norfolk only.",
            acting_user=maintainer,
        )

    assert refused.value.messages == [
        "The corrected report would no longer concern Suffolk Constabulary, but Suffolk OPCC "
        "has already worked on its response (drafting). Ask the office to mark its response "
        "not required first, or keep the force in the report."
    ]
    national.refresh_from_db()
    assert national.scope == Scope.NATIONAL
    assert not ReportCorrection.objects.exists()
    assert {r.status for r in national.responses.all()} == {Status.NOT_STARTED, Status.DRAFTING}


def test_text_written_in_a_not_started_response_counts_as_work(offices, norfolk_and_suffolk):
    suffolk = Response.objects.get(report=norfolk_and_suffolk, policing_body=offices["suffolk"])
    Response.objects.filter(pk=suffolk.pk).update(office_comments="Our first thoughts.")

    with pytest.raises(
        ValidationError, match=r"Suffolk OPCC has already worked on its response \(not started\)"
    ):
        report_correct(
            report=norfolk_and_suffolk,
            scope=Scope.FORCE,
            forces=[force("norfolk")],
            reason="Only Norfolk.",
            acting_user=offices["norfolk_drafter"],
        )


def test_a_proposal_that_would_drop_a_body_with_work_cannot_be_made(offices, norfolk_and_suffolk):
    suffolk = Response.objects.get(report=norfolk_and_suffolk, policing_body=offices["suffolk"])
    response_start_drafting(response=suffolk, acting_user=offices["suffolk_drafter"])
    proposal = report_correction_propose(
        report=norfolk_and_suffolk,
        forces=[force("norfolk"), force("essex")],
        reason="Essex, not Suffolk.",
        acting_user=offices["norfolk_drafter"],
    )
    maintainer = register_maintainer()

    with pytest.raises(ValidationError, match="no longer concern Suffolk Constabulary"):
        report_correction_decide(correction=proposal, acting_user=maintainer, accept=True)

    proposal.refresh_from_db()
    assert proposal.status == ReportCorrection.Status.PROPOSED
    assert sorted(norfolk_and_suffolk.forces.values_list("slug", flat=True)) == [
        "norfolk",
        "suffolk",
    ]


# --- issue 12's "done when", as the register maintainer ---------------------------------------


def test_a_maintainers_correction_of_a_national_reports_date_reaches_every_office(
    offices, national, eager
):
    """Every body's due date moves; every response's history says who corrected it and why;
    every published response's public page shows the new due date and the correction; each
    office's people are told by email and on the dashboard."""
    from public.models import PublishedResponse
    from public.services import published_responses_refresh

    from .conftest import Flow

    essex = policing_body("essex-pfcc")
    make_response(report=national, body=essex)
    for name in ("norfolk", "suffolk"):
        Flow(
            response=Response.objects.get(report=national, policing_body=offices[name]),
            drafter=offices[f"{name}_drafter"],
            approver=office_user(offices[name], Membership.Role.OPCC_APPROVER),
        ).drive(Status.PUBLISHED)
    published_responses_refresh()
    maintainer = register_maintainer()
    why = "HMICFRS published it on 9 January."

    correction = committed(
        report_correct,
        report=national,
        published_on=CORRECTED,
        reason=why,
        acting_user=maintainer,
    )

    responses = list(Response.objects.filter(report=national).select_related("policing_body"))
    assert len(responses) == 3
    for response in responses:
        assert response.due_date == date(2020, 3, 4), response.policing_body
        assert response.history.filter(
            history_change_reason=f"Report corrected: {why}", history_user=maintainer
        ).exists()
        assert CorrectionNotice.objects.filter(correction=correction, response=response).exists()
        dashboard = office_dashboard(
            body=response.policing_body,
            user=Membership.objects.filter(policing_body=response.policing_body).first().user,
            today=date(2020, 1, 10),
        )
        assert [n.correction for n in dashboard["corrections"]] == [correction]
    for name in ("norfolk", "suffolk"):
        record = PublishedResponse.objects.get(
            response__report=national, policing_body=offices[name]
        )
        assert record.due_date == date(2020, 3, 4)
        assert "Date published corrected from" in record.corrections[0]["text"]

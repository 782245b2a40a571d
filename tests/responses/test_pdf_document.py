"""What the response document says (templates/pdf/response_body.html, shared by the PDF and the
HTML snapshot): titles and names come from the organisations' records, dates from the law, and
nothing unpublished or internal is printed. Checked on the snapshot, which needs no render."""

from datetime import date

import pytest
from django.utils import timezone

from accounts.models import Membership
from inspections.models import Finding
from responses.models import Status
from responses.pdf import document_for_preview, document_for_version, render_snapshot
from responses.services import (
    explanation_save,
    response_invite_force,
    response_publish,
    response_save_force_draft,
    response_update_text,
)
from tests.factories import (
    FindingFactory,
    RecommendationFactory,
    ReportFactory,
    force_user,
    make_response,
    office_user,
    policing_body,
)

from .conftest import Flow

pytestmark = pytest.mark.django_db


def snapshot(response) -> str:
    return render_snapshot(document_for_preview(response)).replace("&#x27;", "'")


@pytest.fixture
def met_flow():
    body = policing_body("mopac")
    report = ReportFactory(
        title="PEEL 2023-25: the Metropolitan Police Service", forces=[body.force]
    )
    RecommendationFactory(report=report)
    drafter = office_user(body, Membership.Role.OPCC_DRAFTER)
    approver = office_user(body, Membership.Role.OPCC_APPROVER)
    return Flow(
        response=make_response(report=report, body=body, acting_user=drafter),
        drafter=drafter,
        approver=approver,
    )


def test_titles_come_from_the_body_and_force_records(met_flow):
    met_flow.drive(Status.DRAFTING)

    html = snapshot(met_flow.response)

    assert (
        "Mayor's Office for Policing and Crime response to inspections of Metropolitan Police "
        "Service published by" in html
    )
    assert "Deputy Mayor for Policing and Crime's explanation" in html
    assert "Commissioner's response to the report and any recommendations" in html
    assert "Deputy Mayor for Policing and Crime's response to the report" in html
    assert "Chief Constable's" not in html  # the Met's chief officer is the Commissioner
    assert "Police and Crime Commissioner" not in html


def test_the_inspectorate_is_his_majestys_for_reports_after_september_2022(met_flow):
    report = met_flow.report
    report.published_on = date(2022, 9, 8)
    report.save()

    assert "published by His Majesty's Inspectorate of Constabulary" in snapshot(met_flow.response)


def test_the_inspectorate_was_her_majestys_before(flow):
    assert "published by Her Majesty's Inspectorate of Constabulary" in snapshot(flow.response)


def test_a_draft_is_marked_and_says_what_is_missing(flow):
    flow.write_text(office_comments="")

    html = snapshot(flow.response)

    assert "DRAFT - not published" in html
    assert "No explanation yet." in html
    assert "Not written yet." in html
    assert "Not yet published" in html
    assert "No comments have been received from the Chief Constable yet." in html


def test_an_amendment_in_progress_is_a_draft_again(flow):
    flow.drive(Status.PUBLISHED)
    flow.do("amend")

    assert document_for_preview(flow.response).is_draft
    assert "DRAFT - not published" in snapshot(flow.response)


def test_internal_notes_are_never_printed(flow):
    flow.drive(Status.APPROVED)
    response_update_text(
        response=flow.response, acting_user=flow.drafter, internal_notes="INTERNAL-NOTE-MARKER"
    )
    flow.response = flow.refreshed()
    flow.do("publish")
    version = flow.refreshed().versions.get()

    assert "INTERNAL-NOTE-MARKER" not in snapshot(flow.response)
    assert "INTERNAL-NOTE-MARKER" not in render_snapshot(document_for_version(version))


def test_the_forces_unsubmitted_draft_is_not_printed(flow, norfolk):
    flow.do("invite the force")
    contributor = force_user(norfolk.force)
    recommendation = flow.report.findings.recommendations().first()
    response_save_force_draft(
        response=flow.response,
        acting_user=contributor,
        text="FORCE-DRAFT-MARKER overall",
        author_name="A. Chief",
        comments={recommendation: "FORCE-DRAFT-MARKER on R1"},
    )
    flow.response = flow.refreshed()

    assert "FORCE-DRAFT-MARKER" not in snapshot(flow.response)
    flow.force_replies()
    assert "The force accepts the recommendations." in snapshot(flow.refreshed())


def test_the_forces_submitted_comment_on_a_recommendation_is_printed(flow):
    flow.do("invite the force")
    flow.force_replies()
    explanation_save(
        response=flow.response,
        finding=flow.report.findings.recommendations().first(),
        acting_user=flow.drafter,
        force_comment="The force has appointed a lead for R1.",
    )

    html = snapshot(flow.refreshed())

    assert "Chief Constable's comment" in html
    assert "The force has appointed a lead for R1." in html


def test_a_late_response_says_how_many_days_late(flow):
    flow.drive(Status.APPROVED)
    response_publish(
        response=flow.response,
        published_on=date(2020, 3, 5),
        late_reason="The panel meeting moved.",
        acting_user=flow.approver,
    )

    html = snapshot(flow.refreshed())

    assert "5 March 2020 (3 days after the due date)" in html


def test_a_report_before_the_statutory_deadline_existed(norfolk, drafter):
    report = ReportFactory(published_on=date(2016, 5, 1), forces=[norfolk.force])
    response = make_response(report=report, body=norfolk, acting_user=drafter)
    response_invite_force(
        response=response,
        invited_on=date(2016, 5, 2),
        reply_by=date(2016, 5, 20),
        acting_user=drafter,
    )

    assert "No statutory deadline (report published before 2 May 2017)" in snapshot(response)


def test_several_causes_of_concern_take_the_plural_heading(flow):
    for n in (1, 2):
        FindingFactory(report=flow.report, kind=Finding.Kind.CAUSE_OF_CONCERN, text=f"Cause {n}.")

    html = snapshot(flow.response)

    assert "Causes of concern" in html
    assert html.index("Cause 1.") < html.index("Cause 2.")


def test_findings_follow_the_reports_order(flow):
    html = snapshot(flow.response)
    r1, r2 = flow.report.findings.recommendations()

    assert html.index("Recommendation 1") < html.index(r1.text) < html.index("Recommendation 2")
    assert (
        html.index("Recommendation 2") < html.index(r2.text) < html.index("Areas for improvement")
    )


def test_file_names_say_draft_preview_or_version(flow):
    stem = "norfolk-pcc-response-norfolk-crime-data-integrity-inspection-2019"
    today = timezone.localdate()

    draft = document_for_preview(flow.response).filename
    flow.drive(Status.PUBLISHED)
    preview = document_for_preview(flow.response).filename
    version = document_for_version(flow.refreshed().versions.get()).filename

    assert draft == f"{stem}-draft-{today:%Y-%m-%d}.pdf"
    assert preview == f"{stem}-preview-{today:%Y-%m-%d}.pdf"
    assert version == f"{stem}-version-1.pdf"

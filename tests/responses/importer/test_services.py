"""Creating, correcting and confirming an import, through the services. Confirming the
reference document gives the same report and response as the demo data."""

from datetime import date

import pytest

from accounts.models import Membership
from inspections.models import Finding, ImportDraft, Report
from responses import deadlines
from responses.demo import build_demo
from responses.demo import norfolk_cdi_2019 as demo
from responses.importer import draft as drafts
from responses.importer import forms as drafts_forms
from responses.importer.draft import DraftError
from responses.importer.extract import ExtractionError
from responses.importer.services import (
    DraftConflict,
    import_draft_change,
    import_draft_confirm,
    import_draft_create,
    import_draft_discard,
)
from responses.models import Response, Status
from tests.factories import force_user, office_user, policing_body

from .conftest import NORFOLK, fixture_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def norfolk_office(reference_data):
    return policing_body("norfolk-pcc")


@pytest.fixture
def drafter(norfolk_office):
    return office_user(norfolk_office, Membership.Role.OPCC_DRAFTER, full_name="Dana Drafter")


def _norfolk_draft(office, user) -> ImportDraft:
    return import_draft_create(policing_body=office, acting_user=user, text=fixture_text(NORFOLK))


def _set_response_date(draft, user, published_on: str) -> ImportDraft:
    def change(payload, _text):
        payload["response"]["published_on"] = published_on

    return import_draft_change(draft=draft, acting_user=user, change=change)


def test_a_paste_becomes_a_draft_of_the_office(norfolk_office, drafter):
    draft = _norfolk_draft(norfolk_office, drafter)
    assert draft.status == ImportDraft.Status.OPEN
    assert (draft.policing_body, draft.created_by, draft.source_kind) == (
        norfolk_office,
        drafter,
        "text",
    )
    assert draft.text == fixture_text(NORFOLK)
    assert len(draft.payload["items"]) == 22


def test_only_office_staff_may_import(norfolk_office):
    outsider = force_user(norfolk_office.force)
    with pytest.raises(DraftError, match="Only the office's"):
        import_draft_create(policing_body=norfolk_office, acting_user=outsider, text="Some text")


def test_unreadable_input_is_an_extraction_error(norfolk_office, drafter):
    with pytest.raises(ExtractionError):
        import_draft_create(policing_body=norfolk_office, acting_user=drafter, data=b"\x89PNG\r\n")
    assert not ImportDraft.objects.exists()


def test_a_change_from_an_out_of_date_page_is_refused(norfolk_office, drafter):
    draft = _norfolk_draft(norfolk_office, drafter)
    seen = draft.lock_version
    import_draft_change(
        draft=draft,
        acting_user=drafter,
        change=lambda p, _t: drafts.move_item(p, p["items"][1]["id"], "up"),
        expected_lock_version=seen,
    )
    with pytest.raises(DraftConflict, match="changed after you opened the page"):
        import_draft_change(
            draft=draft,
            acting_user=drafter,
            change=lambda p, _t: drafts.move_item(p, p["items"][1]["id"], "up"),
            expected_lock_version=seen,
        )


def test_a_failed_correction_changes_nothing(norfolk_office, drafter):
    draft = _norfolk_draft(norfolk_office, drafter)
    before = draft.payload
    with pytest.raises(DraftError):
        import_draft_change(
            draft=draft, acting_user=drafter, change=lambda p, _t: drafts.move_item(p, "i1", "up")
        )
    draft.refresh_from_db()
    assert draft.payload == before and draft.lock_version == 1


def test_confirm_lists_every_problem(norfolk_office, drafter):
    draft = _norfolk_draft(norfolk_office, drafter)
    with pytest.raises(DraftError, match="Enter the date the response was published"):
        import_draft_confirm(draft=draft, acting_user=drafter)
    assert not Report.objects.exists()


def test_the_reference_document_imports_as_the_demo_has_it(norfolk_office, approver, settings):
    # The demo sets five passwords; the production hasher would take seconds for each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    build_demo(password="demo-password-123")
    demo_report = Report.objects.get(title=demo.TITLE)
    demo_response = Response.objects.get(report=demo_report, policing_body=norfolk_office)

    draft = _norfolk_draft(norfolk_office, approver)
    draft = _set_response_date(draft, approver, demo.RESPONSE_PUBLISHED_ON.isoformat())
    draft = import_draft_confirm(draft=draft, acting_user=approver)  # a new report, not the demo's
    report = draft.report
    assert draft.status == ImportDraft.Status.CONFIRMED and report != demo_report

    def details(r):
        return (
            r.title,
            r.published_on,
            r.report_type,
            r.type_of_inspection,
            r.scope,
            sorted(f.slug for f in r.forces.all()),
            r.grading_framework,
            r.attracts_s55,
            [(j.area, j.grade) for j in r.judgements.all()],
        )

    assert details(report) == details(demo_report)

    def findings(r):
        rows = []
        for f in r.findings.all():
            cause = f.cause_of_concern.reference if f.cause_of_concern else ""
            rows.append(
                (f.kind, f.position, f.reference, f.text, f.addressees, f.timescale_text)
                + (f.timescale_kind, f.target_date, cause)
            )
        return rows

    assert findings(report) == findings(demo_report)
    assert report.findings.filter(kind=Finding.Kind.RECOMMENDATION).count() == 3
    assert report.findings.filter(kind=Finding.Kind.AREA_FOR_IMPROVEMENT).count() == 6

    response = Response.objects.get(report=report, policing_body=norfolk_office)

    def published(r):
        return (
            r.status,
            r.published_on,
            r.due_date,
            r.publish_by,
            deadlines.is_on_time(due=r.due_date, published_on=r.published_on),
            r.force_comments,
            r.force_comments_author_name,
            r.force_comments_author_role,
            r.office_comments,
            [(v.number, v.published_on) for v in r.versions.all()],
        )

    assert published(response) == published(demo_response)
    assert response.status == Status.PUBLISHED and response.due_date == date(2020, 3, 2)
    assert response.imported and not demo_response.imported
    # The checklist's ticks become the copies it names, on the publication date.
    version = response.versions.get()
    assert (version.copy_hmicfrs_on, version.copy_chief_officer_on, version.copy_panel_on) == (
        demo.RESPONSE_PUBLISHED_ON,
        demo.RESPONSE_PUBLISHED_ON,
        demo.RESPONSE_PUBLISHED_ON,
    )
    assert version.copy_home_secretary_on is None
    assert "- [x] Response published on the OPCCN website" in response.internal_notes


def test_confirm_records_history_as_imported_by_the_user(norfolk_office, approver):
    draft = _set_response_date(_norfolk_draft(norfolk_office, approver), approver, "2020-02-20")
    draft = import_draft_confirm(draft=draft, acting_user=approver)
    report = draft.report
    record = report.history.get()
    assert (record.history_user, record.history_change_reason) == (approver, "Imported")
    finding_reasons = {f.history.get().history_change_reason for f in report.findings.all()}
    assert finding_reasons == {"Imported"}
    response = report.responses.get()
    assert (response.history.get().history_user, response.history.get().history_change_reason) == (
        approver,
        "Imported",
    )


def test_a_drafter_cannot_record_a_published_response_by_importing_it(norfolk_office, drafter):
    """Security 16.6: what the public reads as published is the office's sign-off."""
    draft = _set_response_date(_norfolk_draft(norfolk_office, drafter), drafter, "2020-02-20")
    with pytest.raises(DraftError, match="Only an approver or an admin in this office can record"):
        import_draft_confirm(draft=draft, acting_user=drafter)
    draft.refresh_from_db()
    assert draft.status == ImportDraft.Status.OPEN
    assert not Response.objects.filter(imported=True).exists()


def test_importing_only_the_report(norfolk_office, drafter):
    def report_only(payload, _text):
        payload["response"]["include"] = False

    draft = import_draft_change(
        draft=_norfolk_draft(norfolk_office, drafter), acting_user=drafter, change=report_only
    )
    draft = import_draft_confirm(draft=draft, acting_user=drafter)
    assert draft.report.findings.count() == 22
    # No published response imported: recording the report opened the office's, not started.
    response = Response.objects.get()
    assert (response.policing_body, response.status) == (norfolk_office, "not_started")
    assert not response.imported


def test_a_response_to_a_report_already_recorded(norfolk_office, approver):
    first = _set_response_date(_norfolk_draft(norfolk_office, approver), approver, "2020-02-20")
    report = import_draft_confirm(draft=first, acting_user=approver).report
    suffolk = policing_body("suffolk-pcc")
    suffolk_approver = office_user(suffolk, Membership.Role.OPCC_APPROVER)
    second = _set_response_date(
        _norfolk_draft(suffolk, suffolk_approver), suffolk_approver, "2020-02-25"
    )
    second = import_draft_confirm(
        draft=second, acting_user=suffolk_approver, existing_report=report
    )
    assert second.report == report
    assert Report.objects.count() == 1 and report.findings.count() == 22
    assert report.responses.get(policing_body=suffolk).published_on == date(2020, 2, 25)


def test_an_office_cannot_import_a_second_response_to_a_report(norfolk_office, approver):
    report = import_draft_confirm(
        draft=_set_response_date(_norfolk_draft(norfolk_office, approver), approver, "2020-02-20"),
        acting_user=approver,
    ).report
    again = _set_response_date(_norfolk_draft(norfolk_office, approver), approver, "2020-02-20")
    with pytest.raises(DraftError, match="already has a response to this report"):
        import_draft_confirm(draft=again, acting_user=approver, existing_report=report)
    again.refresh_from_db()
    assert again.status == ImportDraft.Status.OPEN


def test_an_invalid_grade_for_the_framework_is_explained_and_nothing_is_created(
    norfolk_office, drafter
):
    def adequate(payload, _text):
        payload["response"]["include"] = False
        payload["judgements"][0]["grade"] = "adequate"  # not a grade before PEEL 2021/22

    draft = import_draft_change(
        draft=_norfolk_draft(norfolk_office, drafter), acting_user=drafter, change=adequate
    )
    with pytest.raises(DraftError, match="Adequate is not a grade"):
        import_draft_confirm(draft=draft, acting_user=drafter)
    assert not Report.objects.exists()


def test_discarding_creates_nothing_and_closes_the_draft(norfolk_office, drafter):
    draft = import_draft_discard(draft=_norfolk_draft(norfolk_office, drafter), acting_user=drafter)
    assert draft.status == ImportDraft.Status.DISCARDED
    with pytest.raises(DraftError, match="already been discarded"):
        import_draft_confirm(draft=draft, acting_user=drafter)
    assert not Report.objects.exists()


def test_the_importer_takes_a_welsh_text_for_any_field(norfolk_office, approver):
    """A response published in Welsh (a body that publishes in Welsh and English): each text of
    the draft has a Welsh box, and confirming records the Welsh texts."""
    draft = _set_response_date(_norfolk_draft(norfolk_office, approver), approver, "2020-02-20")
    form_data = drafts_forms.ResponseDetailsForm.initial_from(draft.payload["response"])
    form_data |= {
        "include": True,
        "published_on": date(2020, 2, 20),
        "office_comments_cy": "Mae'r Comisiynydd yn croesawu'r adroddiad.",
        "force_comments_cy": "Mae'r heddlu'n derbyn yr argymhellion.",
        "reply_to_force_cy": "Diolch i'r Prif Gwnstabl.",
    }
    draft = import_draft_change(
        draft=draft,
        acting_user=approver,
        change=lambda payload, _text: drafts.set_response_details(payload, form_data),
    )
    recommendation = next(i for i in draft.payload["items"] if i["kind"] == "recommendation")

    def welsh_explanation(payload, _text):
        item = drafts.find_item(payload, recommendation["id"])
        fields = ("text", "reference", "addressees", "timescale_text", "cause", "explanation")
        drafts.update_item(
            payload,
            item["id"],
            kind=item["kind"],
            **{name: item[name] for name in fields if name in item},
            explanation_kind=item.get("explanation_kind", ""),
            force_comment=item.get("force_comment", ""),
            explanation_cy="Mae'r heddlu wedi cwblhau'r gwaith.",
            force_comment_cy="Cytuno.",
        )

    draft = import_draft_change(draft=draft, acting_user=approver, change=welsh_explanation)
    assert 'lang="cy"' in str(drafts_forms.ItemForm(initial={}))

    draft = import_draft_confirm(draft=draft, acting_user=approver)

    response = draft.report.responses.get(policing_body=norfolk_office)
    assert response.office_comments_cy == "Mae'r Comisiynydd yn croesawu'r adroddiad."
    assert response.force_comments_cy == "Mae'r heddlu'n derbyn yr argymhellion."
    assert response.reply_to_force_cy == "Diolch i'r Prif Gwnstabl."
    explanation = response.explanations.get(finding__reference=recommendation["reference"])
    assert (explanation.text_cy, explanation.force_comment_cy) == (
        "Mae'r heddlu wedi cwblhau'r gwaith.",
        "Cytuno.",
    )

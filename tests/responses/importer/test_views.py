"""The importer's pages, as staff use them: paste or upload, check, correct, confirm."""

import io
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from inspections.models import ImportDraft, Report
from responses.importer.extract import MAX_BYTES
from responses.models import Response, Status
from tests.factories import force_user, office_user, policing_body

from .conftest import NORFOLK, fixture_bytes, fixture_text

pytestmark = pytest.mark.django_db

START = "/import/"


@pytest.fixture
def staff(client, drafter):
    client.force_login(drafter)
    return client


@pytest.fixture
def signing_off(client, approver):
    client.force_login(approver)
    return client


def _paste(client, text) -> ImportDraft:
    response = client.post(START, {"text": text})
    assert response.status_code == 302, response.content.decode()[:500]
    draft = ImportDraft.objects.order_by("-pk").first()
    assert response.url == reverse("importer:preview", kwargs={"pk": draft.pk})
    return draft


def _page(response) -> str:
    return response.content.decode()


def _url(draft, name, *args):
    return reverse(f"importer:{name}", args=[draft.pk, *args])


def _post(client, draft, name, *args, data=None):
    draft.refresh_from_db()
    return client.post(_url(draft, name, *args), {"version": draft.lock_version, **(data or {})})


def test_only_office_staff_can_import(client, reference_data):
    assert client.get(START).status_code == 302  # to sign in
    client.force_login(force_user(policing_body("norfolk-pcc").force))
    assert client.get(START).status_code == 403


def test_the_start_page(staff):
    page = _page(staff.get(START))
    assert "Import a document" in page
    assert 'name="text"' in page and 'type="file"' in page


def test_nothing_given_or_both_given(staff):
    response = staff.post(START, {"text": "  "})
    assert response.status_code == 400
    assert "Paste the text of the document, or upload a file." in _page(response)
    both = staff.post(START, {"text": "Key findings", "upload": SimpleUploadedFile("a.txt", b"x")})
    assert "Paste the text or upload a file, not both." in _page(both)


def test_the_reference_document_preview_shows_every_item_with_its_source(staff):
    draft = _paste(staff, fixture_text(NORFOLK))
    response = staff.get(_url(draft, "preview"))
    page = _page(response)
    assert response.status_code == 200
    assert "Norfolk Constabulary Crime Data Integrity inspection 2019" in page
    assert "7 January 2020" in page
    assert page.count('class="govuk-summary-card" id="item-') == 22
    assert "13. Cause of concern (Cause of concern)" in page
    assert "14. Recommendation (R1)" in page and "22. Area for improvement (AFI 6)" in page
    assert "The force should immediately:<br>- take steps to identify" in page  # R1's source
    assert "Paul Sanford, Deputy Chief Constable of Norfolk Constabulary" in page
    assert "Done: Response forwarded to HMICFRS Section 55 Responses" in page
    assert "None: every part of the text has been placed" in page
    assert "Enter the date the response was published" in page


def test_random_text_is_all_not_placed_with_a_helpful_message(staff):
    text = "Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n\nSed do eiusmod tempor."
    draft = _paste(staff, text)
    page = _page(staff.get(_url(draft, "preview")))
    assert "Nothing in this text was recognised as part of an HMICFRS report" in page
    assert "Lorem ipsum dolor sit amet" in page and "Sed do eiusmod tempor." in page
    assert draft.payload["items"] == []
    assert len(draft.payload["not_placed"]) == 1


def test_a_word_document_upload(staff):
    import docx

    document = docx.Document()
    document.add_heading("Areas for improvement", level=2)
    document.add_paragraph("The force should review its backlog.", style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    upload = SimpleUploadedFile("report.docx", buffer.getvalue())
    response = staff.post(START, {"upload": upload})
    assert response.status_code == 302
    draft = ImportDraft.objects.get()
    assert draft.source_kind == "docx" and draft.source_name == "report.docx"
    assert [i["text"] for i in draft.payload["items"]] == ["The force should review its backlog."]


def test_an_image_gets_a_message_on_the_page(staff):
    response = staff.post(
        START, {"upload": SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\n0000")}
    )
    assert response.status_code == 400
    assert "This file is an image (PNG)" in _page(response)
    assert not ImportDraft.objects.exists()


def test_a_file_over_two_megabytes_gets_a_message_and_is_not_kept(staff):
    upload = SimpleUploadedFile("big.txt", b"a" * (MAX_BYTES + 10))
    response = staff.post(START, {"upload": upload})
    assert response.status_code == 413
    assert "more than the importer takes (2 MB)" in _page(response)


def test_a_paste_too_big_for_the_server_gets_a_message_not_an_error(staff):
    response = staff.post(START, {"text": "a" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "more than the importer takes (2 MB)" in _page(response)


def test_a_paste_just_over_two_megabytes_gets_a_message(staff):
    response = staff.post(START, {"text": "a" * (MAX_BYTES + 1)})
    assert response.status_code == 400
    assert "the most the importer takes is 2 MB" in _page(response)


def test_csrf_is_still_checked(drafter):
    client = Client(enforce_csrf_checks=True)
    client.force_login(drafter)
    assert client.post(START, {"text": "Key findings"}).status_code == 403
    assert not ImportDraft.objects.exists()


def test_another_offices_draft_is_not_found(staff, drafter):
    suffolk = policing_body("suffolk-pcc")
    other = office_user(suffolk, Membership.Role.OPCC_DRAFTER)
    client = Client()
    client.force_login(other)
    draft = _paste(client, fixture_text(NORFOLK))
    assert staff.get(_url(draft, "preview")).status_code == 404
    assert _post(staff, draft, "item-action", "i1", "delete").status_code == 404


def test_the_preview_costs_the_same_queries_whatever_its_size(staff, django_assert_max_num_queries):
    small = _paste(
        staff,
        "Title: Norfolk Constabulary inspection\nDate published: 7 January 2020\n\n"
        "Key findings\n\nThe force is improving.",
    )
    big = _paste(staff, fixture_text(NORFOLK) + "\n\n" + fixture_text("national-thematic.txt"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small_queries:
        staff.get(_url(small, "preview"))
    with django_assert_max_num_queries(len(small_queries)):
        staff.get(_url(big, "preview"))


def test_moving_deleting_and_restoring_an_item(staff):
    draft = _paste(staff, fixture_text(NORFOLK))
    first, second = (i["id"] for i in draft.payload["items"][:2])
    response = _post(staff, draft, "item-action", second, "up")
    assert response.status_code == 302 and response.url.endswith(f"#item-{second}")
    draft.refresh_from_db()
    assert [i["id"] for i in draft.payload["items"][:2]] == [second, first]
    _post(staff, draft, "item-action", first, "delete")
    draft.refresh_from_db()
    assert first not in [i["id"] for i in draft.payload["items"]]
    page = _page(staff.get(_url(draft, "preview")))
    assert "Discarded" in page and "Restore" in page
    _post(staff, draft, "restore", draft.payload["discarded"][0]["id"])
    draft.refresh_from_db()
    assert first in [i["id"] for i in draft.payload["items"]]


def test_an_out_of_date_page_gets_a_message(staff):
    draft = _paste(staff, fixture_text(NORFOLK))
    response = staff.post(
        _url(draft, "item-action", "i2", "up"), {"version": draft.lock_version - 1}
    )
    assert response.status_code == 409
    assert "This draft changed after you opened the page" in _page(response)


def test_an_impossible_move_is_explained(staff):
    draft = _paste(staff, fixture_text(NORFOLK))
    response = _post(staff, draft, "item-action", "i1", "up")
    assert response.status_code == 409
    assert "That item cannot move further." in _page(response)


def test_changing_an_item(staff):
    draft = _paste(staff, fixture_text(NORFOLK))
    r1 = next(i for i in draft.payload["items"] if i["reference"] == "R1")
    page = _page(staff.get(_url(draft, "item-edit", r1["id"])))
    assert "From the document" in page and "The force should immediately:" in page
    response = _post(
        staff,
        draft,
        "item-edit",
        r1["id"],
        data={
            "kind": "recommendation",
            "reference": "R1",
            "text": "Take steps to record violent crime.",
            "addressees": ["force", "policing_bodies"],
            "timescale_text": "within three months",
            "cause": r1["cause"],
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    changed = next(i for i in draft.payload["items"] if i["id"] == r1["id"])
    assert changed["addressees"] == ["force", "policing_bodies"]
    assert changed["timescale_text"] == "within three months"
    page = _page(staff.get(_url(draft, "preview")))
    assert "“within three months”: by 7 April 2020" in page


def test_an_item_without_text_is_refused_on_its_page(staff):
    draft = _paste(staff, fixture_text(NORFOLK))
    response = _post(staff, draft, "item-edit", "i1", data={"kind": "key_finding", "text": ""})
    assert response.status_code == 400
    assert "govuk-error-summary" in _page(response)


def test_splitting_and_adding_items(staff):
    draft = _paste(staff, fixture_text(NORFOLK))
    page = _page(staff.get(_url(draft, "item-split", "i2")))
    assert "---" in page
    text = "We also found the force has:\n---\n- created and implemented a plan;"
    assert _post(staff, draft, "item-split", "i2", data={"text": text}).status_code == 302
    draft.refresh_from_db()
    assert len(draft.payload["items"]) == 23
    no_marks = _post(staff, draft, "item-split", "i2", data={"text": "One part"})
    assert no_marks.status_code == 400
    assert "Put a line with only ---" in _page(no_marks)
    added = _post(staff, draft, "item-add", data={"kind": "practice", "text": "Good work."})
    assert added.status_code == 302
    draft.refresh_from_db()
    assert draft.payload["items"][-1]["kind"] == "practice"


def test_placing_and_discarding_text_that_was_not_placed(staff):
    draft = _paste(staff, "First paragraph of nothing.\n\nSecond paragraph of nothing.")
    (entry,) = draft.payload["not_placed"]
    _post(staff, draft, "text-action", entry["id"], "split")
    draft.refresh_from_db()
    first, second = draft.payload["not_placed"]
    response = _post(
        staff, draft, "text-action", first["id"], "place", data={"target": "key_finding"}
    )
    assert response.status_code == 302
    _post(staff, draft, "text-action", second["id"], "discard")
    draft.refresh_from_db()
    assert [i["text"] for i in draft.payload["items"]] == ["First paragraph of nothing."]
    assert draft.payload["not_placed"] == []
    assert draft.payload["discarded"][0]["text"] == "Second paragraph of nothing."


def test_discarding_all_the_text_not_placed(staff):
    draft = _paste(staff, "Nothing.\n\n# Heading\n\nMore nothing.")
    assert draft.payload["not_placed"]
    _post(staff, draft, "text-discard-all")
    draft.refresh_from_db()
    assert draft.payload["not_placed"] == []


def test_the_forms_for_report_judgements_and_response(staff):
    draft = _paste(staff, fixture_text(NORFOLK))
    for name in ("details", "judgements", "response"):
        assert staff.get(_url(draft, name)).status_code == 200
    details = {
        "title": "Norfolk CDI 2019",
        "published_on_day": "7",
        "published_on_month": "1",
        "published_on_year": "2020",
        "report_type": "cdi",
        "inspection_type_label": "Thematic",
        "scope": "force",
        "forces": ["norfolk"],
        "grading_framework": "four",
    }
    assert _post(staff, draft, "details", data=details).status_code == 302
    judgements = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "1",
        "form-0-id": "j23",
        "form-0-area": "Crime data integrity",
        "form-0-grade": "inadequate",
        "form-1-area": "",
        "form-1-grade": "",
    }
    assert _post(staff, draft, "judgements", data=judgements).status_code == 302
    draft.refresh_from_db()
    assert draft.payload["report"]["title"] == "Norfolk CDI 2019"
    assert [(j["area"], j["grade"]) for j in draft.payload["judgements"]] == [
        ("Crime data integrity", "inadequate")
    ]
    bad_date = _post(staff, draft, "details", data={**details, "published_on_month": "13"})
    assert bad_date.status_code == 400
    assert "Date published must be a real date" in _page(bad_date)


def test_confirming_the_reference_document(signing_off):
    draft = _paste(signing_off, fixture_text(NORFOLK))
    refused = _post(signing_off, draft, "confirm")
    assert refused.status_code == 400
    assert "Enter the date the response was published" in _page(refused)
    response_form = {
        "include": "on",
        "published_on_day": "20",
        "published_on_month": "2",
        "published_on_year": "2020",
        "office_comments": draft.payload["response"]["office_comments"]["text"],
        "force_comments": draft.payload["response"]["force_comments"]["text"],
        "force_comments_author_name": "Paul Sanford",
        "force_comments_author_role": "Deputy Chief Constable of Norfolk Constabulary",
        "ticked": [c["id"] for c in draft.payload["response"]["checklist"]],
    }
    assert _post(signing_off, draft, "response", data=response_form).status_code == 302
    confirmed = _post(signing_off, draft, "confirm")
    report = Report.objects.get()
    assert confirmed.status_code == 302
    assert confirmed.url == reverse("inspections:report-detail", args=[report.pk])
    response = Response.objects.get()
    assert (response.status, response.published_on, response.imported) == (
        Status.PUBLISHED,
        date(2020, 2, 20),
        True,
    )
    # The finished draft now leads to the report, and cannot be changed.
    assert signing_off.get(_url(draft, "preview")).url == confirmed.url
    assert _post(signing_off, draft, "item-action", "i1", "delete").status_code == 404


def test_a_report_already_recorded_is_offered(staff):
    first = _paste(staff, fixture_text(NORFOLK))
    _post(staff, first, "response", data={"include": ""})
    _post(staff, first, "confirm")
    second = _paste(staff, fixture_text(NORFOLK))
    page = _page(staff.get(_url(second, "preview")))
    assert "A report with this title and date is already recorded" in page
    assert _post(staff, second, "confirm").status_code == 400  # must choose
    _post(staff, second, "response", data={"include": ""})
    report = Report.objects.get()
    assert _post(staff, second, "confirm", data={"report": "new"}).status_code == 302
    assert Report.objects.count() == 2 and Report.objects.exclude(pk=report.pk).exists()


def test_discarding_the_import(staff):
    draft = _paste(staff, fixture_text(NORFOLK))
    response = _post(staff, draft, "discard")
    assert response.status_code == 302 and response.url == START
    draft.refresh_from_db()
    assert draft.status == ImportDraft.Status.DISCARDED
    assert staff.get(_url(draft, "preview")).status_code == 404


def test_unfinished_imports_are_listed(staff):
    draft = _paste(staff, fixture_text(NORFOLK))
    page = _page(staff.get(START))
    assert re.search(rf'href="/import/{draft.pk}/">Pasted text</a>', page)


def test_the_summary_page_upload(staff):
    upload = SimpleUploadedFile("summary.html", fixture_bytes("hmicfrs-summary-page.html"))
    assert staff.post(START, {"upload": upload}).status_code == 302
    draft = ImportDraft.objects.get()
    page = _page(staff.get(_url(draft, "preview")))
    assert "Only the main content of the web page was read" in page
    assert "Cleveland Police" in page


def test_an_unexpected_failure_is_a_message_not_a_server_error(staff, monkeypatch, caplog):
    from responses.importer import services

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the parser")

    monkeypatch.setattr(services.parser, "parse", broken)
    response = staff.post(START, {"text": "Key findings"})
    assert response.status_code == 400
    assert "Something went wrong reading this document, and it has been logged" in _page(response)
    assert "a bug in the parser" in caplog.text  # logged for the administrators


def test_a_drafter_cannot_record_a_published_response_by_importing_it(staff):
    """Security 16.6: the importer is no way round the office's sign-off."""
    draft = _paste(staff, fixture_text(NORFOLK))
    response_form = {
        "include": "on",
        "published_on_day": "20",
        "published_on_month": "2",
        "published_on_year": "2020",
        "office_comments": draft.payload["response"]["office_comments"]["text"],
        "ticked": [],
    }
    assert _post(staff, draft, "response", data=response_form).status_code == 302
    refused = _post(staff, draft, "confirm")
    assert refused.status_code == 400
    assert "Only an approver or an admin in this office can record a published response" in (
        _page(refused)
    )
    assert not Response.objects.filter(imported=True).exists()

"""Word documents (responses/word.py): the draft's and each published version's .docx, opened
with python-docx: the PDF's sections in its order as real Word headings, every explanation,
the signatory and the statutory sentence, the language and the core properties; a version's
document is its frozen snapshot (unchanged by an amendment, never a redacted passage); staff
only, like the preview PDF."""

import io

import docx
import pytest
from django.urls import reverse

from accounts.models import Membership
from responses import redaction
from responses.models import Redaction, ResponseVersion, Status
from responses.pdf import version_freeze
from responses.services import redaction_add, response_record_one_language, response_update_text
from responses.statute import duty_statement
from tests.factories import (
    RecommendationFactory,
    ReportFactory,
    force_user,
    make_response,
    office_user,
    policing_body,
)

from .conftest import Flow
from .test_bilingual import ENGLISH_COMMENTS, WELSH_COMMENTS, _to_approved, _write_both
from .test_pdf_freezing import AMENDED_TEXT, PUBLISHED_TEXT, _amend_and_edit

pytestmark = pytest.mark.django_db

NAME = "Mrs Jane Example of 4 Privet Lane"

#: The sections of templates/pdf/response_body.html, in the PDF's order (Norfolk's titles).
SECTIONS = [
    "Key findings",
    "Cause for concern",
    "Recommendations",
    "Areas for improvement",
    "Chief Constable's response to the report and any recommendations",
    "Police and Crime Commissioner's response to the report and any recommendations",
    "For Office Use Only",
]


@pytest.fixture
def welsh_flow():
    """A response of a body that publishes in Welsh and English (as in test_bilingual.py)."""
    body = policing_body("dyfed-powys-pcc")
    drafter = office_user(body, Membership.Role.OPCC_DRAFTER, username="word-cy-drafter")
    approver = office_user(body, Membership.Role.OPCC_APPROVER, username="word-cy-approver")
    report = ReportFactory(title="Dyfed-Powys PEEL 2023-2025", forces=[body.force])
    RecommendationFactory(report=report)
    response = make_response(report=report, body=body, acting_user=drafter)
    return Flow(response=response, drafter=drafter, approver=approver)


def open_docx(content: bytes):
    return docx.Document(io.BytesIO(content))


def headings(document, level: int) -> list[str]:
    return [p.text.strip() for p in document.paragraphs if p.style.name == f"Heading {level}"]


def full_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def default_language(document) -> str:
    from docx.oxml.ns import qn

    defaults = document.styles.element.find(qn("w:docDefaults"))
    lang = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    return lang.get(qn("w:val"))


def preview(client, response, **params):
    return client.get(reverse("pdf:preview-docx", args=[response.pk]), params)


def version_download(client, version):
    return client.get(reverse("pdf:version-docx", args=[version.response_id, version.number]))


def test_the_drafts_word_document_has_the_pdfs_sections_as_headings(flow, client):
    flow.drive(Status.DRAFTING)
    client.force_login(flow.drafter)

    http = preview(client, flow.response)

    assert http.status_code == 200
    assert http["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert http["Content-Disposition"].endswith('.docx"')
    assert "-draft-" in http["Content-Disposition"]
    document = open_docx(http.content)
    body = flow.response.policing_body
    [title] = headings(document, 1)
    assert title.startswith(f"{body.name} response to inspections of")
    assert headings(document, 2) == SECTIONS
    findings = list(flow.report.findings.recommendations())
    assert findings
    recommendation_headings = [h for h in headings(document, 3) if h.startswith("Recommendation")]
    assert recommendation_headings == [f"Recommendation {n}" for n in range(1, len(findings) + 1)]
    text = full_text(document)
    for finding in findings:
        assert f"Action for {finding.reference}." in text
    assert duty_statement(report_published_on=flow.report.published_on) in text
    assert PUBLISHED_TEXT in text
    assert "DRAFT - not published" in text
    response = flow.refreshed()
    signatory = response.signatory_name or body.holder_name or "Not yet signed"
    assert [p.text for p in document.paragraphs if p.text.startswith("Signed:")] == [
        f"Signed: {signatory}"
    ]
    # The document's language and core properties.
    assert default_language(document) == "en-GB"
    properties = document.core_properties
    assert properties.language == "en-GB"
    assert properties.author == body.office_name
    assert properties.title == f"{body.name} response to {flow.report.title}"
    # The facts and the office-use checklist are tables with their captions.
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert captions[:2] == ["The inspection", "This response"]
    assert document.tables[0].cell(0, 0).text == "Inspection title"
    assert document.tables[0].cell(0, 1).text == flow.report.title


def test_a_published_versions_word_document_is_what_was_published(flow, client):
    flow.drive(Status.PUBLISHED)
    version = flow.refreshed().versions.get()
    client.force_login(flow.drafter)
    before = version_download(client, version)

    # Amended since: new text in the draft, and a renamed office.
    _amend_and_edit(flow)
    body = flow.response.policing_body
    original_name = body.name
    body.name = "Renamed Police and Crime Commissioner"
    body.save()
    after = version_download(client, version)

    assert before.status_code == after.status_code == 200
    assert after["Content-Disposition"].endswith('-version-1.docx"')
    first, second = open_docx(before.content), open_docx(after.content)
    assert full_text(first) == full_text(second)
    assert headings(second, 2) == SECTIONS
    text = full_text(second)
    assert PUBLISHED_TEXT in text
    assert AMENDED_TEXT not in text
    assert "Renamed" not in text
    assert "DRAFT" not in text
    signed = [p.text for p in second.paragraphs if p.text.startswith("Signed:")]
    assert signed == [f"Signed: {flow.response.signatory_name or body.holder_name}"]
    assert second.core_properties.title.startswith(f"{original_name} response to")
    for finding in flow.report.findings.recommendations():
        assert f"Action for {finding.reference}." in text
    # The draft's document, by contrast, has the amendment.
    assert AMENDED_TEXT in full_text(open_docx(preview(client, flow.refreshed()).content))


def test_a_published_versions_word_document_has_no_redacted_passage(flow, client):
    flow.write_text(f"The commissioner met {NAME} about custody.")
    flow.explain_all()
    finding = flow.report.findings.recommendations().first()
    flow.explain(finding, text=f"Reviewed after {NAME} wrote to us.")
    for field in ("office_comments", redaction.explanation_key(finding.pk)):
        redaction_add(
            response=flow.response,
            field=field,
            passage=NAME,
            reason=Redaction.Reason.PERSONAL_DATA,
            acting_user=flow.drafter,
        )
    flow.drive(Status.PUBLISHED, prepare=False)
    version = ResponseVersion.objects.get(response=flow.response)
    client.force_login(flow.drafter)

    text = full_text(open_docx(version_download(client, version).content))

    assert NAME not in text
    assert "The commissioner met [redacted: personal data] about custody." in text
    assert "Reviewed after [redacted: personal data] wrote to us." in text
    # The staff keep the whole text.
    assert NAME in flow.refreshed().office_comments


def test_a_corrupted_snapshot_is_never_made_into_a_document(flow, client):
    from responses.word import SnapshotCorrupted

    flow.drive(Status.PUBLISHED)
    version = version_freeze(version_id=flow.refreshed().versions.get().pk, pdf=False)
    assert PUBLISHED_TEXT in version.html_snapshot
    ResponseVersion.objects.filter(pk=version.pk).update(
        html_snapshot=version.html_snapshot.replace(PUBLISHED_TEXT, "Something else.")
    )
    client.force_login(flow.drafter)

    with pytest.raises(SnapshotCorrupted):
        version_download(client, version)


def test_only_the_offices_staff_download_word_documents(flow, client):
    flow.drive(Status.PUBLISHED)
    version = flow.refreshed().versions.get()
    body = flow.response.policing_body
    contributor = force_user(body.force, username="word-force")
    other_office = office_user(
        policing_body("suffolk-pcc"), Membership.Role.OPCC_DRAFTER, username="word-suffolk"
    )
    approver = office_user(body, Membership.Role.OPCC_APPROVER, username="word-approver")

    anonymous = [preview(client, flow.response), version_download(client, version)]
    client.force_login(contributor)
    force = [preview(client, flow.response), version_download(client, version)]
    client.force_login(other_office)
    suffolk = [preview(client, flow.response), version_download(client, version)]
    client.force_login(approver)
    staff = [preview(client, flow.response), version_download(client, version)]

    assert [h.status_code for h in anonymous] == [302, 302]
    assert [h.status_code for h in force] == [403, 403]
    assert [h.status_code for h in suffolk] == [404, 404]
    assert [h.status_code for h in staff] == [200, 200]
    assert all(h["Cache-Control"] == "private, no-store" for h in staff)


def test_the_staff_response_page_links_the_word_documents(flow, client):
    flow.drive(Status.PUBLISHED)
    client.force_login(flow.drafter)

    page = client.get(reverse("responses:detail", args=[flow.response.pk])).content.decode()

    assert reverse("pdf:preview-docx", args=[flow.response.pk]) in page
    assert reverse("pdf:version-docx", args=[flow.response.pk, 1]) in page


def test_a_word_document_of_a_withdrawn_version_is_not_served(flow, client):
    flow.drive(Status.WITHDRAWN)
    version = flow.refreshed().versions.get()
    client.force_login(flow.drafter)

    assert version_download(client, version).status_code == 410


def test_the_draft_text_is_in_the_staff_draft(flow, client):
    flow.drive(Status.DRAFTING)
    response_update_text(
        response=flow.refreshed(), acting_user=flow.drafter, office_comments="Newest words."
    )
    client.force_login(flow.drafter)

    assert "Newest words." in full_text(open_docx(preview(client, flow.response).content))


def test_a_bilingual_version_has_a_welsh_word_document_in_welsh(welsh_flow, client):
    _write_both(welsh_flow)
    _to_approved(welsh_flow, force_cy="")
    welsh_flow.do("send back")
    response_record_one_language(
        response=welsh_flow.refreshed(),
        key="force_comments",
        reason="fel y'u hanfonwyd gan yr heddlu",
        acting_user=welsh_flow.drafter,
    )
    welsh_flow.response = welsh_flow.refreshed()
    welsh_flow.do("submit for approval")
    welsh_flow.do("approve")
    welsh_flow.do("publish")
    version = welsh_flow.refreshed().versions.get()
    client.force_login(welsh_flow.drafter)

    url = reverse("pdf:version-docx", args=[version.response_id, version.number])
    welsh = client.get(url, {"lang": "cy"})
    english = client.get(url)

    assert welsh.status_code == english.status_code == 200
    assert welsh["Content-Disposition"].endswith('-version-1-cy.docx"')
    welsh_document, english_document = open_docx(welsh.content), open_docx(english.content)
    assert default_language(welsh_document) == "cy-GB"
    assert welsh_document.core_properties.language == "cy-GB"
    assert default_language(english_document) == "en-GB"
    assert "Argymhellion" in headings(welsh_document, 2)
    assert "Recommendations" in headings(english_document, 2)
    welsh_text = full_text(welsh_document)
    assert WELSH_COMMENTS in welsh_text
    assert ENGLISH_COMMENTS not in welsh_text
    assert ENGLISH_COMMENTS in full_text(english_document)
    # The force's comment, published in English only, is marked as English in the Welsh text.
    from docx.oxml.ns import qn

    english_runs = [
        run.text
        for paragraph in welsh_document.paragraphs
        for run in paragraph.runs
        if (lang := run._element.find(f"{qn('w:rPr')}/{qn('w:lang')}")) is not None
        and lang.get(qn("w:val")) == "en-GB"
    ]
    assert "The force accepts the recommendations." in english_runs


def test_an_english_only_office_has_no_welsh_word_document(flow, client):
    flow.drive(Status.PUBLISHED)
    version = flow.refreshed().versions.get()
    client.force_login(flow.drafter)

    assert preview(client, flow.response, lang="cy").status_code == 404
    url = reverse("pdf:version-docx", args=[version.response_id, version.number])
    assert client.get(url, {"lang": "cy"}).status_code == 404


def test_the_converter_keeps_lists_emphasis_languages_and_leaves_decoration_out():
    from datetime import UTC, datetime

    from responses.word import build_docx

    html = (
        "<h2>Areas</h2><div><p>One <strong>bold</strong> and <em>leaning</em> word.</p>"
        "<ul><li>First point</li><li>Second point</li></ul>"
        '<ol><li>Numbered</li></ol><p lang="en-GB">English inside</p></div>'
        '<table><caption>Checks</caption><thead><tr><th scope="col">Action</th>'
        '<th scope="col">Done</th></tr></thead><tbody><tr><td>Published</td>'
        '<td><span aria-hidden="true">&#10003;</span> Yes</td></tr></tbody></table>'
        "<p>After the table</p>"
    )
    document = open_docx(
        build_docx(
            html,
            language="cy",
            title="T",
            author="A",
            subject="S",
            when=datetime(2020, 2, 18, 12, tzinfo=UTC),
        )
    )

    styles = [(p.style.name, p.text) for p in document.paragraphs]
    assert styles == [
        ("Heading 2", "Areas"),
        ("Normal", "One bold and leaning word."),
        ("List Bullet", "First point"),
        ("List Bullet", "Second point"),
        ("List Number", "Numbered"),
        ("Normal", "English inside"),
        ("Caption", "Checks"),
        ("Normal", "After the table"),
    ]
    runs = {run.text: run for run in document.paragraphs[1].runs}
    assert runs["bold"].bold and runs["leaning"].italic and not runs["One "].bold
    from docx.oxml.ns import qn

    english = document.paragraphs[5].runs[0]._element.find(f"{qn('w:rPr')}/{qn('w:lang')}")
    assert english.get(qn("w:val")) == "en-GB"
    [table] = document.tables
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["Action", "Done"],
        ["Published", "Yes"],
    ]
    assert table.rows[0]._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    assert document.core_properties.created == datetime(2020, 2, 18, 12, tzinfo=UTC)

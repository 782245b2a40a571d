"""Welsh and English publications (Welsh Language Standards; responses/bilingual.py): a body
that publishes bilingually publishes every public text in both languages, or records why one
is published in one language only; an English-only body is unchanged. Runs on SQLite and
PostgreSQL."""

import io

import pikepdf
import pytest
from django.utils import translation
from pypdf import PdfReader

from accounts.models import Membership, PolicingBody
from responses import bilingual, redaction
from responses.models import Explanation, Redaction, Status
from responses.pdf import document_for_preview, render_snapshot, version_freeze
from responses.services import (
    explanation_save,
    publication_problems,
    redaction_add,
    response_amend,
    response_import_published,
    response_mark_not_required,
    response_record_force_comments,
    response_record_one_language,
    response_update_text,
)
from responses.workflow import WorkflowError
from tests.factories import (
    RecommendationFactory,
    ReportFactory,
    make_response,
    office_user,
    policing_body,
)

from .conftest import FORCE_REPLIED_ON, PUBLISHED_ON, Flow
from .test_pdf import language_of_structure

pytestmark = pytest.mark.django_db

WELSH_COMMENTS = "Mae'r Comisiynydd yn croesawu'r adroddiad ac yn derbyn pob argymhelliad."
ENGLISH_COMMENTS = "The Commissioner welcomes the report and accepts every recommendation."


@pytest.fixture
def dyfed_powys():
    body = policing_body("dyfed-powys-pcc")
    body.holder_name = "Dafydd Llywelyn"
    body.save(update_fields=["holder_name"])
    return body


@pytest.fixture
def welsh_flow(dyfed_powys):
    drafter = office_user(dyfed_powys, Membership.Role.OPCC_DRAFTER, full_name="Catrin Drafftio")
    approver = office_user(dyfed_powys, Membership.Role.OPCC_APPROVER, full_name="Rhys Cymeradwyo")
    report = ReportFactory(title="Dyfed-Powys PEEL 2023-2025", forces=[dyfed_powys.force])
    RecommendationFactory(report=report)
    response = make_response(report=report, body=dyfed_powys, acting_user=drafter)
    return Flow(response=response, drafter=drafter, approver=approver)


def _write_both(flow: Flow, *, welsh_explanation: bool = True) -> None:
    flow.response = response_update_text(
        response=flow.response,
        acting_user=flow.drafter,
        office_comments=ENGLISH_COMMENTS,
        office_comments_cy=WELSH_COMMENTS,
    )
    for finding in flow.report.findings.recommendations():
        explanation_save(
            response=flow.response,
            finding=finding,
            acting_user=flow.drafter,
            kind=Explanation.Kind.ACTION_PROPOSED,
            text="The force will publish a plan by March.",
            text_cy="Bydd yr heddlu'n cyhoeddi cynllun erbyn mis Mawrth."
            if welsh_explanation
            else "",
        )
    flow.response = flow.refreshed()


def _to_approved(flow: Flow, *, force_cy: str = "Mae'r heddlu'n derbyn yr argymhellion.") -> None:
    flow.do("invite the force")
    flow.response = response_record_force_comments(
        response=flow.response,
        acting_user=flow.drafter,
        text="The force accepts the recommendations.",
        text_cy=force_cy,
        received_on=FORCE_REPLIED_ON,
    )
    flow.do("submit for approval")
    flow.do("approve")


def test_the_four_welsh_bodies_publish_bilingually_and_no_english_body_does():
    bilingual_slugs = set(
        PolicingBody.objects.filter(publishes_bilingually=True).values_list("slug", flat=True)
    )
    assert bilingual_slugs == {"dyfed-powys-pcc", "gwent-pcc", "north-wales-pcc", "south-wales-pcc"}
    assert policing_body("dyfed-powys-pcc").name_cy == "Comisiynydd Heddlu a Throseddu Dyfed-Powys"


def test_publishing_is_refused_while_a_welsh_text_is_missing_and_the_message_lists_each(
    welsh_flow,
):
    _write_both(welsh_flow, welsh_explanation=False)
    _to_approved(welsh_flow, force_cy="")

    with pytest.raises(WorkflowError) as refusal:
        welsh_flow.do("publish")

    problems = refusal.value.problems
    assert any("Welsh text of the explanation for recommendation 1" in p for p in problems)
    assert any("Welsh text of the force's comments" in p for p in problems)
    assert not any("Commissioner's comments" in p for p in problems)  # both are written
    assert welsh_flow.refreshed().status == Status.APPROVED


def test_the_missing_texts_are_listed_in_the_readers_language(welsh_flow):
    _write_both(welsh_flow, welsh_explanation=False)
    _to_approved(welsh_flow, force_cy="")

    with translation.override("cy"), pytest.raises(WorkflowError) as refusal:
        welsh_flow.do("publish")

    problems = refusal.value.problems
    assert any(p.startswith("Mae'r fersiwn Gymraeg o esboniad argymhelliad 1") for p in problems)
    assert any(p.startswith("Mae'r fersiwn Gymraeg o sylwadau'r heddlu ar goll") for p in problems)
    assert not any("text of" in p or "publishes in Welsh" in p for p in problems)


def test_a_recorded_reason_lets_one_text_be_published_in_one_language(welsh_flow):
    _write_both(welsh_flow)
    _to_approved(welsh_flow, force_cy="")
    welsh_flow.do("send back")
    response_record_one_language(
        response=welsh_flow.refreshed(),
        key="force_comments",
        reason="Published as the Chief Constable sent them, in English.",
        acting_user=welsh_flow.drafter,
    )
    welsh_flow.response = welsh_flow.refreshed()
    welsh_flow.do("submit for approval")
    welsh_flow.do("approve")

    welsh_flow.do("publish")

    assert welsh_flow.refreshed().status == Status.PUBLISHED


def test_withdrawing_the_reason_needs_both_languages_again(welsh_flow):
    _write_both(welsh_flow)
    _to_approved(welsh_flow, force_cy="")
    welsh_flow.do("send back")
    response = response_record_one_language(
        response=welsh_flow.refreshed(),
        key="force_comments",
        reason="As received.",
        acting_user=welsh_flow.drafter,
    )
    response = response_record_one_language(
        response=response, key="force_comments", reason="", acting_user=welsh_flow.drafter
    )

    problems = publication_problems(response, published_on=PUBLISHED_ON)

    assert any("force's comments" in p for p in problems)


def test_an_english_text_missing_beside_a_welsh_one_is_listed_too(welsh_flow):
    welsh_flow.response = response_update_text(
        response=welsh_flow.response,
        acting_user=welsh_flow.drafter,
        office_comments_cy=WELSH_COMMENTS,
    )

    problems = publication_problems(welsh_flow.refreshed(), published_on=PUBLISHED_ON)

    assert any(
        p.startswith("The English text of the Police and Crime Commissioner's") for p in problems
    )
    # Welsh comments alone satisfy s55(5): the body has written its comments.
    assert not any("(s55(5))" in p for p in problems)


def test_an_english_only_body_is_not_asked_for_welsh(flow):
    flow.drive(Status.APPROVED)

    assert publication_problems(flow.refreshed(), published_on=PUBLISHED_ON) == []
    flow.do("publish")
    version = flow.refreshed().versions.get()
    version = version_freeze(version_id=version.pk)
    assert version.pdf_sha256 and version.html_sha256
    assert not (version.pdf_cy or version.html_snapshot_cy or version.pdf_cy_sha256)


def test_an_amendment_of_a_bilingual_response_needs_its_reason_in_welsh(welsh_flow):
    _write_both(welsh_flow)
    _to_approved(welsh_flow)
    welsh_flow.do("publish")
    response = response_amend(
        response=welsh_flow.refreshed(), reason="Corrected a date.", acting_user=welsh_flow.approver
    )

    problems = publication_problems(response, published_on=PUBLISHED_ON)
    assert any("Welsh text of the reason for the amendment" in p for p in problems)

    response = response_update_text(
        response=response,
        acting_user=welsh_flow.drafter,
        amendment_reason_cy="Cywirwyd dyddiad.",
    )
    assert publication_problems(response, published_on=PUBLISHED_ON) == []


def test_a_bilingual_body_gives_its_not_required_reason_in_both_languages(welsh_flow):
    with pytest.raises(WorkflowError, match="give the reason in Welsh too"):
        response_mark_not_required(
            response=welsh_flow.response,
            reason="Covered by the force-specific report.",
            acting_user=welsh_flow.drafter,
        )

    response = response_mark_not_required(
        response=welsh_flow.response,
        reason="Covered by the force-specific report.",
        reason_cy="Mae'r adroddiad penodol i'r heddlu yn ymdrin ag ef.",
        acting_user=welsh_flow.drafter,
    )
    assert response.not_required_reason_cy.startswith("Mae'r adroddiad")


def test_an_english_only_body_marks_not_required_as_before(response, drafter):
    response = response_mark_not_required(
        response=response, reason="Covered by the national report.", acting_user=drafter
    )
    assert response.status == Status.NOT_REQUIRED
    assert response.not_required_reason_cy == ""


def test_the_importer_accepts_welsh_for_any_text(dyfed_powys):
    approver = office_user(dyfed_powys, Membership.Role.OPCC_APPROVER)
    report = ReportFactory(forces=[dyfed_powys.force])
    finding = RecommendationFactory(report=report)

    response = response_import_published(
        report=report,
        policing_body=dyfed_powys,
        acting_user=approver,
        published_on=report.published_on,
        office_comments="",
        office_comments_cy=WELSH_COMMENTS,
        force_comments_cy="Mae'r heddlu'n derbyn yr argymhellion.",
        reply_to_force_cy="Diolch i'r Prif Gwnstabl.",
        explanations=[(finding, Explanation.Kind.ACTION_TAKEN, "", "")],
        explanations_cy={finding.pk: ("Mae'r gwaith wedi'i gwblhau.", "Cytuno.")},
    )

    assert response.office_comments == ""
    assert response.office_comments_cy == WELSH_COMMENTS
    assert response.force_comments_cy and response.reply_to_force_cy
    explanation = response.explanations.get()
    assert (explanation.text_cy, explanation.force_comment_cy) == (
        "Mae'r gwaith wedi'i gwblhau.",
        "Cytuno.",
    )


def _pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_bilingual_version_is_frozen_as_a_welsh_and_an_english_document(welsh_flow):
    _write_both(welsh_flow)
    _to_approved(welsh_flow)
    welsh_flow.do("publish")
    version = version_freeze(version_id=welsh_flow.refreshed().versions.get().pk)

    assert version.pdf_sha256 and version.pdf_cy_sha256
    assert version.pdf_sha256 != version.pdf_cy_sha256
    with pikepdf.open(io.BytesIO(bytes(version.pdf_cy))) as pdf:
        assert str(pdf.Root.Lang) == "cy"
    with pikepdf.open(io.BytesIO(bytes(version.pdf))) as pdf:
        assert str(pdf.Root.Lang) == "en-GB"
    welsh_text = " ".join(_pdf_text(bytes(version.pdf_cy)).split())
    english_text = " ".join(_pdf_text(bytes(version.pdf)).split())
    assert "Mae'r Comisiynydd yn croesawu'r adroddiad" in welsh_text
    assert "Argymhellion" in welsh_text
    assert "Comisiynydd Heddlu a Throseddu Dyfed-Powys" in welsh_text
    assert "The Commissioner welcomes the report" in english_text
    assert "croesawu" not in english_text
    # The HTML snapshots follow the documents.
    assert "Comisiynydd yn croesawu" in version.html_snapshot_cy
    assert "Commissioner welcomes the report" not in version.html_snapshot_cy
    assert ENGLISH_COMMENTS in version.html_snapshot

    # In the Welsh PDF the report's own English words are tagged as English, and only they.
    finding = welsh_flow.report.findings.get()
    own, by_language = language_of_structure(bytes(version.pdf_cy))
    assert own == [
        ("TD", "en-GB", "Dyfed-Powys PEEL 2023-2025"),
        ("Div", "en-GB", finding.text),
    ]
    assert by_language["en-GB"] == f"Dyfed-Powys PEEL 2023-2025 {finding.text}"
    assert "Mae'r Comisiynydd yn croesawu'r adroddiad" in by_language["cy"]
    assert "Uniondeb data troseddau" in by_language["cy"]
    assert "Wedi'i gyfeirio at: Yr heddlu." in by_language["cy"]
    # The English PDF is in English throughout, with no /Lang but the document's.
    assert language_of_structure(bytes(version.pdf))[0] == []
    assert set(language_of_structure(bytes(version.pdf))[1]) == {"en-GB"}


def test_a_text_published_in_english_only_is_marked_and_explained_in_the_welsh_document(
    welsh_flow,
):
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

    version = version_freeze(version_id=welsh_flow.refreshed().versions.get().pk)

    snapshot = version.html_snapshot_cy
    assert '<div class="app-response-document__text" lang="en-GB">' in snapshot
    assert "The force accepts the recommendations." in snapshot
    assert "Cyhoeddwyd yn Saesneg yn unig: fel y&#x27;u hanfonwyd gan yr heddlu" in snapshot
    # And in the Welsh PDF the force's comments are tagged as English, the note as Welsh.
    own, by_language = language_of_structure(bytes(version.pdf_cy))
    assert ("Div", "en-GB", "The force accepts the recommendations.") in own
    assert "The force accepts the recommendations." in by_language["en-GB"]
    assert "Cyhoeddwyd yn Saesneg yn unig: fel y'u hanfonwyd gan yr heddlu" in by_language["cy"]
    assert "The force accepts" not in by_language["cy"]


def test_the_welsh_document_marks_as_english_only_the_words_in_english(welsh_flow):
    """The report's title and its recorded type of inspection are the report's data, in
    English; the type's name and the addressees come from the catalogue, in Welsh."""
    welsh_flow.report.findings.update(timescale_text="By March 2024")
    snapshot = render_snapshot(document_for_preview(welsh_flow.response, language=bilingual.WELSH))

    assert '<td class="govuk-table__cell" lang="en-GB">Dyfed-Powys PEEL 2023-2025</td>' in snapshot
    assert '<td class="govuk-table__cell">Uniondeb data troseddau</td>' in snapshot
    assert "__meta\">Wedi'i gyfeirio at: Yr heddlu. Amserlen:" in snapshot
    assert '<span lang="en-GB">By March 2024.</span>' in snapshot

    welsh_flow.report.inspection_type_label = "Thematic"
    welsh_flow.report.save(update_fields=["inspection_type_label"])
    snapshot = render_snapshot(document_for_preview(welsh_flow.response, language=bilingual.WELSH))
    assert '<td class="govuk-table__cell" lang="en-GB">Thematic</td>' in snapshot
    english = render_snapshot(document_for_preview(welsh_flow.response))
    assert '<td class="govuk-table__cell">Thematic</td>' in english
    assert '__meta">Addressed to: The force. Timescale:' in english


def test_public_texts_list_every_text_the_public_reads():
    body = PolicingBody(name="X", holder_title="Police and Crime Commissioner")
    texts = [
        t.key for t in bilingual.public_texts(_FakeResponse(body), findings=[], explanations=[])
    ]
    assert texts == ["office_comments", "force_comments", "reply_to_force"]


class _FakeResponse:
    def __init__(self, body):
        self.policing_body = body
        self.force_comments_submitted_at = None
        self.force_comments_received_on = FORCE_REPLIED_ON
        self.force_comments_none_submitted = False
        self.published_on = None
        for name in ("office_comments", "reply_to_force", "force_comments"):
            setattr(self, name, "")
            setattr(self, f"{name}_cy", "")


def test_a_passage_of_a_welsh_text_is_redacted_in_the_welsh_document(welsh_flow):
    name = "Siân Jones"
    _write_both(welsh_flow)
    welsh_flow.response = response_update_text(
        response=welsh_flow.response,
        acting_user=welsh_flow.drafter,
        office_comments="The Commissioner met Siân Jones about custody.",
        office_comments_cy="Cyfarfu'r Comisiynydd â Siân Jones ynghylch y ddalfa.",
    )
    finding = welsh_flow.report.findings.recommendations().get()
    explanation_save(
        response=welsh_flow.response,
        finding=finding,
        acting_user=welsh_flow.drafter,
        kind=Explanation.Kind.ACTION_TAKEN,
        text="Reviewed after Siân Jones wrote to us.",
        text_cy="Adolygwyd ar ôl i Siân Jones ysgrifennu atom.",
    )
    for field in (
        "office_comments",
        "office_comments_cy",
        redaction.explanation_key(finding.pk),
        redaction.explanation_key(finding.pk, welsh=True),
    ):
        redaction_add(
            response=welsh_flow.refreshed(),
            field=field,
            passage=name,
            reason=Redaction.Reason.PERSONAL_DATA,
            acting_user=welsh_flow.drafter,
        )
    welsh_flow.response = welsh_flow.refreshed()
    _to_approved(welsh_flow)
    welsh_flow.do("publish")

    version = version_freeze(version_id=welsh_flow.refreshed().versions.get().pk, pdf=False)

    assert name not in version.html_snapshot_cy
    assert name not in version.html_snapshot
    assert "Cyfarfu" in version.html_snapshot_cy
    # The marker in the language of the text it stands in (responses/redaction.py).
    assert "Adolygwyd ar ôl i [wedi'i olygu: data personol]" in version.html_snapshot_cy
    assert "[redacted: personal data]" in version.html_snapshot


def test_the_force_of_a_bilingual_body_submits_its_comments_in_welsh(welsh_flow, client):
    from django.urls import reverse

    from responses.services import response_save_force_draft
    from tests.factories import force_user

    welsh_flow.do("invite the force")
    contributor = force_user(welsh_flow.response.policing_body.force)
    client.force_login(contributor)
    page = client.get(reverse("responses:force-edit", args=[welsh_flow.response.pk]))
    html = page.content.decode()
    assert 'lang="cy"' in html and "in Welsh (Cymraeg)" in html

    response = response_save_force_draft(
        response=welsh_flow.refreshed(),
        acting_user=contributor,
        text_cy="Mae'r heddlu'n derbyn yr argymhellion.",
        submit=True,
    )

    assert response.force_comments == ""
    assert response.force_comments_cy == "Mae'r heddlu'n derbyn yr argymhellion."
    assert response.force_comments_submitted_at is not None
    assert response.status == Status.DRAFTING


def test_the_force_of_an_english_only_body_sees_one_box(flow, client):
    from django.urls import reverse

    from tests.factories import force_user

    flow.do("invite the force")
    client.force_login(force_user(flow.response.policing_body.force))

    html = client.get(reverse("responses:force-edit", args=[flow.response.pk])).content.decode()

    assert "Welsh" not in html and 'lang="cy"' not in html.split("<main", 1)[1].split("</main>")[0]


def test_the_copies_of_a_bilingual_version_name_its_welsh_document(
    welsh_flow, settings, django_capture_on_commit_callbacks
):
    from django.core import mail

    from responses.services import response_send_copies

    settings.S55_COPY_HMICFRS_EMAIL = "s55@hmicfrs.example.org"
    _write_both(welsh_flow)
    _to_approved(welsh_flow)
    welsh_flow.do("publish")

    with django_capture_on_commit_callbacks(execute=True):
        response_send_copies(response=welsh_flow.refreshed(), acting_user=welsh_flow.drafter)

    version = welsh_flow.refreshed().versions.get()
    (message,) = [m for m in mail.outbox if m.to == ["s55@hmicfrs.example.org"]]
    assert f"SHA-256 of the Welsh PDF: {version.pdf_cy_sha256}" in message.body
    assert f"/cy/published/{welsh_flow.response.pk}/" in message.body
    assert f"/pdf/responses/{welsh_flow.response.pk}/versions/1-cy.pdf" in message.body

"""What the public reads of a bilingual body's response in each language, beyond its own texts
(Welsh Language Standards; docs/i18n.md): the redaction marker is written in the language of
the text it stands in, on every output, and an answer by reference ("see our response to ...")
is published in Welsh and English."""

from datetime import date

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Membership
from accounts.services import user_set_language
from inspections.links import finding_link_create
from inspections.models import FindingLink, Scope
from public.models import PublishedItem, PublishedResponse
from responses import redaction
from responses.models import Explanation, Redaction
from responses.pdf import version_freeze
from responses.services import (
    explanation_answer_by_reference,
    explanation_save,
    redaction_add,
    reference_options,
    response_approve,
    response_invite_force,
    response_publish,
    response_record_force_comments,
    response_submit_for_approval,
    response_update_text,
)
from tests.factories import (
    RecommendationFactory,
    ReportFactory,
    make_response,
    office_user,
    policing_body,
)

pytestmark = pytest.mark.django_db

NAME = "Siân Jones"


class WelshOffice:
    """Dyfed-Powys's office, which publishes in Welsh and English."""

    def __init__(self):
        self.body = policing_body("dyfed-powys-pcc")
        self.drafter = office_user(self.body, Membership.Role.OPCC_DRAFTER)
        self.approver = office_user(self.body, Membership.Role.OPCC_APPROVER)

    def prepare(self, report, *, explain=True):
        response = make_response(report=report, body=self.body, acting_user=self.drafter)
        response = response_invite_force(
            response=response,
            invited_on=report.published_on,
            reply_by=report.published_on,
            acting_user=self.drafter,
        )
        response = response_record_force_comments(
            response=response,
            acting_user=self.drafter,
            text="The force accepts the recommendations.",
            text_cy="Mae'r heddlu'n derbyn yr argymhellion.",
            received_on=report.published_on,
            author_name="A Chief",
        )
        if explain:
            for finding in report.findings.recommendations():
                explanation_save(
                    response=response,
                    finding=finding,
                    acting_user=self.drafter,
                    kind=Explanation.Kind.ACTION_PROPOSED,
                    text=f"Reviewed after {NAME} wrote to us.",
                    text_cy=f"Adolygwyd ar ôl i {NAME} ysgrifennu atom.",
                )
        return response_update_text(
            response=response,
            acting_user=self.drafter,
            office_comments=f"The Commissioner met {NAME} about custody.",
            office_comments_cy=f"Cyfarfu'r Comisiynydd â {NAME} ynghylch y ddalfa.",
        )

    def publish(self, response, on):
        response = response_submit_for_approval(
            response=response.__class__.objects.get(pk=response.pk), acting_user=self.drafter
        )
        response = response_approve(response=response, acting_user=self.approver)
        with TestCase.captureOnCommitCallbacks(execute=True):
            return response_publish(response=response, published_on=on, acting_user=self.approver)


def test_the_marker_is_written_in_the_language_of_the_text_it_stands_in():
    assert redaction.language_of("office_comments") == "en"
    assert redaction.language_of("office_comments_cy") == "cy"
    assert redaction.language_of(redaction.explanation_key(12, welsh=True)) == "cy"
    assert redaction.language_of(redaction.explanation_key(12, force=True)) == "en"
    assert redaction.marker_in("en", reason="personal_data") == "[redacted: personal data]"
    assert redaction.marker_in("cy", reason="personal_data") == "[wedi'i olygu: data personol]"
    assert redaction.marker_in("cy", reason="legal_advice") == "[wedi'i olygu: cyngor cyfreithiol]"
    assert redaction.marker_in("cy", reason="other", other_reason="commercial") == (
        "[wedi'i olygu: commercial]"
    )
    # A redaction frozen before the reason was kept shows the marker it was frozen with.
    old = redaction.from_json(
        [{"field": "office_comments_cy", "passage": NAME, "marker": "[redacted: personal data]"}]
    )
    assert redaction.apply(f"Gyda {NAME}.", old) == "Gyda [redacted: personal data]."


def test_a_redacted_passage_is_marked_in_welsh_in_the_welsh_outputs_and_english_in_english(
    client,
):
    office = WelshOffice()
    report = ReportFactory(
        title="Dyfed-Powys PEEL 2023-2025",
        forces=[office.body.force],
        published_on=date(2024, 2, 1),
    )
    finding = RecommendationFactory(report=report)
    response = office.prepare(report)
    for field in (
        "office_comments",
        "office_comments_cy",
        redaction.explanation_key(finding.pk),
        redaction.explanation_key(finding.pk, welsh=True),
    ):
        redaction_add(
            response=response.__class__.objects.get(pk=response.pk),
            field=field,
            passage=NAME,
            reason=Redaction.Reason.PERSONAL_DATA,
            acting_user=office.drafter,
        )
    response = office.publish(response, date(2024, 3, 1))
    version = version_freeze(version_id=response.versions.get().pk, pdf=False)

    welsh_marker, english_marker = "[wedi'i olygu: data personol]", "[redacted: personal data]"
    # (The markup filter keeps the apostrophe as written.)
    assert f"Adolygwyd ar ôl i {welsh_marker}" in version.html_snapshot_cy
    assert english_marker not in version.html_snapshot_cy
    assert f"Reviewed after {english_marker}" in version.html_snapshot
    assert welsh_marker not in version.html_snapshot

    record = PublishedResponse.objects.get(response=response)
    assert record.office_comments_cy == f"Cyfarfu'r Comisiynydd â {welsh_marker} ynghylch y ddalfa."
    assert record.office_comments == f"The Commissioner met {english_marker} about custody."
    item = PublishedItem.objects.get(record=record)
    assert item.explanation_cy == f"Adolygwyd ar ôl i {welsh_marker} ysgrifennu atom."
    assert item.explanation == f"Reviewed after {english_marker} wrote to us."

    api = client.get(f"/cy/api/responses/{response.pk}/").json()
    assert welsh_marker in api["office_comments_cy"] and english_marker in api["office_comments"]
    page = client.get(f"/cy/published/{response.pk}/").content.decode()
    assert welsh_marker in page and NAME not in page


def test_an_answer_by_reference_is_published_in_welsh_and_english(client):
    office = WelshOffice()
    national = ReportFactory(
        title="Vetting, misconduct and misogyny",
        scope=Scope.NATIONAL,
        report_type="thematic",
        published_on=date(2022, 11, 2),
        forces=[],
    )
    peel = ReportFactory(
        title="Dyfed-Powys PEEL 2023",
        report_type="peel",
        published_on=date(2023, 6, 1),
        forces=[office.body.force],
    )
    original = RecommendationFactory(report=national, text="Chief constables should re-vet.")
    copy = RecommendationFactory(report=peel, text="The chief constable should re-vet.")
    with TestCase.captureOnCommitCallbacks(execute=True):
        finding_link_create(
            finding=copy,
            linked_to=original,
            kind=FindingLink.Kind.REPEATS_NATIONAL,
            acting_user=office.drafter,
        )
    office.publish(office.prepare(national), date(2022, 12, 1))
    peel_response = office.prepare(peel, explain=False)
    explanation_answer_by_reference(
        response=peel_response,
        finding=copy,
        refers_to=reference_options(peel_response, copy)[0],
        acting_user=office.drafter,
    )
    peel_response = office.publish(peel_response, date(2023, 7, 1))

    label = f"{original.reference} of Vetting, misconduct and misogyny"
    # In Welsh, "of" is Welsh too; the report's title stays HMICFRS's English.
    label_cy = f"{original.reference} o Vetting, misconduct and misogyny"
    item = PublishedItem.objects.get(record__response=peel_response, finding=copy)
    assert item.explanation == f"See our response to {label}."
    assert item.explanation_cy == f"Gweler ein hymateb i {label_cy}."
    register = client.get("/cy/api/register/", {"office": "dyfed-powys-pcc"}).json()["results"]
    row = next(r for r in register if r["finding_id"] == copy.pk)
    assert row["explanation_cy"] == f"Gweler ein hymateb i {label_cy}."
    # The Welsh document's own sentence links to the Welsh page of the response referred to,
    # with only the English title marked as English.
    version = peel_response.versions.get()
    snapshot_cy = version.html_snapshot_cy
    assert "Atebwyd drwy gyfeirio: gweler ein hymateb i <a" in snapshot_cy
    assert 'href="/cy/published/' in snapshot_cy
    assert (
        f'>{original.reference} o <span lang="en-GB">Vetting, misconduct and misogyny</span></a>'
        in snapshot_cy
    )
    assert f">{original.reference} of Vetting, misconduct and misogyny</a>" in version.html_snapshot


def test_the_staff_see_each_marker_as_the_public_reads_it_marked_with_its_texts_language(client):
    """An "other" reason is the office's own words, written for the text it stands in: the
    English text's in English, the Welsh text's in Welsh (a bilingual body redacts each). The
    staff pages show each marker in its text's language, marked as such on a page in the other
    language, and the reasons to choose from in the page's language."""
    office = WelshOffice()
    report = ReportFactory(published_on=date(2020, 2, 20), forces=[office.body.force])
    response = office.prepare(report)
    for field, words in (
        ("office_comments", "an ongoing case"),
        ("office_comments_cy", "achos sy'n parhau"),
    ):
        redaction_add(
            response=response,
            field=field,
            passage=NAME,
            reason=Redaction.Reason.OTHER,
            other_reason=words,
            acting_user=office.drafter,
        )
    user_set_language(user=office.drafter, language="cy")
    client.force_login(office.drafter)

    page = client.get(reverse("responses:redactions", args=[response.pk])).content.decode()

    assert '<span lang="en-GB">[redacted: an ongoing case]</span>' in page
    assert escape("[wedi'i olygu: achos sy'n parhau]") in page
    assert '<span lang="en-GB">[wedi' not in page
    assert "Data personol" in page and "Arall" in page
    assert "Personal data" not in page and ">Other<" not in page

    user_set_language(user=office.drafter, language="en-gb")
    page = client.get(reverse("responses:redactions", args=[response.pk])).content.decode()
    assert '<span lang="cy">' + escape("[wedi'i olygu: achos sy'n parhau]") + "</span>" in page
    assert "[redacted: an ongoing case]" in page and "Personal data" in page

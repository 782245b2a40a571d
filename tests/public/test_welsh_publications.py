"""A bilingual body's publications on the public site in each language (Welsh Language
Standards; docs/i18n.md): the Welsh page, feed, CSV and API carry its Welsh texts, the English
ones its English texts, and a text in the other language is marked with its `lang`. An
English-only body's texts on a Welsh page are marked English. Search finds Welsh words."""

import csv
import io
import re
from datetime import date

import pytest
from django.db import connection
from django.utils.html import escape

from accounts.models import Membership
from inspections.models import ReportType, Scope
from responses.models import ResponseVersion
from responses.services import response_mark_not_required, response_withdraw
from responses.workflow import WorkflowError
from tests.factories import (
    RecommendationFactory,
    ReportFactory,
    make_response,
    office_user,
    policing_body,
)

from .conftest import (
    WELSH_COMMENTS,
    WELSH_EXPLANATION,
    publish,
    publish_bilingual,
    run_on_commit,
)

pytestmark = pytest.mark.django_db

ENGLISH_EXPLANATION = "The commissioner will review progress at each accountability meeting."


def _csv_rows(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


@pytest.fixture
def national():
    """A national report answered by Dyfed-Powys (in Welsh and English) and Norfolk (in English
    only)."""
    report = ReportFactory(
        title="Vetting, misconduct and misogyny",
        published_on=date(2022, 11, 2),
        report_type=ReportType.NATIONAL_THEMATIC,
        scope=Scope.NATIONAL,
        forces=[],
    )
    RecommendationFactory(report=report, text="Chief constables should check vetting.")
    dyfed = publish_bilingual(report=report, published_on=date(2022, 12, 20))
    norfolk = publish(
        body=policing_body("norfolk-pcc"),
        report=report,
        published_on=date(2022, 12, 21),
        explanation="Norfolk will review vetting at its board.",
    )
    return report, dyfed, norfolk


def test_the_welsh_report_page_shows_the_welsh_explanation_and_marks_english_ones(client, national):
    report, _dyfed, _norfolk = national
    welsh = client.get(f"/cy/published/reports/{report.pk}/").content.decode()
    assert f"<div>{escape(WELSH_EXPLANATION)}</div>" in welsh  # the page's own language: no lang
    assert ENGLISH_EXPLANATION not in welsh
    assert '<div lang="en-GB">Norfolk will review vetting at its board.</div>' in welsh

    english = client.get(f"/published/reports/{report.pk}/").content.decode()
    assert f"<div>{ENGLISH_EXPLANATION}</div>" in english
    assert escape(WELSH_EXPLANATION) not in english
    assert "<div>Norfolk will review vetting at its board.</div>" in english


def test_the_register_csv_and_api_carry_the_explanation_in_both_languages(client, national):
    report, dyfed, norfolk = national
    for prefix in ("", "/cy"):
        rows = _csv_rows(client.get(f"{prefix}/recommendations.csv"))
        by_body = {row["policing_body"]: row for row in rows}
        assert by_body["dyfed-powys-pcc"]["explanation"] == ENGLISH_EXPLANATION
        assert by_body["dyfed-powys-pcc"]["explanation_cy"] == WELSH_EXPLANATION
        assert by_body["norfolk-pcc"]["explanation"] == "Norfolk will review vetting at its board."
        assert by_body["norfolk-pcc"]["explanation_cy"] == ""

        api = client.get(f"{prefix}/api/register/").json()["results"]
        by_body = {row["policing_body"]: row for row in api}
        assert by_body["dyfed-powys-pcc"]["explanation"] == ENGLISH_EXPLANATION
        assert by_body["dyfed-powys-pcc"]["explanation_cy"] == WELSH_EXPLANATION
        assert by_body["norfolk-pcc"]["explanation_cy"] == ""

    finding = report.findings.recommendations().get()
    explanations = client.get(f"/api/recommendations/{finding.pk}/").json()["explanations"]
    by_body = {e["policing_body"]: e for e in explanations}
    assert by_body["dyfed-powys-pcc"]["text"] == ENGLISH_EXPLANATION
    assert by_body["dyfed-powys-pcc"]["text_cy"] == WELSH_EXPLANATION
    assert by_body["norfolk-pcc"]["text_cy"] == ""


def test_the_response_csv_and_api_carry_both_languages(client):
    dyfed = publish_bilingual(title="Custody inspection")
    norfolk = publish(body=policing_body("norfolk-pcc"), title="Vetting inspection")

    api = client.get(f"/cy/api/responses/{dyfed.pk}/").json()
    assert api["bilingual"] is True
    assert api["office_comments_cy"] == WELSH_COMMENTS
    assert api["office_comments"].startswith("The commissioner welcomes the report")
    assert api["items"][0]["explanation_cy"] == WELSH_EXPLANATION
    assert api["items"][0]["explanation"] == ENGLISH_EXPLANATION
    english_only = client.get(f"/api/responses/{norfolk.pk}/").json()
    assert english_only["bilingual"] is False and english_only["office_comments_cy"] == ""

    rows = {int(r["response_id"]): r for r in _csv_rows(client.get("/published.csv"))}
    assert rows[dyfed.pk]["published_in_welsh"] == "yes"
    assert rows[dyfed.pk]["pdf_url_cy"].endswith("-cy.pdf")
    assert rows[norfolk.pk]["published_in_welsh"] == "no" and rows[norfolk.pk]["pdf_url_cy"] == ""
    items = _csv_rows(client.get("/open-data/recommendations.csv"))
    welsh_rows = [r for r in items if r["explanation_cy"]]
    assert welsh_rows and all(r["explanation_cy"] == WELSH_EXPLANATION for r in welsh_rows)


def test_the_welsh_atom_feed_carries_the_welsh_texts_and_welsh_links(client):
    dyfed = publish_bilingual(title="Custody inspection")
    publish(body=policing_body("norfolk-pcc"), title="Vetting inspection")
    welsh = client.get("/cy/feeds/responses.atom").content.decode()
    assert re.search(r'<feed [^>]*xml:lang="cy"', welsh)
    assert WELSH_COMMENTS in welsh
    assert "The commissioner welcomes the report" in welsh  # Norfolk's, English only
    entries = re.findall(r"<entry>.*?</entry>", welsh, re.S)
    dyfed_entry = next(e for e in entries if f"/cy/published/{dyfed.pk}/" in e)
    assert WELSH_COMMENTS in dyfed_entry and "welcomes the report" not in dyfed_entry
    assert "Cyhoeddwyd ar 20 Chwefror 2020 gan Comisiynydd Heddlu a Throseddu Dyfed-Powys" in (
        dyfed_entry
    )
    assert "<name>Comisiynydd Heddlu a Throseddu Dyfed-Powys</name>" in dyfed_entry
    links = re.findall(r'<link href="([^"]+)"', welsh)
    assert links and all("/cy/" in link for link in links)
    office = client.get("/cy/feeds/dyfed-powys-pcc.atom").content.decode()
    assert WELSH_COMMENTS in office and f"/cy/published/{dyfed.pk}/" in office

    english = client.get("/feeds/responses.atom").content.decode()
    assert WELSH_COMMENTS not in english and "/cy/" not in english
    assert "Published on 20 February 2020" in english


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
def test_searching_a_welsh_word_finds_the_welsh_explanation_on_postgresql(client):
    """PostgreSQL has no Welsh stemmer: the Welsh texts are indexed word for word ('simple')
    beside the English ones (stemmed), and a search asks in both."""
    dyfed = publish_bilingual(title="Custody inspection")
    publish(body=policing_body("norfolk-pcc"), title="Vetting inspection")
    # "atebolrwydd" (accountability) is only in the Welsh explanation; "stopio" nowhere.
    for prefix in ("", "/cy"):
        register = client.get(f"{prefix}/api/register/", {"q": "atebolrwydd"}).json()
        assert register["count"] == 3  # Dyfed-Powys's 2 recommendations and 1 AFI
        assert {r["response_id"] for r in register["results"]} == {dyfed.pk}
        assert client.get(f"{prefix}/api/register/", {"q": "stopio"}).json()["count"] == 0
        responses = client.get(f"{prefix}/api/responses/", {"q": "atebolrwydd"}).json()
        assert [r["id"] for r in responses["results"]] == [dyfed.pk]
    page = client.get("/cy/recommendations/", {"q": "atebolrwydd"}).content.decode()
    assert "3 eitem" in page
    listing = client.get("/cy/published/", {"q": "atebolrwydd"}).content.decode()
    assert f"/cy/published/{dyfed.pk}/" in listing
    # An English word is still stemmed: "reviews" finds "review".
    assert client.get("/api/register/", {"q": "reviews"}).json()["count"] == 6


def test_the_welsh_register_search_works_on_sqlite_too(client):
    dyfed = publish_bilingual(title="Custody inspection")
    publish(body=policing_body("norfolk-pcc"), title="Vetting inspection")
    register = client.get("/cy/api/register/", {"q": "atebolrwydd"}).json()
    assert {r["response_id"] for r in register["results"]} == {dyfed.pk}


# --- A withdrawal's note --------------------------------------------------------------------

REASON = "A person's name was published by mistake."
REASON_CY = "Cyhoeddwyd enw person trwy gamgymeriad."


def _withdraw(response, **kwargs):
    return run_on_commit(
        response_withdraw, response=response, acting_user=response.approver, **kwargs
    )


def test_a_bilingual_body_withdraws_with_its_reason_in_both_languages_or_says_why_not():
    response = publish_bilingual(title="Custody inspection")
    with pytest.raises(WorkflowError, match="give the reason in Welsh too"):
        _withdraw(response, reason=REASON)
    assert not ResponseVersion.objects.get(response=response).is_withdrawn
    version = _withdraw(response, reason=REASON, reason_cy=REASON_CY)
    assert (version.withdrawal_reason, version.withdrawal_reason_cy) == (REASON, REASON_CY)

    english_only = publish(body=policing_body("norfolk-pcc"), title="Vetting inspection")
    assert _withdraw(english_only, reason=REASON).withdrawal_reason_cy == ""


def test_the_withdrawal_note_is_in_each_language_on_the_page_the_pdf_the_feed_and_the_api(
    client,
):
    response = publish_bilingual(title="Custody inspection")
    _withdraw(response, reason=REASON, reason_cy=REASON_CY)

    welsh = client.get(f"/cy/published/{response.pk}/")
    assert welsh.status_code == 410
    html = welsh.content.decode()
    assert f"Pam: <span>{escape(REASON_CY)}</span>" in html
    assert escape(REASON) not in html
    english = client.get(f"/published/{response.pk}/").content.decode()
    assert f"<span>{escape(REASON)}</span>" in english and escape(REASON_CY) not in english

    welsh_pdf = client.get(f"/pdf/responses/{response.pk}/versions/1-cy.pdf")
    assert welsh_pdf.status_code == 410
    html = welsh_pdf.content.decode()
    assert '<html lang="cy"' in html and escape(REASON_CY) in html and escape(REASON) not in html
    english_pdf = client.get(f"/pdf/responses/{response.pk}/versions/1.pdf").content.decode()
    assert escape(REASON) in english_pdf and escape(REASON_CY) not in english_pdf

    welsh_feed = client.get("/cy/feeds/responses.atom").content.decode()
    assert "Tynnwyd fersiwn 1 yn ôl ar" in welsh_feed and f"Pam: {REASON_CY}" in welsh_feed
    assert "(tynnwyd yn ôl: fersiwn 1)" in welsh_feed and "withdrawn" not in welsh_feed
    english_feed = client.get("/feeds/responses.atom").content.decode()
    assert f"Why: {REASON}" in english_feed and REASON_CY not in english_feed

    note = client.get(f"/cy/api/responses/{response.pk}/").json()["withdrawals"][0]
    assert (note["reason"], note["reason_cy"]) == (REASON, REASON_CY)


def test_a_reason_given_in_english_only_is_marked_english_with_why_on_the_welsh_page(client):
    response = publish_bilingual(title="Custody inspection")
    _withdraw(response, reason=REASON, one_language_reason="Withdrawn at once; Welsh to follow.")
    html = client.get(f"/cy/published/{response.pk}/").content.decode()
    assert f'<span lang="en-GB">{escape(REASON)}</span>' in html
    assert "rhoddwyd yn Saesneg yn unig: Withdrawn at once; Welsh to follow." in html

    norfolk = publish(body=policing_body("norfolk-pcc"), title="Vetting inspection")
    _withdraw(norfolk, reason=REASON)
    html = client.get(f"/cy/published/{norfolk.pk}/").content.decode()
    assert f'<span lang="en-GB">{escape(REASON)}</span>' in html
    english = client.get(f"/published/{norfolk.pk}/").content.decode()
    assert f"<span>{escape(REASON)}</span>" in english


# --- A body's reason for not responding ----------------------------------------------------

NOT_REQUIRED = "A force-specific report carries the same recommendations."
NOT_REQUIRED_CY = "Mae adroddiad penodol i'r heddlu yn cynnwys yr un argymhellion."


def _not_required(slug, report, **reasons):
    body = policing_body(slug)
    drafter = office_user(body, Membership.Role.OPCC_DRAFTER)
    response = make_response(report=report, body=body, acting_user=drafter)
    return response_mark_not_required(response=response, acting_user=drafter, **reasons)


def test_a_report_page_shows_each_body_s_reason_for_not_responding_in_each_language(
    client, national
):
    report, _dyfed, _norfolk = national
    # Cached before Gwent records its reason: the page's cache key follows it.
    assert NOT_REQUIRED not in client.get(f"/published/reports/{report.pk}/").content.decode()
    _not_required("gwent-pcc", report, reason=NOT_REQUIRED, reason_cy=NOT_REQUIRED_CY)
    _not_required(
        "south-wales-pcc",
        report,
        reason=NOT_REQUIRED,
        one_language_reason="Recorded before the translation was back.",
    )
    _not_required("suffolk-pcc", report, reason="Suffolk answers it in its PEEL response.")
    essex = policing_body("essex-pfcc")
    make_response(
        report=report, body=essex, acting_user=office_user(essex, Membership.Role.OPCC_DRAFTER)
    )  # not started: nothing of it is public

    def row(html, name):
        match = re.search(rf"<th[^>]*>{re.escape(escape(name))}</th>\s*(.*?)</tr>", html, re.S)
        assert match, name
        return " ".join(match.group(1).split())

    # The Welsh page names a body by its Welsh name where it has one.
    welsh = client.get(f"/cy/published/reports/{report.pk}/").content.decode()
    assert f"Dim angen ymateb: <span>{escape(NOT_REQUIRED_CY)}</span>" in row(
        welsh, policing_body("gwent-pcc").name_cy
    )
    south_wales = row(welsh, policing_body("south-wales-pcc").name_cy)
    assert f'<span lang="en-GB">{escape(NOT_REQUIRED)}</span>' in south_wales
    assert "rhoddwyd yn Saesneg yn unig: Recorded before the translation was back." in south_wales
    assert '<span lang="en-GB">Suffolk answers it in its PEEL response.</span>' in row(
        welsh, policing_body("suffolk-pcc").name
    )
    assert "Dim angen ymateb" not in row(welsh, essex.name)

    english = client.get(f"/published/reports/{report.pk}/").content.decode()
    assert f"No response required: <span>{escape(NOT_REQUIRED)}</span>" in row(
        english, policing_body("gwent-pcc").name
    )
    assert NOT_REQUIRED_CY not in english and escape(NOT_REQUIRED_CY) not in english
    assert "Not published here" in row(english, essex.name)


def test_the_welsh_register_shows_a_bilingual_body_s_explanation_in_welsh(client, national):
    _report, _dyfed, _norfolk = national
    welsh = client.get("/cy/recommendations/").content.decode()
    assert (
        f'<p class="govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0">{escape(WELSH_EXPLANATION)}</p>'
        in welsh
    )
    assert ENGLISH_EXPLANATION not in welsh
    assert (
        '<p class="govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0" lang="en-GB">'
        "Norfolk will review vetting at its board.</p>"
    ) in welsh
    english = client.get("/recommendations/").content.decode()
    assert (
        f'<p class="govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0">{ENGLISH_EXPLANATION}</p>'
        in english
    )
    assert escape(WELSH_EXPLANATION) not in english

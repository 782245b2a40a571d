"""A bilingual publication end to end in real Chromium, for a Welsh body (Welsh Language
Standards; responses/bilingual.py): the office drafts in both languages side by side,
publishing is refused while one text has no Welsh version, then it is published; the public
reads the Welsh and the English page, and downloads the Welsh and the English PDF, each with its
/Lang and its own text. An English-only body's editor is unchanged."""

import io

import pikepdf
import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Membership
from responses.models import Explanation, ResponseVersion, Status
from responses.services import (
    response_invite_force,
    response_record_force_comments,
    response_update_text,
)
from tests.factories import RecommendationFactory, ReportFactory, make_response, office_user
from tests.factories import policing_body as body_by_slug

from .conftest import Flow
from .test_views import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WELSH_COMMENTS = "Mae'r Comisiynydd yn croesawu'r adroddiad ac yn derbyn pob argymhelliad."
ENGLISH_COMMENTS = "The Commissioner welcomes the report and accepts every recommendation."
WELSH_EXPLANATION = "Bydd yr heddlu'n cyhoeddi cynllun erbyn mis Mawrth."
ENGLISH_EXPLANATION = "The force will publish a plan by March."


@pytest.fixture
def reference_data(transactional_db):
    from importlib import import_module

    from django.apps import apps

    import_module("accounts.migrations.0002_reference_data").load(apps, None)


def _welsh_flow() -> Flow:
    body = body_by_slug("dyfed-powys-pcc")
    body.holder_name = "Dafydd Llywelyn"
    body.save()
    drafter = office_user(body, Membership.Role.OPCC_DRAFTER, full_name="Carys Evans")
    approver = office_user(body, Membership.Role.OPCC_APPROVER, full_name="Rhodri Price")
    today = timezone.localdate()
    report = ReportFactory(
        title="Dyfed-Powys Police PEEL inspection", forces=[body.force], published_on=today
    )
    RecommendationFactory(report=report)
    flow = Flow(
        response=make_response(report=report, body=body, acting_user=drafter),
        drafter=drafter,
        approver=approver,
    )
    flow.response = response_invite_force(
        response=flow.response, invited_on=today, reply_by=today, acting_user=drafter
    )
    flow.response = response_record_force_comments(
        response=flow.response,
        acting_user=drafter,
        text="The force accepts the recommendation.",
        text_cy="Mae'r heddlu'n derbyn yr argymhelliad.",
        received_on=today,
    )
    return flow


def _check_axe(axe, page):
    violations = axe(page)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]


def _pdf(page, url: str) -> bytes:
    answer = page.request.get(url)
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/pdf"
    return answer.body()


def _lang_and_text(data: bytes) -> tuple[str, str]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        lang = str(pdf.Root.Lang)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return lang, " ".join(text.split())


def test_a_welsh_body_drafts_publishes_and_the_public_reads_both_languages(
    reference_data, live_server, page, axe
):
    flow = _welsh_flow()
    response = flow.response

    # The office's comments, Welsh and English side by side, each box with its language.
    _sign_in(page.context, live_server, flow.drafter)
    page.goto(live_server.url + reverse("responses:office-comments", args=[response.pk]))
    welsh = page.get_by_label("The Police and Crime Commissioner's comments in Welsh (Cymraeg)")
    english = page.get_by_label("The Police and Crime Commissioner's comments in English")
    assert welsh.get_attribute("lang") == "cy"
    assert english.get_attribute("lang") == "en-GB"
    assert welsh.bounding_box()["x"] < english.bounding_box()["x"]  # Welsh first, beside it
    _check_axe(axe, page)
    welsh.fill(WELSH_COMMENTS)
    english.fill(ENGLISH_COMMENTS)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/responses/{response.pk}/")

    # The explanation in English only, for now.
    finding = flow.report.findings.recommendations().get()
    page.goto(live_server.url + reverse("responses:explanation", args=[response.pk, finding.pk]))
    page.get_by_label("Action proposed").check()
    page.get_by_label("Explanation in English").fill(ENGLISH_EXPLANATION)
    _check_axe(axe, page)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/responses/{response.pk}/recommendations/**")

    flow.response = flow.refreshed()
    flow.do("submit for approval")
    flow.do("approve")

    # Publishing is refused: the explanation has no Welsh version.
    _sign_in(page.context, live_server, flow.approver)
    page.goto(live_server.url + reverse("responses:publish", args=[response.pk]))
    page.get_by_role("button", name="Record the publication").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "The Welsh text of the explanation for recommendation 1" in summary.inner_text()
    _check_axe(axe, page)
    assert not ResponseVersion.objects.filter(response=response).exists()

    # Back to drafting; the drafter adds the Welsh explanation.
    flow.do("send back")
    _sign_in(page.context, live_server, flow.drafter)
    page.goto(live_server.url + reverse("responses:explanation", args=[response.pk, finding.pk]))
    page.get_by_label("Explanation in Welsh (Cymraeg)").fill(WELSH_EXPLANATION)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/responses/{response.pk}/recommendations/**")
    assert Explanation.objects.get(response=response).text_cy == WELSH_EXPLANATION
    flow.response = flow.refreshed()
    flow.do("submit for approval")
    flow.do("approve")

    _sign_in(page.context, live_server, flow.approver)
    page.goto(live_server.url + reverse("responses:publish", args=[response.pk]))
    page.get_by_label("Address of the published response").fill("https://example.org/r")
    page.get_by_role("button", name="Record the publication").click()
    page.get_by_role("heading", name="Copies sent").wait_for()
    assert flow.refreshed().status == Status.PUBLISHED

    # The public reads each language at its own address.
    page.context.clear_cookies()
    assert page.goto(f"{live_server.url}/cy/published/{response.pk}/").status == 200
    assert page.locator("html").get_attribute("lang") == "cy"
    main = page.locator("main").inner_text()
    assert "Mae'r Comisiynydd yn croesawu'r adroddiad" in main
    assert WELSH_EXPLANATION in main
    assert ENGLISH_COMMENTS not in main
    assert "Argymhellion" in main
    _check_axe(axe, page)
    welsh_pdf_url = page.get_by_role("link", name="Lawrlwytho'r ymateb yn Gymraeg fel PDF")
    english_pdf_url = page.get_by_role("link", name="Lawrlwytho'r ymateb yn Saesneg fel PDF")
    welsh_href = welsh_pdf_url.get_attribute("href")
    english_href = english_pdf_url.get_attribute("href")

    assert page.goto(f"{live_server.url}/published/{response.pk}/").status == 200
    assert page.locator("html").get_attribute("lang") == "en-GB"
    main = page.locator("main").inner_text()
    assert ENGLISH_COMMENTS in main
    assert ENGLISH_EXPLANATION in main
    assert "croesawu" not in main
    _check_axe(axe, page)

    # Both PDFs, each in its language.
    lang, text = _lang_and_text(_pdf(page, live_server.url + welsh_href))
    assert lang == "cy"
    assert "Mae'r Comisiynydd yn croesawu'r adroddiad" in text
    assert "Comisiynydd Heddlu a Throseddu Dyfed-Powys" in text
    assert "Commissioner welcomes" not in text
    lang, text = _lang_and_text(_pdf(page, live_server.url + english_href))
    assert lang == "en-GB"
    assert "The Commissioner welcomes the report" in text
    assert "croesawu" not in text
    version = ResponseVersion.objects.get(response=response)
    assert version.pdf_sha256 and version.pdf_cy_sha256


def test_an_english_only_body_writes_one_language_as_before(reference_data, live_server, page, axe):
    body = body_by_slug("norfolk-pcc")
    drafter = office_user(body, Membership.Role.OPCC_DRAFTER)
    report = ReportFactory(forces=[body.force])
    response = make_response(report=report, body=body, acting_user=drafter)
    response_update_text(response=response, acting_user=drafter, office_comments="Draft.")
    _sign_in(page.context, live_server, drafter)

    page.goto(live_server.url + reverse("responses:office-comments", args=[response.pk]))

    assert page.locator("textarea").count() == 1
    assert page.get_by_role("heading", name="The Police and Crime Commissioner's comments")
    assert "Welsh" not in page.locator("main").inner_text()
    _check_axe(axe, page)

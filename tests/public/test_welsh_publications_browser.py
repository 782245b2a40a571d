"""A bilingual body's texts on the public pages in real Chromium, in both languages: axe-core
(WCAG 2.0 to 2.2 A and AA, with html-lang-valid and valid-lang) finds nothing on the report's
page (each body's explanation, a reason for not responding), the register, and the 410 page of
a withdrawn version with its note; the Welsh page shows the Welsh texts with no lang, English
ones marked en-GB."""

import pytest

from accounts.models import Membership, PolicingBody
from inspections.models import Scope
from public.models import PublishedResponse
from responses.models import Response
from responses.services import response_mark_not_required, response_withdraw
from tests.factories import office_user

from .conftest import ensure_reference_data, run_on_commit
from .test_journey_browser import assert_accessible

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def demo(transactional_db):
    from responses.demo import build_demo
    from tests.factories import DEMO_PASSWORD

    ensure_reference_data()
    build_demo(password=DEMO_PASSWORD)


def _check(axe, page, url, name, *, status=200):
    answer = page.goto(url)
    assert answer.status == status, name
    assert_accessible(axe, page, name)
    rules = axe(page, tags=["wcag2a", "wcag2aa"])
    assert not [v for v in rules if v["id"] in ("html-lang-valid", "valid-lang")], name


def test_a_bilingual_body_s_texts_pass_axe_on_the_welsh_and_english_pages(
    demo, live_server, page, axe
):
    record = PublishedResponse.objects.select_related("policing_body").get(
        policing_body__slug="dyfed-powys-pcc"
    )
    # The demo's national report (every body is concerned): Gwent recorded that it needs no
    # response from it, in both languages.
    national = PublishedResponse.objects.filter(report__scope=Scope.NATIONAL).first().report
    gwent = PolicingBody.objects.get(slug="gwent-pcc")
    drafter = office_user(gwent, Membership.Role.OPCC_DRAFTER)
    response_mark_not_required(
        # Recording the report opened every body's response to it.
        response=Response.objects.get(report=national, policing_body=gwent),
        reason="Gwent answers it in its own PEEL response.",
        reason_cy="Mae Gwent yn ei ateb yn ei ymateb PEEL ei hun.",
        acting_user=drafter,
    )

    for prefix, name in (("/cy", "cy"), ("", "en")):
        _check(axe, page, f"{live_server.url}{prefix}/published/reports/{national.pk}/", name)
        gwent_cy = page.get_by_text("Mae Gwent yn ei ateb yn ei ymateb PEEL ei hun.")
        gwent_en = page.get_by_text("Gwent answers it in its own PEEL response.")
        assert (gwent_cy.count(), gwent_en.count()) == ((1, 0) if name == "cy" else (0, 1))
        # Dyfed-Powys's own report: its explanations in Welsh on the Welsh page, no lang.
        _check(axe, page, f"{live_server.url}{prefix}/published/reports/{record.report_id}/", name)
        answers = page.locator("td div")
        assert answers.count() > 0
        assert page.locator("td div[lang]").count() == 0
        _check(
            axe, page, f"{live_server.url}{prefix}/recommendations/?office=dyfed-powys-pcc", name
        )

    # The office withdraws the version, giving the reason in both languages.
    approver = office_user(record.policing_body, Membership.Role.OPCC_APPROVER)
    run_on_commit(
        response_withdraw,
        response=Response.objects.get(pk=record.response_id),
        reason="A person's name was published by mistake.",
        reason_cy="Cyhoeddwyd enw person trwy gamgymeriad.",
        acting_user=approver,
    )
    _check(axe, page, f"{live_server.url}/cy/published/{record.response_id}/", "cy 410", status=410)
    assert page.get_by_text("Cyhoeddwyd enw person trwy gamgymeriad.").count() == 1
    _check(axe, page, f"{live_server.url}/published/{record.response_id}/", "en 410", status=410)
    assert page.get_by_text("A person's name was published by mistake.").count() == 1
    _check(
        axe,
        page,
        f"{live_server.url}/pdf/responses/{record.response_id}/versions/1-cy.pdf",
        "cy pdf 410",
        status=410,
    )
    assert page.locator("html").get_attribute("lang") == "cy"

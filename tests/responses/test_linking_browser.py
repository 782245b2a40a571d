"""Linking a force's recommendation to the national one it repeats, in real Chromium, as the
office's drafter: the suggestion (similar text, same force) is confirmed, the recommendation is
answered by reference to the office's published explanation of the national one, and the
published page says so with a link that reaches that explanation. What follows each commit runs
as a worker would run it (Celery's eager mode). axe-core checks each page; each fits 320 px."""

from datetime import date

import pytest
from django.conf import settings

from config.celery import app as celery_app
from inspections.models import FindingLink, ReportType, Scope
from inspections.services import report_create
from responses.models import Explanation, Response, Status
from tests.factories import RecommendationFactory

from .test_by_reference import Office

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NATIONAL_TEXT = (
    "By March 2024, chief constables should make sure their forces vet every officer again "
    "before promotion and record the vetting decision with its reasons."
)
COPY_TEXT = (
    "By March 2024, the chief constable should make sure the force vets every officer again "
    "before promotion and records the vetting decision with its reasons."
)


def _sign_in(page, live_server, client, user):
    page.context.clear_cookies()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def _check(page, axe, screenshot_dir, name):
    violations = axe(page)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]
    page.screenshot(path=str(screenshot_dir / f"linking-{name}.png"), full_page=True)
    page.set_viewport_size({"width": 320, "height": 800})
    wide = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert wide <= 320, f"{name} is {wide} px wide at 320 px"


@pytest.fixture
def eager():
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def world(eager):
    office = Office()
    office.drafter.full_name = "Nia Norfolk"
    office.drafter.save()
    national = report_create(
        acting_user=office.drafter,
        title="Vetting, misconduct and misogyny in the police service",
        published_on=date(2022, 11, 2),
        report_type=ReportType.NATIONAL_THEMATIC,
        scope=Scope.NATIONAL,
    )
    original = RecommendationFactory(report=national, reference="R5", text=NATIONAL_TEXT)
    peel = report_create(
        acting_user=office.drafter,
        title="PEEL 2023: Norfolk Constabulary",
        published_on=date(2023, 6, 1),
        report_type=ReportType.PEEL,
        forces=[office.body.force],
    )
    copy = RecommendationFactory(report=peel, reference="R2", text=COPY_TEXT)
    national_response = office.publish(office.approve(office.prepare(national)), date(2022, 12, 1))
    peel_response = office.prepare(peel, explain=False)
    return office, original, copy, national_response, peel_response


def test_suggest_confirm_answer_by_reference_and_the_public_page_links_to_it(
    live_server, page, client, axe, screenshot_dir, world
):
    office, original, copy, national_response, peel_response = world
    url = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, live_server, client, office.drafter)

    # --- the suggestion, confirmed by a person ---------------------------------------------
    page.goto(f"{url}/reports/{copy.report_id}/")
    page.get_by_role("link", name="The same recommendation in other reports (R2)").click()
    assert "R2: the same recommendation in other reports" in page.inner_text("h1")
    assert "Not linked to any other recommendation." in page.inner_text("main")
    suggestion = page.get_by_role(
        "group", name="R5 of Vetting, misconduct and misogyny in the police service"
    )
    assert "% alike" in suggestion.inner_text()
    assert not FindingLink.objects.exists()  # suggested, never linked by itself
    _check(page, axe, screenshot_dir, "suggested")
    suggestion.get_by_label("Repeats a national recommendation").check()
    page.get_by_role("button", name="Confirm this link").click()
    assert "R2 is now linked to R5" in page.inner_text("main")
    assert "Linked by Nia Norfolk" in page.inner_text("main")
    link = FindingLink.objects.get()
    assert (link.finding, link.linked_to, link.kind) == (copy, original, "repeats_national")
    _check(page, axe, screenshot_dir, "linked")

    # --- answered by reference ---------------------------------------------------------------
    page.goto(f"{url}/responses/{peel_response.pk}/findings/{copy.pk}/")
    assert page.get_by_role("heading", name="Answer by reference").is_visible()
    _check(page, axe, screenshot_dir, "explanation")
    page.get_by_label("Our explanation of R5 of Vetting, misconduct and misogyny").check()
    page.get_by_role("button", name="Answer by reference").click()
    assert "R2 is answered by reference to R5" in page.inner_text("main")
    assert "Answered by reference: see our response to R5 of Vetting" in page.inner_text("main")
    explanation = Explanation.objects.get(response=peel_response, finding=copy)
    assert explanation.refers_to.response == national_response

    # --- published, the public page says so and links to the national explanation --------------
    response = office.approve(Response.objects.get(pk=peel_response.pk))
    response = office.publish(response, date(2023, 7, 1))
    assert response.status == Status.PUBLISHED
    page.context.clear_cookies()
    page.goto(f"{url}/published/{response.pk}/")
    main = page.inner_text("main")
    assert (
        "Answered by reference: see our response to R5 of Vetting, misconduct and misogyny" in main
    )
    _check(page, axe, screenshot_dir, "public")
    page.get_by_role(
        "link", name="R5 of Vetting, misconduct and misogyny in the police service"
    ).click()
    assert page.url.endswith(f"/published/{national_response.pk}/#recommendation-{original.pk}")
    target = page.locator(f"#recommendation-{original.pk}")
    assert "The commissioner will check the force re-vets officers." in target.inner_text()

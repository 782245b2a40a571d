"""The staff pages in Welsh in real Chromium: signed in as the demo's Norfolk drafter with
Welsh chosen, the main staff pages (dashboard, reports, a response and its sections, its
history, the tracker and an item, the person's account and reminder settings, the staff
accessibility statement) are lang="cy", pass axe-core (WCAG 2.0, 2.1 and 2.2 A and AA, which
include html-lang-valid and valid-lang) and link to the staff accessibility statement; the
switcher goes to the same page in English and back.

tests/test_welsh_staff_pages.py reads every staff page's text; this reads the main ones as a
browser and a screen reader would.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.services import user_set_language
from tests.public.conftest import ensure_reference_data
from tests.public.test_journey_browser import assert_accessible

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def drafter(transactional_db):
    from accounts.models import User
    from responses.demo import build_demo
    from tests.factories import DEMO_PASSWORD

    ensure_reference_data()
    build_demo(password=DEMO_PASSWORD, logo=False)
    user = User.objects.get(username="drafter")
    user_set_language(user=user, language="cy")
    return user


def _sign_in(page, live_server, user):
    client = Client()
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


def _staff_pages(user) -> dict[str, str]:
    from responses.models import Response, Status
    from tracking.models import TrackerItem

    office = user.memberships.get().policing_body
    drafting = Response.objects.filter(policing_body=office, status=Status.DRAFTING).first()
    published = Response.objects.filter(policing_body=office, status=Status.PUBLISHED).first()
    item = TrackerItem.objects.filter(policing_body=office).first()
    assert drafting and published and item, "the demo has a draft, a published response and items"
    finding = drafting.report.findings.recommendations().first()
    return {
        "dashboard": reverse("responses:dashboard"),
        "reports": reverse("inspections:report-list"),
        "response": reverse("responses:detail", args=[drafting.pk]),
        "office comments": reverse("responses:office-comments", args=[drafting.pk]),
        "explanation": reverse("responses:explanation", args=[drafting.pk, finding.pk]),
        "history": reverse("responses:history", args=[published.pk]),
        "tracker": reverse("tracking:item-list"),
        "tracker item": reverse("tracking:item-detail", args=[item.pk]),
        "account": reverse("accounts:account"),
        "reminder settings": reverse("reminders:preferences"),
    }


def test_the_main_staff_pages_in_welsh_pass_axe_link_the_statement_and_switch_in_place(
    drafter, live_server, page, axe
):
    _sign_in(page, live_server, drafter)
    statement = "/cy/accessibility/staff/"
    for name, path in _staff_pages(drafter).items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, name
        assert page.locator("html").get_attribute("lang") == "cy", name
        assert page.locator(f"footer a[href='{statement}']").count() == 1, name
        assert_accessible(axe, page, f"cy {name}")
        rules = axe(page, tags=["wcag2a", "wcag2aa"])
        assert not [v for v in rules if v["id"] in ("html-lang-valid", "valid-lang")], name

    # The staff accessibility statement, from the footer of a staff page, in Welsh.
    page.locator(f"footer a[href='{statement}']").click()
    assert page.url == live_server.url + statement
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Datganiad hygyrchedd ar gyfer y tudalennau staff"
    )
    assert_accessible(axe, page, "cy staff statement")

    # The switcher keeps the staff page (one test with the above: the demo is built once).
    path = _staff_pages(drafter)["history"]
    page.goto(live_server.url + path)
    heading = page.get_by_role("heading", level=2, name="Hanes")
    assert heading.count() == 1
    english = page.locator(".app-language-switcher a")
    assert (english.inner_text(), english.get_attribute("lang")) == ("English", "en-GB")
    english.click()
    assert page.url == live_server.url + path
    assert page.locator("html").get_attribute("lang") == "en-GB"
    assert page.get_by_role("heading", level=2, name="History").count() == 1
    # The history's own words follow the page: the first entry's heading is English now.
    assert "Cyhoeddwyd" not in page.locator(".app-timeline").inner_text()
    page.locator(".app-language-switcher a").click()
    assert page.url == live_server.url + path
    assert page.locator("html").get_attribute("lang") == "cy"

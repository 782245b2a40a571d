"""The public pages in Welsh in real Chromium: axe-core (WCAG 2.0, 2.1 and 2.2 A and AA, which
include html-lang-valid and valid-lang) finds nothing, the page is lang="cy" with people's
English text marked en-GB, and the switcher goes to the same page in the other language."""

import pytest

from .conftest import ensure_reference_data
from .test_journey_browser import assert_accessible

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WELSH_PAGES = {
    "home": "/cy/",
    "list": "/cy/published/",
    "no-results": "/cy/published/?q=xylophone",
    "filter-error": "/cy/published/?year=1066",
    "open-data": "/cy/open-data/",
    "statistics": "/cy/statistics/",
    "api-docs": "/cy/api/docs/",
    "accessibility": "/cy/accessibility/",
    "accessibility-staff": "/cy/accessibility/staff/",
    "not-found": "/cy/published/999999/",
}


@pytest.fixture
def demo(transactional_db):
    from responses.demo import build_demo
    from tests.factories import DEMO_PASSWORD

    ensure_reference_data()
    build_demo(password=DEMO_PASSWORD)


def test_the_welsh_public_pages_pass_axe_with_valid_languages(demo, live_server, page, axe):
    for name, path in WELSH_PAGES.items():
        response = page.goto(live_server.url + path)
        assert response.status == (404 if name == "not-found" else 200), name
        assert page.locator("html").get_attribute("lang") == "cy", name
        assert_accessible(axe, page, f"cy {name}")
        # The two language rules named by the Welsh Language Standards issue, run on their own.
        rules = axe(page, tags=["wcag2a", "wcag2aa"])
        assert not [v for v in rules if v["id"] in ("html-lang-valid", "valid-lang")], name
    # A published response's page, reached from the Welsh list.
    page.goto(live_server.url + "/cy/published/?q=PEEL")
    page.locator(".app-result h3 a").first.click()
    assert page.url.startswith(live_server.url + "/cy/published/")
    assert page.locator("h1 span[lang='en-GB']").count() == 1
    assert page.locator(".app-published-response[lang='en-GB']").count() == 1
    assert_accessible(axe, page, "cy response")


def test_the_switcher_returns_to_the_same_page_in_the_other_language(demo, live_server, page):
    page.goto(live_server.url + "/published/?q=PEEL")
    cymraeg = page.locator(".app-language-switcher a")
    assert cymraeg.inner_text() == "Cymraeg"
    assert cymraeg.get_attribute("lang") == "cy"
    assert cymraeg.get_attribute("hreflang") == "cy"
    cymraeg.click()
    assert page.url == live_server.url + "/cy/published/?q=PEEL"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Canlyniadau chwilio")
    # People's words (the titles) are marked English for screen readers on the Welsh page.
    assert page.locator(".app-result h3 span[lang='en-GB']").count() > 0
    page.locator(".app-language-switcher a").click()
    assert page.url == live_server.url + "/published/?q=PEEL"
    assert page.locator("html").get_attribute("lang") == "en-GB"
    # The browser remembers the choice for the pages outside the public site.
    page.locator(".app-language-switcher a").click()
    page.goto(live_server.url + "/accounts/sign-in/")
    assert page.locator("html").get_attribute("lang") == "cy"

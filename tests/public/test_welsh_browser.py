"""The public pages in Welsh in real Chromium: on every page the Welsh crawl reads
(tests/public/test_welsh_pages.py's `welsh_public_pages`), axe-core (WCAG 2.0, 2.1 and 2.2 A
and AA, which include html-lang-valid and valid-lang) finds nothing and the page is lang="cy",
with people's English text marked en-GB; the switcher goes to the same page in the other
language."""

import pytest

from tests.conftest import AXE_PATH, AXE_TAGS

from .conftest import ensure_reference_data, publish
from .test_welsh_pages import welsh_public_pages

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


def test_every_welsh_public_page_passes_axe_with_valid_languages(
    transactional_db, live_server, page, axe
):
    ensure_reference_data()
    published = publish(title="Custody inspection")
    # axe-core loads with each page (the fixture then does not send it again).
    page.context.add_init_script(path=str(AXE_PATH))
    problems = {}
    for path in welsh_public_pages(published):
        response = page.goto(live_server.url + path)
        # The 404 page, and the page of an emailed link that does not work, are pages too.
        assert response.status in (200, 404), path
        assert page.locator("html").get_attribute("lang") == "cy", path
        violations = axe(page)
        if violations:
            problems[path] = [(v["id"], v["help"], len(v["nodes"])) for v in violations]
    assert problems == {}, "\n".join(f"{path}: {found}" for path, found in problems.items())
    rules = page.evaluate("tags => axe.getRules(tags).map(r => r.ruleId)", list(AXE_TAGS))
    assert {"html-lang-valid", "valid-lang"} <= set(rules), "axe runs the language rules"

    # The published response's page, reached from the Welsh list: its people's words marked
    # English.
    page.goto(live_server.url + "/cy/published/?q=Custody")
    page.locator(".app-result h3 a").first.click()
    assert page.url == live_server.url + f"/cy/published/{published.pk}/"
    assert page.locator("h1 span[lang='en-GB']").count() == 1
    assert page.locator(".app-published-response[lang='en-GB']").count() == 1


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

"""Every staff page in Welsh in real Chromium: the pages tests/test_welsh_staff_pages.py reads
(every URL of the staff application, filled with the Norfolk office's planted records, as the
office's admin, drafter and approver and Norfolk's force with Welsh chosen) are lang="cy",
link to the staff accessibility statement and pass axe-core (WCAG 2.0, 2.1 and 2.2 A and AA,
which include html-lang-valid and valid-lang); the statement itself in Welsh; the switcher
goes to the same page in English and back.

The crawl's own reading of each page chooses what the browser visits: a page is visited unless
one of the same URL whose main content has the same markup (its words and ids' numbers aside)
has been checked already, so each role is visited where its page differs (an approver's
buttons, a force's narrower view, an admin's settings) and not again where it is the same.
"""

import re
from collections import defaultdict
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.conftest import AXE_PATH, AXE_TAGS, VIEWPORT
from tests.test_isolation_crawl import viewers  # noqa: F401 - the fixture
from tests.test_welsh_staff_pages import STAFF_STATEMENT, plant_and_choose_welsh, welsh_staff_pages

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

#: The language rules issue 15 names: each must be among the rules every page is checked with.
LANGUAGE_RULES = {"html-lang-valid", "valid-lang"}

#: The page's language and how many times its footer links to the statement (one round trip).
LANG_AND_STATEMENT_LINKS = """statement => [
    document.documentElement.lang,
    document.querySelectorAll(`footer a[href="${statement}"]`).length,
]"""


class _MainMarkup(HTMLParser):
    """The tags and attributes inside <main>, with each run of words (between tags or in an
    attribute such as a button's value or an image's alt text) as one mark and the numbers in
    other attributes (ids, addresses) as 0: what axe reads of a page's own content, the words
    aside."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inside = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.inside += tag == "main"
        if self.inside:
            kept = sorted((name, _attribute(name, value)) for name, value in attrs)
            self.parts.append(f"<{tag} {kept}>")

    def handle_endtag(self, tag):
        if self.inside:
            self.parts.append(f"</{tag}>")
        self.inside -= tag == "main"

    def handle_data(self, data):
        if self.inside and data.strip():
            self.parts.append("text")


def _attribute(name: str, value: str | None) -> str:
    if name in ("value", "alt", "title", "placeholder", "aria-label"):
        return "text" if (value or "").strip() else ""  # words, like the text between tags
    return re.sub(r"\d+", "0", value or "")


def main_markup(html: str) -> str:
    parser = _MainMarkup()
    parser.feed(html)
    return "".join(parser.parts)


def signed_in_context(browser, live_server, user):
    """A browser context of its own with `user`'s session. It bypasses the Content-Security-Policy,
    as the `page` fixture's does, and loads axe-core into each page as the page loads (once a
    page, without sending it from here every time)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=VIEWPORT, bypass_csp=True)
    context.add_init_script(path=str(AXE_PATH))
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def test_every_staff_page_in_welsh_passes_axe_links_the_statement_and_switches_in_place(
    viewers,  # noqa: F811
    live_server,
    browser,
    axe,
):
    roles, values = plant_and_choose_welsh(viewers)
    to_visit = defaultdict(list)
    checked = set()
    for page in welsh_staff_pages(roles, values):
        markup = (page.url, main_markup(page.html))
        # Each role's first page is visited whatever its content, for the role's own header.
        if markup not in checked or page.who not in to_visit:
            checked.add(markup)
            to_visit[page.who].append(page)
    assert len({page.url for pages in to_visit.values() for page in pages}) > 90

    problems = {}
    for who, pages in to_visit.items():
        context = signed_in_context(browser, live_server, roles[who])
        tab = context.new_page()
        try:
            for page in pages:
                where = f"{page.address} as {who}"
                response = tab.goto(live_server.url + page.address)
                if response.status != page.status:
                    problems[where] = [f"answered {response.status}, not {page.status}"]
                    continue
                found = []
                lang, links = tab.evaluate(LANG_AND_STATEMENT_LINKS, STAFF_STATEMENT)
                if lang != "cy":
                    found.append(f"the page is lang={lang}")
                if links != 1:
                    found.append(f"the footer links {links} times to {STAFF_STATEMENT}")
                found += [
                    f"{v['id']}: {v['help']} ({len(v['nodes'])}: {v['nodes'][0]['target']})"
                    for v in axe(tab)
                ]
                if found:
                    problems[where] = found
            rules = tab.evaluate("tags => axe.getRules(tags).map(r => r.ruleId)", list(AXE_TAGS))
            assert set(rules) >= LANGUAGE_RULES, "axe runs the language rules on every page"
        finally:
            context.close()
    assert problems == {}, "\n".join(f"{where}: {found}" for where, found in problems.items())

    context = signed_in_context(browser, live_server, roles["drafter"])
    tab = context.new_page()
    try:
        # The staff accessibility statement, from the footer of a staff page, in Welsh.
        tab.goto(live_server.url + reverse("responses:dashboard"))
        tab.locator(f"footer a[href='{STAFF_STATEMENT}']").click()
        assert tab.url == live_server.url + STAFF_STATEMENT
        assert tab.locator("html").get_attribute("lang") == "cy"
        assert tab.get_by_role("heading", level=1).inner_text() == (
            "Datganiad hygyrchedd ar gyfer y tudalennau staff"
        )
        assert axe(tab) == []

        # The switcher keeps the staff page: the history of the response published and then
        # amended.
        path = reverse("responses:history", args=[values["response"][1]])
        tab.goto(live_server.url + path)
        assert tab.get_by_role("heading", level=2, name="Hanes").count() == 1
        assert "Cyhoeddwyd" in tab.locator(".app-timeline").inner_text()
        english = tab.locator(".app-language-switcher a")
        assert (english.inner_text(), english.get_attribute("lang")) == ("English", "en-GB")
        english.click()
        assert tab.url == live_server.url + path
        assert tab.locator("html").get_attribute("lang") == "en-GB"
        assert tab.get_by_role("heading", level=2, name="History").count() == 1
        # The history's own words follow the page: its entries are in English now.
        assert "Cyhoeddwyd" not in tab.locator(".app-timeline").inner_text()
        tab.locator(".app-language-switcher a").click()
        assert tab.url == live_server.url + path
        assert tab.locator("html").get_attribute("lang") == "cy"
    finally:
        context.close()

"""Every staff page in Welsh: signed in as each role with Welsh chosen, every page of the staff
application (found from the URL resolver, as the isolation crawl finds them, and filled with
the Norfolk office's planted records) is `<html lang="cy">`, shows none of the catalogue's
English outside people's own content, and links to the staff pages' accessibility statement in
Welsh.

People's content is what they or the reference data wrote in English (reports' titles and
findings, the offices' and forces' names, people's names, the planted texts): the crawl takes
every such value from the database and removes it from the page's text before comparing the
rest with the English of the catalogue (tests/public/test_welsh_pages.py::english_sentences),
so what is left is the interface. Downloads (CSV, XLSX, PDF, calendars) are not pages and are
left out; the PDFs are documents with their own language (docs/i18n.md).

The same reading then chooses what real Chromium visits: a page is visited unless one of the
same URL whose main content has the same markup (its words and ids' numbers aside) has been
checked already, so each role is visited where its page differs (an approver's buttons, a
force's narrower view, an admin's settings, the national roles' own pages) and not again where
it is the same. Each page visited is lang="cy", links to the staff accessibility statement and
passes axe-core (WCAG 2.0, 2.1 and 2.2 A and AA, which include html-lang-valid and
valid-lang); the statement itself is checked in Welsh and the switcher goes to the same page
in English and back. The pages are read once, in one test, for both: two tests would each read
them again, as pytest-xdist may run them in different processes. Where Chromium is missing,
the browser part is skipped (and fails with S55_REQUIRE_SERVICES=1, as the browser fixtures
do) only after every page's text has been checked.
"""

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from accounts.services import policing_body_set_national_sharing, user_set_language
from tests.conftest import AXE_PATH, AXE_TAGS, VIEWPORT
from tests.factories import national_user
from tests.public.test_welsh_pages import (
    english_sentences,
    interface_text,
    unmarked_names,
)
from tests.test_isolation_crawl import (
    addresses,
    argument_kind,
    plant_norfolk,
    staff_urls,
    viewers,  # noqa: F401 - the fixture
    visit,
)

#: Text fields holding what people (or the reference data) wrote, in English: removed from a
#: page's text before the comparison, as a screen reader would read them as written.
CONTENT_FIELDS = {
    "accounts.PolicingBody": ["name", "short_name", "office_name", "holder_name", "holder_title"],
    "accounts.Force": ["name", "short_name", "chief_officer_title"],
    "accounts.User": ["first_name", "last_name", "full_name", "job_title", "username", "email"],
    "inspections.Report": ["title", "summary", "inspection_type_label"],
    "inspections.Finding": ["text", "reference", "timescale_text"],
    "inspections.GradedJudgement": ["area"],
    "inspections.Theme": ["name"],
    "accounts.PlanPriority": ["title", "description"],
}


#: Catalogue sentences still found in English on some Welsh staff page: none. Any English
#: sentence of the catalogue on a Welsh staff page fails the crawl; should one ever have to be
#: listed here while it is translated, an entry no page shows any more fails it too.
KNOWN_ENGLISH: set[str] = set()


#: The staff pages' accessibility statement in Welsh, linked from every staff page's footer.
STAFF_STATEMENT = "/cy/accessibility/staff/"

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


def content_values() -> list[str]:
    values = set()
    for label, fields in CONTENT_FIELDS.items():
        model = apps.get_model(label)
        names = {f.name for f in model._meta.get_fields()}
        for row in model.objects.values_list(*[f for f in fields if f in names]):
            for value in row:
                for line in str(value or "").splitlines():
                    if len(line.strip()) >= 4:
                        values.add(" ".join(line.split()))
    # Longest first, so a name is removed before a shorter name inside it.
    return sorted(values, key=len, reverse=True)


def without_content(text: str, content: list[str]) -> str:
    for value in content:
        text = text.replace(value, " ")
    # The planted texts: a marker, then the label of where it was planted, then the marker.
    return re.sub(r"QJ[A-Z]+\d+ .*? QJ[A-Z]+\d+", " ", text)


def plant_and_choose_welsh(people) -> tuple[dict[str, object], dict[str, list]]:
    """Norfolk's records, planted as the isolation crawl plants them, and the people who read
    them with Welsh chosen: the office's admin, drafter and approver, Norfolk's force, national
    read-only staff and the register maintainer (the national roles, in no office or force).
    `people` is the isolation crawl's `viewers`; Norfolk shares its open work nationally here,
    so that the national view shows it. Returns the people by role and the values of each kind
    of URL argument."""
    owner, drafter, approver, watching = people
    force = watching["Norfolk Constabulary"][0]
    national = watching["National read-only"][0]
    maintainer = national_user(Membership.Role.REGISTER_MAINTAINER, username="maintainer")
    with transaction.atomic():
        values = plant_norfolk(
            drafter=drafter, approver=approver, admin=owner, force_contributor=force
        )
        policing_body_set_national_sharing(
            body=owner.memberships.get().policing_body, acting_user=owner, share=True
        )
        # What follows a commit (the publication's hooks) never runs inside a test's own
        # transaction, and plant_norfolk does what the crawl needs of it itself (it tracks the
        # published finding). A test that commits for a live server drops it too, so that both
        # crawls read the same records.
        transaction.get_connection().run_on_commit.clear()
    roles = {
        "admin": owner,
        "drafter": drafter,
        "approver": approver,
        "force": force,
        "national": national,
        "maintainer": maintainer,
    }
    for user in roles.values():
        user_set_language(user=user, language="cy")
    return roles, values


def body_names(admin) -> list[str]:
    """The English names of the admin's office and of its force, which a Welsh page shows only
    in an element marked lang="en-GB"."""
    body = admin.memberships.get().policing_body
    return [body.name, body.short_name, body.force.name]


@dataclass
class StaffPage:
    url: str  # the URL's name ("responses:detail")
    address: str
    who: str
    status: int
    html: str


def welsh_staff_pages(roles: dict, values: dict[str, list]) -> Iterator[StaffPage]:
    """Every staff page the Welsh crawls read: each URL of the staff application (the isolation
    crawl's) filled with up to two of Norfolk's objects, read as each role. Downloads (CSV,
    XLSX, PDF, calendars), redirects and a form's address answering a GET are not pages."""
    clients = {}
    for who, user in roles.items():
        client = Client()
        client.force_login(user)
        clients[who] = client
    urls = staff_urls()
    for url in urls:
        for argument in url.arguments:
            url.kinds[argument] = argument_kind(url, argument)
    for url in urls:
        if not all(values.get(kind) for kind in url.kinds.values()):
            continue
        if url.name in ("accounts:language",):
            continue  # switches the language: tests/core/test_i18n.py
        for address, _objects in addresses(url, values)[:2]:
            for who, client in clients.items():
                page = visit(client, address)
                head, _, body = page.text.partition("\n<")
                if "Content-Type: text/html" not in head or page.status in (301, 302, 303, 405):
                    continue
                yield StaffPage(url.name, address, who, page.status, "<" + body)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_staff_page_in_welsh_has_no_english_text_passes_axe_and_links_the_statement(
    viewers,  # noqa: F811
    live_server,
    request,
):
    roles, values = plant_and_choose_welsh(viewers)
    sentences = english_sentences()
    content = content_values()
    names = body_names(roles["admin"])
    problems, pages, unlinked, unmarked = {}, 0, [], {}
    to_visit = defaultdict(list)
    checked = set()
    for page in welsh_staff_pages(roles, values):
        pages += 1
        markup = (page.url, main_markup(page.html))
        # Each role's first page is visited whatever its content, for the role's own header.
        if markup not in checked or page.who not in to_visit:
            checked.add(markup)
            to_visit[page.who].append(page)
        where = f"{page.address} as {page.who}"
        if '<html lang="cy"' not in page.html:
            problems[where] = ["the page is not lang=cy"]
            continue
        if f'href="{STAFF_STATEMENT}"' not in page.html:
            unlinked.append(where)
        if found := unmarked_names(page.html, names):
            unmarked[where] = found
        text = without_content(interface_text(page.html), content)
        left = [s for s in sentences if s in text]
        if left:
            problems[f"{where} ({page.status})"] = left
    assert pages > 150, f"only {pages} staff pages were read"
    # Issue 15, point 6: every staff page links to the staff pages' accessibility statement,
    # in the page's language.
    assert unlinked == [], f"no link to {STAFF_STATEMENT}: {unlinked}"
    # The office's and its force's English names only ever in an element marked lang="en-GB"
    # (docs/i18n.md, "A policing body or force named on a Welsh page").
    assert unmarked == {}, "\n".join(f"{where}: {found}" for where, found in unmarked.items())
    still_english = {s for left in problems.values() for s in left}
    assert still_english >= KNOWN_ENGLISH, (
        f"no longer found, remove from KNOWN_ENGLISH: {sorted(KNOWN_ENGLISH - still_english)}"
    )
    new = {
        where: [s for s in left if s not in KNOWN_ENGLISH]
        for where, left in problems.items()
        if set(left) - KNOWN_ENGLISH
    }
    assert new == {}, "\n".join(f"{where}: {left}" for where, left in new.items())
    assert len({page.url for pages in to_visit.values() for page in pages}) > 90

    # In Chromium, from here on: the fixtures skip (or fail, with S55_REQUIRE_SERVICES=1) when
    # it or axe-core is missing, now that every page's text has been checked.
    browser = request.getfixturevalue("browser")
    axe = request.getfixturevalue("axe")
    problems = {}
    for who, chosen in to_visit.items():
        context = signed_in_context(browser, live_server, roles[who])
        tab = context.new_page()
        try:
            for page in chosen:
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


@pytest.mark.django_db
def test_the_staff_crawl_finds_english_interface_text(viewers):  # noqa: F811
    """The check above can fail: the same page in English is found."""
    owner, drafter, approver, watching = viewers
    client = Client()
    client.force_login(drafter)
    page = client.get("/responses/").content.decode()
    text = without_content(interface_text(page), content_values())
    assert '<html lang="en-GB"' in page
    assert [s for s in english_sentences() if s in text]
    assert drafter.memberships.filter(role=Membership.Role.OPCC_DRAFTER).exists()


@pytest.mark.django_db
def test_a_body_with_a_welsh_name_is_named_in_welsh_on_every_welsh_staff_page(
    viewers,  # noqa: F811
):
    """The crawl's pages, read again with Norfolk's office and force given Welsh names (as
    Dyfed-Powys's have): no page shows their English names outside an element marked
    lang="en-GB", and the pages that name them use the Welsh names, unmarked (`name_for_page`):
    the office's dashboard, its tracker, and the force's dashboard."""
    roles, values = plant_and_choose_welsh(viewers)
    body = roles["admin"].memberships.get().policing_body
    body.name_cy = "Comisiynydd Heddlu a Throseddu Norfolk"
    body.save(update_fields=["name_cy"])
    body.force.name_cy = "Heddlu Norfolk"
    body.force.save(update_fields=["name_cy"])
    names = body_names(roles["admin"])
    unmarked, welsh = {}, defaultdict(set)
    for page in welsh_staff_pages(roles, values):
        if found := unmarked_names(page.html, names):
            unmarked[f"{page.address} as {page.who}"] = found
        text = interface_text(page.html)
        for name in (body.name_cy, body.force.name_cy):
            if name in text:
                welsh[page.url].add(name)
    assert unmarked == {}, "\n".join(f"{where}: {found}" for where, found in unmarked.items())
    assert welsh["responses:dashboard"] >= {body.name_cy, body.force.name_cy}
    assert body.name_cy in welsh["tracking:item-list"]

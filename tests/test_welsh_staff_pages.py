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
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client

from accounts.models import Membership
from accounts.services import user_set_language
from tests.public.test_welsh_pages import english_sentences, interface_text
from tests.test_isolation_crawl import (
    addresses,
    argument_kind,
    plant_norfolk,
    staff_urls,
    viewers,  # noqa: F401 - the fixture
    visit,
)

pytestmark = pytest.mark.django_db

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
    them with Welsh chosen: the office's admin, drafter and approver and Norfolk's force.
    `people` is the isolation crawl's `viewers`. Returns the people by role and the values of
    each kind of URL argument."""
    owner, drafter, approver, watching = people
    force = watching["Norfolk Constabulary"][0]
    with transaction.atomic():
        values = plant_norfolk(
            drafter=drafter, approver=approver, admin=owner, force_contributor=force
        )
        # What follows a commit (the publication's hooks) never runs inside a test's own
        # transaction, and plant_norfolk does what the crawl needs of it itself (it tracks the
        # published finding). A test that commits for a live server drops it too, so that both
        # crawls read the same records.
        transaction.get_connection().run_on_commit.clear()
    roles = {"admin": owner, "drafter": drafter, "approver": approver, "force": force}
    for user in roles.values():
        user_set_language(user=user, language="cy")
    return roles, values


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


def test_every_staff_page_in_welsh_has_no_english_interface_text(viewers):  # noqa: F811
    roles, values = plant_and_choose_welsh(viewers)
    sentences = english_sentences()
    content = content_values()
    problems, pages, unlinked = {}, 0, []
    for page in welsh_staff_pages(roles, values):
        pages += 1
        where = f"{page.address} as {page.who}"
        if '<html lang="cy"' not in page.html:
            problems[where] = ["the page is not lang=cy"]
            continue
        if f'href="{STAFF_STATEMENT}"' not in page.html:
            unlinked.append(where)
        text = without_content(interface_text(page.html), content)
        left = [s for s in sentences if s in text]
        if left:
            problems[f"{where} ({page.status})"] = left
    assert pages > 150, f"only {pages} staff pages were read"
    # Issue 15, point 6: every staff page links to the staff pages' accessibility statement,
    # in the page's language.
    assert unlinked == [], f"no link to {STAFF_STATEMENT}: {unlinked}"
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

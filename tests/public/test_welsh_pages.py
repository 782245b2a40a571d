"""The public site in Welsh (/cy/...): every public page is in Welsh outside people's own text,
with the right `lang`, and dates and day counts in Welsh forms.

The crawl compares each Welsh page's text with the English of the catalogue: a sentence of the
interface left in English (marked but untranslated, or the English page served at a Welsh
address) is found. People's text (reports, responses, progress) sits in elements marked
lang="en-GB" and is left out, as a screen reader would read it as English.
"""

import re
from datetime import date
from html.parser import HTMLParser

import polib
import pytest
from django.urls import reverse, translate_url

from public.models import EmailSubscription
from public.subscriptions import CONFIRM, UNSUBSCRIBE, subscription_request, token_for
from responses.selectors import day_of_period_label
from responses.services import response_withdraw

from .conftest import publish, publish_bilingual, run_on_commit

pytestmark = pytest.mark.django_db


class _InterfaceText(HTMLParser):
    """The visible text of a page outside elements in another language (lang="en-GB"), and
    apart the text inside them (`english`)."""

    VOID = {"br", "img", "input", "link", "meta", "hr", "source", "wbr", "area", "col"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []
        self.parts: list[str] = []
        self.english: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        attrs = dict(attrs)
        english = attrs.get("lang") == "en-GB" and tag != "html"
        hidden = tag in ("script", "style", "title", "template")
        self.stack.append((tag, english, hidden))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if any(hidden for _tag, _english, hidden in self.stack):
            return
        if any(english for _tag, english, _hidden in self.stack):
            self.english.append(data)
        else:
            self.parts.append(data)


def _read(html: str) -> _InterfaceText:
    parser = _InterfaceText()
    parser.feed(html)
    return parser


def interface_text(html: str) -> str:
    return " ".join(" ".join(_read(html).parts).split())


def marked_english_text(html: str) -> str:
    """The visible text inside the page's elements marked lang="en-GB"."""
    return " ".join(" ".join(_read(html).english).split())


def english_sentences() -> list[str]:
    """The catalogue's English, cut at placeholders and tags into pieces of at least two words
    ("Published on time", "No statutory deadline"): none may be left on a Welsh page."""
    pieces = set()
    for entry in polib.pofile("locale/cy/LC_MESSAGES/django.po"):
        welsh = entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr
        if welsh == entry.msgid:
            continue  # the same in both languages ("Excel (XLSX)", "SHA-256:")
        for source in filter(None, [entry.msgid, entry.msgid_plural]):
            text = re.sub(r"<[^>]+>|&\w+;|%\(\w+\)[sd]|%%", "\n", source)
            for piece in text.splitlines():
                piece = piece.strip(" .,:;()")
                if len(piece.split()) >= 2 and len(piece) >= 10:
                    pieces.add(piece)
    return sorted(pieces)


#: A Welsh address of no page: the 404 page in Welsh.
NOT_FOUND = "/cy/published/999999/"


def welsh_public_pages(response) -> list[str]:
    """Every public page at its Welsh address, around `response` (published): the pages the
    Welsh crawls read, here for their words and in tests/public/test_welsh_browser.py for axe."""
    body = response.policing_body
    subscription_request(policing_body=body, email="darllenydd@example.org", language="cy")
    subscription = EmailSubscription.objects.get(policing_body=body)

    def link(purpose):
        return {"reference": subscription.reference, "token": token_for(subscription, purpose)}

    english = [
        ("public:home", {}, ""),
        ("public:response-list", {}, ""),
        ("public:response-list", {}, "?q=custody"),
        ("public:response-list", {}, "?q=xylophone"),
        ("public:response-list", {}, "?year=1066"),
        # One office's responses: its name in the links to its feed and its emails.
        ("public:response-list", {}, f"?office={body.slug}"),
        ("public:response", {"pk": response.pk}, ""),
        ("public:register", {}, ""),
        ("public:register", {}, "?q=custody&status=open"),
        ("public:register", {}, "?q=xylophone"),
        ("public:register", {}, "?year=1066"),
        ("public:report", {"pk": response.report_id}, ""),
        ("public:statistics", {}, ""),
        ("public:statistics", {}, "?year=2020"),
        ("public:statistics", {}, "?year=1066"),
        ("public:open-data", {}, ""),
        ("public:api-docs", {}, ""),
        ("public:accessibility", {}, ""),
        ("public:accessibility-staff", {}, ""),
        # The email subscription's pages: sign up, check your email, the emailed links' pages
        # (and the page of a link that does not work).
        ("public:subscribe", {"slug": body.slug}, ""),
        ("public:subscribe-sent", {"slug": body.slug}, ""),
        ("public:subscription-confirm", link(CONFIRM), ""),
        ("public:unsubscribe", link(UNSUBSCRIBE), ""),
        ("public:subscription-confirm", {**link(CONFIRM), "token": "not-the-token"}, ""),
    ]
    return [
        translate_url(reverse(name, kwargs=kwargs) + query, "cy") for name, kwargs, query in english
    ] + [NOT_FOUND]


def test_every_public_page_in_welsh_has_no_english_interface_text(client):
    response = publish(title="Custody inspection")
    sentences = english_sentences()
    assert "Published on time" in sentences and "Skip to main content" in sentences
    pages = welsh_public_pages(response)
    assert all(url.startswith("/cy/") for url in pages)
    problems = {}
    for url in pages:
        page = client.get(url)
        html = page.content.decode()
        assert re.search(r'<html lang="cy"', html), url
        text = interface_text(html)
        left = [s for s in sentences if s in text]
        if left:
            problems[url] = left
    assert problems == {}, "\n".join(f"{url}: {left}" for url, left in problems.items())


#: A withdrawn response's reason (its 410 page names the body), and its Welsh.
WITHDRAWN_REASON = "Personal data was published by mistake."
WITHDRAWN_REASON_CY = "Cyhoeddwyd data personol mewn camgymeriad."


def _names(text: str, names: list[str]) -> list[str]:
    """The `names` found whole in `text` ("Dyfed-Powys Police" is not found inside "Dyfed-Powys
    Police and Crime Commissioner", a name of its own)."""
    return [
        name for name in names if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-]| and )", text)
    ]


def unmarked_names(html: str, names: list[str]) -> list[str]:
    """The `names` (a body's or force's English names) found in a Welsh page's text outside
    the elements marked lang="en-GB"."""
    return _names(interface_text(html), names)


@pytest.mark.parametrize("welsh_name", [False, True], ids=["english-only", "welsh-name"])
def test_a_body_s_english_name_is_marked_and_its_welsh_name_used_on_every_welsh_page(
    client, welsh_name
):
    """Every Welsh public page of the crawl, and a withdrawn response's page, for a body with
    no Welsh name (Norfolk's) and one with a Welsh name (Dyfed-Powys's): nowhere is the body's
    name, its short name or its force's name in English outside an element marked
    lang="en-GB"; the pages that name the body name it, marked English where it has no Welsh
    name, else by its Welsh name, unmarked (PolicingBody.name_for_page)."""
    make = publish_bilingual if welsh_name else publish
    response = make(title="Custody inspection")
    withdrawn = make(title="Cyber inspection")
    run_on_commit(
        response_withdraw,
        response=withdrawn,
        reason=WITHDRAWN_REASON,
        reason_cy=WITHDRAWN_REASON_CY if welsh_name else "",
        acting_user=withdrawn.approver,
    )
    body = response.policing_body
    english_names = [body.name, body.short_name, body.force.name]
    assert bool(body.name_cy) is welsh_name
    pages = welsh_public_pages(response) + [f"/cy/published/{withdrawn.pk}/"]
    # The pages that name the body in their text (the others name no body, or every body
    # only in a select's options, which are marked).
    naming = {
        "/cy/",
        "/cy/published/",
        "/cy/published/?q=custody",
        f"/cy/published/?office={body.slug}",
        f"/cy/published/{response.pk}/",
        f"/cy/published/{withdrawn.pk}/",
        "/cy/recommendations/",
        f"/cy/published/reports/{response.report_id}/",
        "/cy/statistics/",
    } | {url for url in pages if "/email-updates/" in url and "not-the-token" not in url}
    assert naming <= set(pages)
    unmarked, unnamed = {}, []
    for url in pages:
        html = client.get(url).content.decode()
        assert '<html lang="cy"' in html, url
        text = interface_text(html)
        if found := _names(text, english_names):
            unmarked[url] = found
        if url in naming:
            named = (
                _names(text, [body.name_cy])
                if welsh_name
                else _names(marked_english_text(html), [body.name, body.short_name])
            )
            if not named:
                unnamed.append(url)
    assert unmarked == {}, "\n".join(f"{url}: {found}" for url, found in unmarked.items())
    assert unnamed == []

    # The English pages name it in English, unmarked, as before.
    english = client.get("/published/").content.decode()
    assert f"{body.short_name} response to <span>Custody inspection</span>" in english
    assert 'lang="en-GB"' not in english.split("<main", 1)[1]
    register = interface_text(client.get("/recommendations/").content.decode())
    assert f"{body.name} ({body.force.name})" in register


def test_the_crawl_finds_english_interface_text(client):
    """The check above can fail: the English page's own interface is found in it."""
    publish()
    text = interface_text(client.get(reverse("public:home")).content.decode())
    assert [s for s in english_sentences() if s in text]


def test_people_s_text_on_a_welsh_page_is_marked_english(client):
    publish(title="Custody inspection")
    welsh = client.get("/cy/published/").content.decode()
    assert re.search(r'<span lang="en-GB">Custody inspection</span>', welsh)
    english = client.get("/published/").content.decode()
    assert "<span>Custody inspection</span>" in english  # no lang where the page is English


def test_a_responses_page_title_and_description_are_in_the_pages_language(client):
    response = publish(title="Custody inspection", report_published_on=date(2020, 1, 7))
    welsh = client.get(f"/cy/published/{response.pk}/").content.decode()
    title = re.search(r"<title>(.*?)</title>", welsh, re.S).group(1)
    description = re.search(r'<meta name="description" content="([^"]*)"', welsh).group(1)
    assert title.strip().startswith("Ymateb ") and "response to" not in title
    assert description.startswith("Ymateb ") and "o dan adran 55" in description
    assert "7 Ionawr 2020" in description and "response under section 55" not in description
    english = client.get(f"/published/{response.pk}/").content.decode()
    assert "response to Custody inspection" in re.search(
        r"<title>(.*?)</title>", english, re.S
    ).group(1)
    assert "response under section 55 of the Police Act 1996" in english


def test_dates_and_the_verdict_are_in_welsh(client):
    publish(report_published_on=date(2020, 1, 7))
    text = interface_text(client.get("/cy/published/").content.decode())
    assert "Adroddiad wedi'i gyhoeddi 7 Ionawr 2020" in text
    assert "ymateb wedi'i gyhoeddi 20 Chwefror 2020" in text
    assert "Cyhoeddwyd mewn pryd" in text
    english = interface_text(client.get("/published/").content.decode())
    assert "Report published 7 January 2020; response published 20 February 2020" in english


def test_the_day_count_is_in_each_language_with_the_same_numbers():
    from django.utils import translation

    with translation.override("cy"):
        assert day_of_period_label(12) == "Diwrnod 12 o 56"
    with translation.override("en-gb"):
        assert day_of_period_label(12) == "Day 12 of 56"


def test_the_error_pages_are_in_welsh(client, rf):
    from django.template.loader import render_to_string
    from django.utils import translation

    # 500 is rendered without a request or context, in the language active for the request.
    with translation.override("cy"):
        html = render_to_string("500.html")
    assert '<html lang="cy"' in html and "Mae'n ddrwg gennym, mae problem" in html
    assert 'href="/cy/"' in html
    assert not [s for s in english_sentences() if s in interface_text(html)]
    with translation.override("en-gb"):
        assert '<html lang="en-GB"' in render_to_string("500.html")

    # A form refused by the CSRF check: the page in the browser's chosen language.
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.cookies["s55_language"] = "cy"
    refused = strict.post(reverse("accounts:sign-in"), {"username": "a", "password": "b"})
    assert refused.status_code == 403
    html = refused.content.decode()
    assert '<html lang="cy"' in html and "Nid oedd modd anfon eich ffurflen" in html
    assert not [s for s in english_sentences() if s in interface_text(html)]
    english = Client(enforce_csrf_checks=True).post(reverse("accounts:sign-in"), {})
    assert "Your form could not be sent" in english.content.decode()


def test_one_atom_feed_per_language(client):
    publish(title="Custody inspection")
    welsh = client.get("/cy/feeds/responses.atom").content.decode()
    assert 'xml:lang="cy"' in welsh
    assert "<title>Ymatebion Adran 55 a gyhoeddwyd</title>" in welsh
    assert "response to" not in welsh and "Ymateb " in welsh and "/cy/published/" in welsh
    english = client.get("/feeds/responses.atom").content.decode()
    assert 'xml:lang="en-gb"' in english
    assert "<title>Published Section 55 responses</title>" in english
    assert "/cy/" not in english


def test_api_errors_are_in_the_address_s_language(client):
    welsh = client.get("/cy/api/responses/?ofice=x&page_size=0").json()
    assert welsh["ofice"] == [welsh["ofice"][0]] and welsh["ofice"][0].startswith(
        "Paramedr anhysbys"
    )
    english = client.get("/api/responses/?ofice=x").json()
    assert english["ofice"][0].startswith("Unknown parameter")

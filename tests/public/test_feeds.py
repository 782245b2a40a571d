"""The Atom feeds: valid Atom (parsed with feedparser), published versions only, an amendment as a
new entry, and one feed per office."""

import re
import xml.etree.ElementTree as ET
from datetime import date

import feedparser
import pytest
from django.urls import reverse

from responses.services import response_amend, response_update_text
from tests.factories import make_response, policing_body

from .conftest import publish, publish_bilingual
from .test_services import amend_and_publish

pytestmark = pytest.mark.django_db


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_the_site_feed_has_an_entry_for_each_published_version_only(client):
    first = publish(title="Custody inspection", office_comments="Our published comments.")
    amend_and_publish(
        first,
        office_comments="Amended comments.",
        reason="The force's plan changed.",
        published_on=date(2020, 4, 1),
    )
    other = publish(body=policing_body("suffolk-pcc"), title="Suffolk PEEL")
    response_amend(response=other, reason="Unpublished amendment", acting_user=other.approver)
    draft = make_response()
    response_update_text(
        response=draft, acting_user=first.drafter, office_comments="A draft nobody may see."
    )

    feed = parse(client, reverse("public:feed"))

    titles = [entry.title for entry in feed.entries]
    assert titles == [
        "Suffolk OPCC response to Suffolk PEEL",
        "Norfolk OPCC response to Custody inspection (amended: version 2)",
        "Norfolk OPCC response to Custody inspection",
    ]
    amended = feed.entries[1]
    assert "Amended because: The force's plan changed." in amended.summary
    assert "Amended comments." in amended.summary
    assert amended.link == f"http://testserver/published/{first.pk}/#version-2"
    assert len({entry.id for entry in feed.entries}) == 3
    text = str(feed)
    assert "Unpublished amendment" not in text
    assert "A draft nobody may see." not in text
    assert feed.feed.title == "Published Section 55 responses"
    assert any(link.rel == "self" for link in feed.feed.links)


def test_an_office_feed_has_only_that_offices_responses(client):
    publish(title="Norfolk inspection")
    publish(body=policing_body("suffolk-pcc"), title="Suffolk inspection")

    feed = parse(client, reverse("public:office-feed", kwargs={"slug": "suffolk-pcc"}))

    assert [entry.title for entry in feed.entries] == [
        "Suffolk OPCC response to Suffolk inspection"
    ]
    assert (
        feed.feed.title
        == "Section 55 responses published by the Suffolk Police and Crime Commissioner"
    )


def test_an_unknown_office_has_no_feed(client):
    assert client.get(reverse("public:office-feed", kwargs={"slug": "atlantis"})).status_code == 404


def test_an_empty_feed_is_still_valid_atom(client):
    feed = parse(client, reverse("public:feed"))

    assert feed.entries == []


def test_the_feeds_are_linked_from_the_pages(client):
    response = publish()

    page = client.get(reverse("public:response", args=[response.pk])).content.decode()
    listing = client.get(
        reverse("public:response-list"), {"office": "norfolk-pcc"}
    ).content.decode()

    assert 'href="/feeds/norfolk-pcc.atom"' in page
    assert 'href="/feeds/responses.atom"' in page
    assert 'href="/feeds/norfolk-pcc.atom"' in listing


HOSTILE_COMMENT = "We welcome it. <script>alert('comments')</script>"
HOSTILE_REASON = "Plan changed <img src=x onerror=alert('reason')>"


def test_hostile_text_in_comments_and_reasons_reaches_a_feed_reader_as_text_not_markup(client):
    """A drafter's markup in the office's comments or an amendment's reason must never become
    live markup in a feed reader: the summary is declared as text, and the reader (feedparser)
    gives back the words exactly as written."""
    first = publish(title="Custody inspection", office_comments=HOSTILE_COMMENT)
    amend_and_publish(
        first,
        office_comments=HOSTILE_COMMENT,
        reason=HOSTILE_REASON,
        published_on=date(2020, 4, 1),
    )

    feed = parse(client, reverse("public:feed"))

    summaries = {entry.title: entry.summary_detail for entry in feed.entries}
    amended = next(s for t, s in summaries.items() if "amended" in t)
    assert {s.type for s in summaries.values()} == {"text/plain"}
    assert "<script>alert('comments')</script>" in amended.value
    assert f"Amended because: {HOSTILE_REASON}" in amended.value
    raw = client.get(reverse("public:feed")).content.decode()
    assert "<script" not in raw
    assert "<img" not in raw


def test_the_welsh_feed_marks_an_english_only_summary_as_english_and_keeps_its_own_words_welsh(
    client,
):
    """An English-only body's comments in the Welsh feed are English: the entry's summary says
    so with xml:lang="en-GB" on those words, while the feed's own sentence stays Welsh (and
    unmarked), and people's words are still text, never markup."""
    first = publish(title="Custody inspection", office_comments=HOSTILE_COMMENT)
    amend_and_publish(
        first,
        office_comments=HOSTILE_COMMENT,
        reason=HOSTILE_REASON,
        published_on=date(2020, 4, 1),
    )

    raw = client.get("/cy/feeds/responses.atom").content.decode()
    feed = parse(client, "/cy/feeds/responses.atom")

    amended = next(e for e in feed.entries if "version 2" in e.link or "#version-2" in e.link)
    assert amended.summary_detail.type == "application/xhtml+xml"
    assert amended.summary.startswith("Cyhoeddwyd ar 1 Ebrill 2020")
    assert "<script" not in raw and "<img" not in raw
    spans = re.findall(r"<span lang=\"en-GB\" xml:lang=\"en-GB\">(.*?)</span>", raw, re.S)
    assert any("We welcome it. &lt;script&gt;" in span for span in spans)
    assert any(span.startswith("Plan changed &lt;img") for span in spans)
    assert not any("Cyhoeddwyd" in span for span in spans)
    # The English feed has nothing to mark: plain text, as before.
    english = parse(client, "/feeds/responses.atom")
    assert {e.summary_detail.type for e in english.entries} == {"text/plain"}


def test_the_welsh_feed_names_a_body_in_welsh_where_it_can_and_marks_its_english_name(client):
    """The author and the feed's own sentence name the body: by its Welsh name where it has one,
    else by its English name marked xml:lang="en-GB" (it was unmarked English inside Welsh)."""
    publish(title="Custody inspection")
    publish_bilingual(title="Arolygiad y ddalfa")
    english_name = policing_body("norfolk-pcc").name
    welsh_name = policing_body("dyfed-powys-pcc").name_cy
    raw = client.get("/cy/feeds/responses.atom").content.decode()
    feed = parse(client, "/cy/feeds/responses.atom")

    authors = re.findall(r"<author([^>]*)><name>(.*?)</name></author>", raw)
    assert (' xml:lang="en-GB"', english_name) in authors
    assert ("", welsh_name) in authors
    span = f'<span lang="en-GB" xml:lang="en-GB">{english_name}</span>'
    assert f"gan {span}." in raw
    summaries = {entry.author: re.sub(r"<[^>]+>", "", entry.summary) for entry in feed.entries}
    assert summaries[english_name].startswith("Cyhoeddwyd ar ")
    assert f" gan {english_name}." in summaries[english_name]
    assert f" gan {welsh_name}." in summaries[welsh_name]
    assert f">{welsh_name}</span>" not in raw

    # The English feed marks nothing.
    english = client.get("/feeds/responses.atom").content.decode()
    assert "xml:lang" not in english.split("<entry>", 1)[1]


ATOM = "{http://www.w3.org/2005/Atom}"
XHTML_DIV = "{http://www.w3.org/1999/xhtml}div"
XHTML_SPAN = "{http://www.w3.org/1999/xhtml}span"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _xml(client, url):
    parse(client, url)  # valid Atom to a feed reader
    return ET.fromstring(client.get(url).content)  # noqa: S314 - the service's own feed


def _text_construct(element) -> list[tuple[str, str]]:
    """An Atom text construct's words as (words, xml:lang) pieces: plain text as one piece,
    XHTML as its div's text and each span's (with its xml:lang) and tail."""
    if element.get("type") != "xhtml":
        assert element.get("type") in (None, "text")
        return [(element.text, "")]
    (div,) = list(element)
    assert div.tag == XHTML_DIV and not div.attrib
    pieces = [(div.text, "")]
    for span in div:
        assert span.tag == XHTML_SPAN and not list(span)
        pieces += [(span.text, span.get(XML_LANG)), (span.tail, "")]
    return [piece for piece in pieces if piece[0]]


def _entry_titles(feed) -> dict[str, list[tuple[str, str]]]:
    return {
        entry.find(f"{ATOM}link").get("href"): _text_construct(entry.find(f"{ATOM}title"))
        for entry in feed.iter(f"{ATOM}entry")
    }


def test_the_welsh_feed_marks_the_english_names_in_its_titles(client):
    """An entry's title names the body and the report: in the Welsh feed the report's title
    (HMICFRS's, English) and an English-only body's short name are English inside Welsh, so the
    title is XHTML with each in <span xml:lang="en-GB">; a body with a Welsh name is named by
    it, unmarked. An English-only office's feed names it in its title and subtitle the same way.
    """
    norfolk = publish(title="Custody inspection")
    dyfed = publish_bilingual(title="Vetting inspection")
    amend_and_publish(
        norfolk,
        office_comments="Amended comments.",
        reason="The force's plan changed.",
        published_on=date(2020, 4, 1),
    )
    welsh_name = policing_body("dyfed-powys-pcc").name_cy

    titles = _entry_titles(_xml(client, "/cy/feeds/responses.atom"))

    assert titles[f"http://testserver/cy/published/{norfolk.pk}/"] == [
        ("Ymateb ", ""),
        ("Norfolk OPCC", "en-GB"),
        (" i ", ""),
        ("Custody inspection", "en-GB"),
    ]
    assert titles[f"http://testserver/cy/published/{norfolk.pk}/#version-2"] == [
        ("Ymateb ", ""),
        ("Norfolk OPCC", "en-GB"),
        (" i ", ""),
        ("Custody inspection", "en-GB"),
        (" (diwygiwyd: fersiwn 2)", ""),
    ]
    assert titles[f"http://testserver/cy/published/{dyfed.pk}/"] == [
        (f"Ymateb {welsh_name} i ", ""),
        ("Vetting inspection", "en-GB"),
    ]

    office = _xml(client, "/cy/feeds/norfolk-pcc.atom")
    english_name = policing_body("norfolk-pcc").name
    assert _text_construct(office.find(f"{ATOM}title")) == [
        ("Ymatebion Adran 55 a gyhoeddwyd gan ", ""),
        (english_name, "en-GB"),
    ]
    subtitle = _text_construct(office.find(f"{ATOM}subtitle"))
    assert (english_name, "en-GB") in subtitle and subtitle[0][0].startswith("Ymatebion")
    welsh_office = _xml(client, "/cy/feeds/dyfed-powys-pcc.atom")
    assert welsh_office.find(f"{ATOM}title").get("type") is None  # nothing to mark: plain text
    assert welsh_office.find(f"{ATOM}title").text == (
        f"Ymatebion Adran 55 a gyhoeddwyd gan {welsh_name}"
    )


def test_the_english_feed_titles_stay_plain_text(client):
    publish(title="Custody inspection")
    publish_bilingual(title="Vetting inspection")

    for url in ("/feeds/responses.atom", "/feeds/norfolk-pcc.atom", "/feeds/dyfed-powys-pcc.atom"):
        raw = client.get(url).content.decode()
        assert "<title>" in raw and 'type="xhtml"' not in raw and 'xml:lang="en-GB"' not in raw
    titles = _entry_titles(_xml(client, "/feeds/responses.atom"))
    assert sorted(titles.values()) == [
        [("Dyfed-Powys OPCC response to Vetting inspection", "")],
        [("Norfolk OPCC response to Custody inspection", "")],
    ]


def test_a_marked_title_is_escaped_text_never_markup(client):
    title = "Fraud & <script>alert('title')</script> <b>abuse</b>"
    response = publish(title=title)

    raw = client.get("/cy/feeds/responses.atom").content.decode()
    titles = _entry_titles(_xml(client, "/cy/feeds/responses.atom"))

    assert "<script" not in raw and "<b>" not in raw
    assert "Fraud &amp; &lt;script&gt;" in raw
    assert titles[f"http://testserver/cy/published/{response.pk}/"] == [
        ("Ymateb ", ""),
        ("Norfolk OPCC", "en-GB"),
        (" i ", ""),
        (title, "en-GB"),
    ]

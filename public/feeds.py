"""Atom feeds of new and amended published responses: the whole site, and one per office.

Each entry is one published version (version 1 is the first publication, later versions are
amendments with their reason), so a subscriber sees an amendment as a new entry. A withdrawn
version's entry is updated to its public note (what was withdrawn, why, when) and nothing else. Entries come from
the public tables only. Both feeds answer conditional requests (ETag / Last-Modified).
"""

import re
from datetime import date

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import condition

from accounts.models import PolicingBody
from core.dates import long_date
from core.history import reason_text
from core.i18n import text_for_page

from . import selectors
from .caching import shared_cacheable

FEED_LENGTH = 50


def _body_name(body) -> tuple[str, str]:
    """The body's name in the feed's language and the language to mark it with ("" when it is
    in the feed's language), as (words, lang) parts take it: `PolicingBody.name_for_page`, the
    rule the pages use (its Welsh name in the Welsh feed where it has one, else its English
    name marked "en-GB")."""
    name = body.name_for_page()
    return name.text, name.lang


def _short_name(body) -> tuple[str, str]:
    """The name an entry's title gives the body, as `_body_name`:
    `PolicingBody.short_name_for_page` (its short name, which is English, or in the Welsh feed
    its Welsh name where it has one)."""
    name = body.short_name_for_page()
    return name.text, name.lang


XHTML = "http://www.w3.org/1999/xhtml"


def _write_text(handler, element: str, parts: list[tuple[str, str]]) -> None:
    """An Atom text construct (RFC 4287 section 3.1) from (words, lang) parts: XHTML made only
    of text and `<span xml:lang>` around the words in another language than the feed's
    (section 3.1.1.3), so those words can say so. Everything is XML-escaped text: the words
    (people's, names, titles) never become markup."""
    handler.startElement(element, {"type": "xhtml"})
    handler.startElement("div", {"xmlns": XHTML})
    for text, lang in parts:
        if lang:
            handler.addQuickElement("span", text, {"xml:lang": lang, "lang": lang})
        else:
            handler.characters(text)
    handler.endElement("div")
    handler.endElement(element)


class _MarkedText:
    """The XML writer as Django's Atom1Feed uses it, but writing the text constructs in
    `parts` (an entry's "title", the feed's "title" and "subtitle") from their (words, lang)
    parts, as XHTML, when some of their words are in another language than the feed's. Each of
    those elements appears once where it is used (in an entry, or in the feed's head)."""

    def __init__(self, handler, parts: dict[str, list[tuple[str, str]]]):
        self._handler = handler
        self._parts = parts

    def addQuickElement(self, name, contents=None, attrs=None):  # noqa: N802 - the XML writer's
        parts = self._parts.get(name) or []
        if any(lang for _text, lang in parts):
            _write_text(self._handler, name, parts)
        else:
            self._handler.addQuickElement(name, contents, attrs)

    def __getattr__(self, name):
        return getattr(self._handler, name)


class PlainSummaryAtom1Feed(Atom1Feed):
    """Atom whose entry summaries are plain text (`type="text"`). A summary holds people's own
    words (the office's comments, an amendment's reason); declared as HTML, a feed reader would
    turn a drafter's `<script>` or `<img onerror>` into live markup. As text, the XML escaping
    is all it needs and a reader shows it as written.

    A summary with words in another language than the feed's (an English-only body's comments
    in the Welsh feed: `ResponsesFeed.summary_parts`) cannot say so in plain text, so it is
    XHTML (RFC 4287 section 3.1.1.3) made only of text and `<span xml:lang="en-GB">` around
    those words: people's words are still XML-escaped text, never markup. The entry's title,
    and the feed's title and subtitle, are plain text as well unless they name something in the
    other language (an English-only body, or a report's English title, in the Welsh feed): then
    they are XHTML in the same way (`title_parts`, `subtitle_parts`)."""

    def add_root_elements(self, handler):
        parts = {
            "title": self.feed.get("title_parts"),
            "subtitle": self.feed.get("subtitle_parts"),
        }
        super().add_root_elements(_MarkedText(handler, parts))

    def add_item_elements(self, handler, item):
        super().add_item_elements(
            _MarkedText(handler, {"title": item.get("title_parts")}),
            {**item, "description": None, "author_name": None},
        )
        if item["author_name"] is not None:
            # An English-only body's name in the Welsh feed says it is English (RFC 4287
            # allows xml:lang on any element).
            lang = item.get("author_lang")
            handler.startElement("author", {"xml:lang": lang} if lang else {})
            handler.addQuickElement("name", item["author_name"])
            handler.endElement("author")
        parts = item.get("summary_parts") or []
        if any(lang for _text, lang in parts):
            _write_text(handler, "summary", parts)
        elif item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


def _marked(sentence: str, args: dict) -> list[tuple[str, str]]:
    """`sentence`, a catalogue message with named placeholders, filled from `args`, as
    (words, lang) parts: an argument given as (words, lang) with a lang (words in another
    language than the feed's: people's, a name, a title) is a part of its own, so it can be
    marked; everything else is the feed's language (""). The parts hold the sentence's own
    spaces and punctuation: joined, they are the sentence."""
    parts: list[tuple[str, str]] = []
    for piece in re.split(r"(%\(\w+\)[sd])", sentence):
        name = piece[2:-2] if piece.startswith("%(") else None
        if name is None:
            words, lang = piece.replace("%%", "%"), ""
        elif isinstance(args[name], tuple):
            words, lang = args[name]
        else:
            words, lang = piece % {name: args[name]}, ""
        if not words:
            continue
        if parts and not lang and not parts[-1][1]:
            parts[-1] = (parts[-1][0] + words, "")
        else:
            parts.append((words, lang))
    return parts


def _labelled(sentence: str, args: dict, name: str, words: str, lang: str):
    """`sentence`, a catalogue message whose placeholder `name` takes people's `words` ("Amended
    because: %(reason)s") or a name ("Published on %(date)s by the %(body)s."), as summary
    parts: the words apart when they are in another language (`lang`), so they can be marked."""
    return _marked(sentence, {**args, name: (words, lang)})


def _sentences(*sentences: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Summary parts of several sentences, a space between each."""
    parts = []
    for sentence in sentences:
        if parts and sentence:
            parts.append((" ", ""))
        parts += sentence
    return parts


class ResponsesFeed(Feed):
    feed_type = PlainSummaryAtom1Feed
    title = gettext_lazy("Published Section 55 responses")
    subtitle = gettext_lazy(
        "New and amended responses by local policing bodies in England and Wales to HMICFRS "
        "inspection reports, published under section 55 of the Police Act 1996."
    )

    def link(self):
        return reverse("public:response-list")

    def feed_url(self):
        return reverse("public:feed")

    def author_name(self):
        return _("Section 55 Tracker")

    def items(self):
        return selectors.feed_versions(limit=FEED_LENGTH)

    def item_title_parts(self, version) -> list[tuple[str, str]]:
        """The entry's title as (words, lang) parts, as `summary_parts`: in the Welsh feed the
        report's title (HMICFRS's, in English) and an English-only body's name are marked
        "en-GB"."""
        record = version.response.public_record
        english = "en-GB" if get_language() == "cy" else ""
        args = {
            "body": _short_name(record.policing_body),
            "title": (record.report_title, english),
            "number": version.number,
        }
        if version.withdrawn_at:
            sentence = _("%(body)s response to %(title)s (withdrawn: version %(number)s)")
        elif version.number == 1:
            sentence = _("%(body)s response to %(title)s")
        else:
            sentence = _("%(body)s response to %(title)s (amended: version %(number)s)")
        return _marked(sentence, args)

    def item_title(self, version):
        return "".join(text for text, _lang in self.item_title_parts(version))

    def summary_parts(self, version) -> list[tuple[str, str]]:
        """The entry's summary as (words, lang) pieces: lang is "" for words in the feed's
        language and "en-GB" (or "cy") for people's words that exist only in the other
        language, such as an English-only body's comments in the Welsh feed."""
        record = version.response.public_record
        body, body_lang = _body_name(record.policing_body)
        sentences = [
            _labelled(
                _("Published on %(date)s by the %(body)s."),
                {"date": long_date(version.published_on)},
                "body",
                body,
                body_lang,
            )
        ]
        if version.withdrawn_at:
            # The public note only: nothing of the withdrawn text. Its reason in the feed's
            # language where the office gave it so (the Welsh feed, a bilingual body).
            reason = text_for_page(version.withdrawal_reason, version.withdrawal_reason_cy)
            sentences.append(
                _labelled(
                    _("Version %(number)s was withdrawn on %(date)s. Why: %(reason)s"),
                    {"number": version.number, "date": long_date(version.withdrawn_at)},
                    "reason",
                    reason.text,
                    reason.lang,
                )
            )
            return _sentences(*sentences)
        # The Welsh feed (/cy/feeds/...) carries the Welsh texts of a response published in
        # Welsh and English; the English ones of any other, marked as English.
        language = translation.get_language()
        welsh = record.bilingual and language == "cy"
        english = "en-GB" if language == "cy" else ""
        if welsh and version.reason_cy:
            reason, lang = version.reason_cy, ""
        else:
            reason, lang = version.reason, english
        if version.number > 1 and reason:
            sentences.append(
                _labelled(_("Amended because: %(reason)s"), {}, "reason", reason, lang)
            )
        summary = record.summary_in(language)
        if version.number == record.version_number and summary:
            own = welsh and bool(record.summary_cy)
            sentences.append([(summary, "" if own else english)])
        if version.number == record.version_number:
            # The notes of a correction are stored in English (public.services) and written in
            # the feed's language (responses/reasons.py); one the table does not know is
            # English, marked so.
            for note in record.corrections:
                shown = reason_text(note["text"])
                sentences.append(
                    _labelled(
                        _("Correction of %(on)s: %(text)s"),
                        {"on": long_date(date.fromisoformat(note["on"]))},
                        "text",
                        shown,
                        english if shown == note["text"] else "",
                    )
                )
        return _sentences(*sentences)

    def item_description(self, version):
        return "".join(text for text, _lang in self.summary_parts(version))

    def item_extra_kwargs(self, version):
        return {
            "title_parts": self.item_title_parts(version),
            "summary_parts": self.summary_parts(version),
            "author_lang": self.item_author_lang(version),
        }

    def item_link(self, version):
        url = reverse("public:response", kwargs={"pk": version.response_id})
        return url if version.number == 1 else f"{url}#version-{version.number}"

    def item_guid(self, version):
        # Stable and unique per version: tag URIs (RFC 4151) survive a change of domain.
        host = settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0]
        return f"tag:{host},2017:response-{version.response_id}-version-{version.number}"

    item_guid_is_permalink = False

    def item_pubdate(self, version):
        return version.created_at

    def item_updateddate(self, version):
        if version.withdrawn_at:
            return version.withdrawn_at
        record = version.response.public_record
        if version.number == record.version_number and record.corrections:
            # A correction of the report changed what the entry says (its due date, its note).
            return max(version.created_at, record.refreshed_at)
        return version.created_at

    def item_author_name(self, version):
        return _body_name(version.response.public_record.policing_body)[0]

    def item_author_lang(self, version) -> str:
        return _body_name(version.response.public_record.policing_body)[1]


class OfficeResponsesFeed(ResponsesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(PolicingBody, slug=slug)

    def feed_title_parts(self, office) -> list[tuple[str, str]]:
        """The feed's title as (words, lang) parts: an English-only office's name is marked
        "en-GB" in the Welsh feed (`_body_name`)."""
        return _marked(
            _("Section 55 responses published by the %(body)s"), {"body": _body_name(office)}
        )

    def feed_subtitle_parts(self, office) -> list[tuple[str, str]]:
        return _marked(
            _(
                "New and amended responses of the %(body)s to HMICFRS inspection reports, "
                "published under section 55 of the Police Act 1996."
            ),
            {"body": _body_name(office)},
        )

    def title(self, office):
        return "".join(text for text, _lang in self.feed_title_parts(office))

    def subtitle(self, office):
        return "".join(text for text, _lang in self.feed_subtitle_parts(office))

    def feed_extra_kwargs(self, office):
        return {
            "title_parts": self.feed_title_parts(office),
            "subtitle_parts": self.feed_subtitle_parts(office),
        }

    def link(self, office):
        return reverse("public:response-list") + f"?office={office.slug}"

    def feed_url(self, office):
        return reverse("public:office-feed", kwargs={"slug": office.slug})

    def items(self, office):
        return selectors.feed_versions(office=office, limit=FEED_LENGTH)


def _office(slug):
    return PolicingBody.objects.filter(slug=slug).first() if slug else None


def _feed_last_modified(request, slug=None):
    office = _office(slug)
    if slug and office is None:
        return None
    return selectors.feed_last_modified(office=office)


def _feed_etag(request, slug=None):
    newest = _feed_last_modified(request, slug)
    if not newest:
        return None
    return f"feed-{get_language()}-{slug or 'all'}-{int(newest.timestamp() * 1000)}"


def _own_last_modified(view):
    """The syndication view sets Last-Modified from the newest entry; the conditional check
    uses the public records' time, so let `condition` set the header from that instead."""

    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        del response["Last-Modified"]
        return response

    return wrapped


site_feed = shared_cacheable(
    condition(etag_func=_feed_etag, last_modified_func=_feed_last_modified)(
        _own_last_modified(ResponsesFeed())
    )
)
office_feed = shared_cacheable(
    condition(etag_func=_feed_etag, last_modified_func=_feed_last_modified)(
        _own_last_modified(OfficeResponsesFeed())
    )
)

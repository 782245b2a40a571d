"""Read the text of an HMICFRS report (or its summary page) or of an office's published Section 55
response, and propose its structure. Nothing is dropped: every part of the input is either
placed (as a field, an item, a graded judgement, the chief officer's or the office's comments, a
checklist entry, or recognised layout such as a heading) or listed as *not placed*, each with the
span of the input it came from, so the union of placed and not-placed spans covers every
non-space character of the input.

Pure and fast: no Django, no database, no clock. Forces are matched against names passed in as
data (`ForceName`); values that become model choices (finding kinds, report types, grades,
addressees, scopes) are the strings of the choices in `inspections.models`, and a test checks
that they agree. A recommendation's timescale is read by `inspections.timescales`.

How the text is read, in order:

1. Lines are split on any line break (Windows, old Mac, Unicode separators) keeping each line's
   offsets in the input; each line is cleaned (smart quotes to straight ones, non-breaking and
   other odd spaces to plain spaces, zero-width characters and control characters removed).
2. Each line is classified: blank, a field ("Date published: 7th January 2020"), a heading
   (known headings such as "KEY FINDINGS:", "Cause for concern", "3. Recommendations",
   "Chief Constable's response", in capitals or not, numbered or not; or an unknown short line),
   a bullet (any bullet character, numbers, letters, roman numerals, "R1", ticks) or text.
   Text lines in one block are joined (wrapped lines) unless they look like separate
   paragraphs; a text line after a bullet continues the bullet.
3. Known headings open sections, in any order. Each section is read by its own rules: key
   findings (a paragraph keeps the list that follows it), causes of concern, recommendations and
   areas for improvement (a lead-in such as "The force should immediately:" gives the list's
   addressees and timescale; "Recommendation 3" opens a single item), practice, graded
   judgements ("Investigating crime: Good"), the chief officer's and the office's comments,
   the office's reply to the chief officer, and the checklist ("For Office Use Only", ticks).
   Letters ("Dear ...", "Yours sincerely") and press statements ("... said") are read too.
4. Whatever no rule claims is *not placed*, grouped by run, for staff to place or discard.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from django.utils.translation import gettext_noop

from inspections.timescales import parse_timescale

#: The parser's messages about a whole text, in English (the catalogue's msgids): the preview
#: translates them when it shows them (`responses.importer.draft.message_text`).
NO_TEXT = gettext_noop("There is no text to import.")
NOTHING_RECOGNISED = gettext_noop(
    "Nothing in this text was recognised as part of an HMICFRS report or a published "
    'response, so all of it is listed under "Not placed". Check it is the right '
    "document; if it is, place each part yourself or discard it."
)
NO_TITLE = gettext_noop("No title was recognised: enter the report's title.")
NO_PUBLICATION_DATE = gettext_noop(
    "No publication date was recognised: enter the date HMICFRS published the report."
)
#: With the count of parts not placed (singular, plural).
NOT_PLACED = (
    "%(count)s part of the text could not be placed. Each is listed under "
    '"Not placed": place it or discard it before you confirm.',
    "%(count)s parts of the text could not be placed. Each is listed under "
    '"Not placed": place it or discard it before you confirm.',
)

__all__ = [
    "ChecklistEntry",
    "Comments",
    "ForceName",
    "Item",
    "Judgement",
    "NotPlaced",
    "ParseResult",
    "Recognised",
    "Span",
    "Value",
    "find_date",
    "parse",
]

# --- Values of the model choices (inspections.models); tests/responses/importer checks them.

KEY_FINDING = "key_finding"
CAUSE_OF_CONCERN = "cause_of_concern"
RECOMMENDATION = "recommendation"
AFI = "afi"
PRACTICE = "practice"
FINDING_KINDS = (KEY_FINDING, CAUSE_OF_CONCERN, RECOMMENDATION, AFI, PRACTICE)

GRADES = ("outstanding", "good", "adequate", "requires_improvement", "inadequate", "not_graded")

ADDRESSEES = (
    "force",
    "chief_constables",
    "policing_bodies",
    "home_office",
    "college_of_policing",
    "npcc",
    "other",
)

# Report types, scopes and grading frameworks (values of ReportType, Scope, GradingFramework).
PEEL, PEEL_SPOTLIGHT, CDI, THEMATIC = "peel", "peel_spotlight", "cdi", "thematic"
JOINT, CHILD_PROTECTION, CUSTODY = "joint", "child_protection", "custody"
STATE_OF_POLICING, COMMISSIONED, ACCELERATED = (
    "state_of_policing",
    "commissioned",
    "accelerated_coc",
)
FIRE, OTHER_TYPE = "fire", "other"
SCOPE_FORCE, SCOPE_MULTI, SCOPE_NATIONAL = "force", "multi_force", "national"
FOUR_GRADES, FIVE_GRADES, NOT_GRADED = "four", "five", "none"

#: PEEL 2021/22, the first framework with "adequate", began reporting in 2021/22.
FIVE_GRADE_PEEL_FROM = date(2021, 7, 1)

#: Where a ticked checklist line says a copy went (keys of responses.services.COPY_FIELDS,
#: plus "website" for publication itself).
CHECKLIST_RECIPIENTS = ("hmicfrs", "home_secretary", "panel", "chief_officer", "website")


# --- The result ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Span:
    """Characters [start, end) of the input."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ForceName:
    """A force to look for: its key (the slug) and the names it goes by."""

    key: str
    names: tuple[str, ...]


@dataclass(slots=True)
class Value:
    """One recognised value and where it came from."""

    value: object
    spans: list[Span]


@dataclass(slots=True)
class Item:
    """A proposed finding: key finding, cause of concern, recommendation, AFI or practice."""

    kind: str
    text: str
    spans: list[Span]
    reference: str = ""
    addressees: list[str] = field(default_factory=list)
    timescale_text: str = ""
    timescale_kind: str = "none"
    target_date: date | None = None
    bullets: list[str] = field(default_factory=list)
    #: Index in `ParseResult.items` of the cause of concern a recommendation belongs to.
    cause: int | None = None
    #: From a published response: the office's explanation and the force's comment beside it.
    explanation: str = ""
    force_comment: str = ""


@dataclass(slots=True)
class Judgement:
    area: str
    grade: str
    spans: list[Span]


@dataclass(slots=True)
class Comments:
    """The chief officer's comments, the office's comments, or the office's reply to the force."""

    text: str
    spans: list[Span]
    author_name: str = ""
    author_role: str = ""


@dataclass(slots=True)
class ChecklistEntry:
    text: str
    ticked: bool
    recipient: str
    spans: list[Span]


@dataclass(slots=True)
class Recognised:
    """Layout that was recognised and is not imported: headings, the statutory statement,
    the letterhead, a signature, press-release markers."""

    label: str
    text: str
    spans: list[Span]


@dataclass(slots=True)
class NotPlaced:
    text: str
    spans: list[Span]
    #: Where it was found, e.g. 'under the heading "Introduction"'.
    where: str = ""


@dataclass(slots=True)
class ParseResult:
    source: str
    title: Value | None = None
    published_on: Value | None = None
    report_type: Value | None = None
    inspection_type_label: Value | None = None
    forces: list[Value] = field(default_factory=list)
    scope: str = SCOPE_FORCE
    grading_framework: str = NOT_GRADED
    judgements: list[Judgement] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    force_comments: Comments | None = None
    office_comments: Comments | None = None
    reply_to_force: Comments | None = None
    response_published_on: Value | None = None
    signatory: Value | None = None
    checklist: list[ChecklistEntry] = field(default_factory=list)
    recognised: list[Recognised] = field(default_factory=list)
    not_placed: list[NotPlaced] = field(default_factory=list)
    layout: str = "report"
    messages: list[str] = field(default_factory=list)

    @property
    def is_response(self) -> bool:
        """Does the text contain a published response (not just a report)?"""
        return bool(self.force_comments or self.office_comments or self.checklist)

    def placed_spans(self) -> list[Span]:
        spans: list[Span] = []
        for value in (
            self.title,
            self.published_on,
            self.report_type,
            self.inspection_type_label,
            self.response_published_on,
            self.signatory,
            *self.forces,
        ):
            if value is not None:
                spans.extend(value.spans)
        for group in (self.judgements, self.items, self.checklist, self.recognised):
            for thing in group:
                spans.extend(thing.spans)
        for comments in (self.force_comments, self.office_comments, self.reply_to_force):
            if comments is not None:
                spans.extend(comments.spans)
        return spans

    def not_placed_spans(self) -> list[Span]:
        return [span for entry in self.not_placed for span in entry.spans]

    def to_dict(self) -> dict:
        """Plain JSON-able data (dates as ISO strings, spans as [start, end])."""
        return _plain(self)


def _plain(value):
    if isinstance(value, Span):
        return [value.start, value.end]
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "__dataclass_fields__"):
        return {
            name: _plain(getattr(value, name))
            for name in value.__dataclass_fields__
            if name != "source"
        }
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


# --- Lines ---------------------------------------------------------------------------------

_BREAK_RE = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_ODD_SPACE_RE = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u200b-\u200d\u2060\ufeff\u00ad]")
_QUOTES = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
}
_QUOTE_RE = re.compile("[" + "".join(_QUOTES) + "]")


def _same_length_clean(text: str) -> str:
    """Straight quotes and plain spaces: one character for one, so offsets still hold."""
    if _QUOTE_RE.search(text):
        for curly, straight in _QUOTES.items():
            text = text.replace(curly, straight)
    return _ODD_SPACE_RE.sub(" ", text)


def clean_line(raw: str) -> str:
    """One line as the rules read it: straight quotes, plain spaces, no invisible characters."""
    return _INVISIBLE_RE.sub("", _same_length_clean(raw)).strip()


@dataclass(slots=True)
class _Line:
    start: int
    end: int
    text: str

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


def _lines(source: str) -> list[_Line]:
    """Lines with their offsets in `source`, trimmed of surrounding space, and cleaned."""
    # Quotes and odd spaces map one character to one, so the whole text is cleaned at once;
    # invisible characters (which change lengths) are removed line by line, and only if any.
    same_length = _same_length_clean(source)
    invisible = _INVISIBLE_RE.search(source) is not None
    lines = []
    position = 0
    breaks = [(m.start(), m.end()) for m in _BREAK_RE.finditer(source)]
    breaks.append((len(source), len(source)))
    for break_start, break_end in breaks:
        raw = source[position:break_start]
        lead = len(raw) - len(raw.lstrip())
        trail = len(raw) - len(raw.rstrip())
        text = same_length[position:break_start]
        if invisible:
            text = _INVISIBLE_RE.sub("", text)
        lines.append(_Line(position + lead, break_start - trail, text.strip()))
        position = break_end
    return lines


# --- Vocabulary ----------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE_RE = re.compile(
    rf"\b(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{_MONTH})\.?,?\s+(?P<y1>\d{{4}})\b"
    rf"|\b(?P<m2>{_MONTH})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})\b"
    r"|\b(?P<d3>\d{1,2})[/.](?P<m3>\d{1,2})[/.](?P<y3>\d{4}|\d{2})\b"
    r"|\b(?P<y4>\d{4})-(?P<m4>\d{2})-(?P<d4>\d{2})\b",
    re.IGNORECASE,
)


_DIGIT_RE = re.compile(r"\d")


def find_date(text: str) -> tuple[date, int, int] | None:
    """The first real date in `text`, read as written in the UK ("7th January 2020",
    "7 January 2020", "07/01/2020", day first), with its position; None if there is none."""
    if not _DIGIT_RE.search(text):
        return None
    for match in _DATE_RE.finditer(text):
        groups = match.groupdict()
        try:
            if groups["d1"]:
                day, month, year = int(groups["d1"]), _MONTHS[groups["m1"].lower()], groups["y1"]
            elif groups["d2"]:
                day, month, year = int(groups["d2"]), _MONTHS[groups["m2"].lower()], groups["y2"]
            elif groups["d3"]:
                day, month, year = int(groups["d3"]), int(groups["m3"]), groups["y3"]
            else:
                day, month, year = int(groups["d4"]), int(groups["m4"]), groups["y4"]
            full_year = int(year) + 2000 if len(year) == 2 else int(year)
            if not 1900 <= full_year <= 2100:
                continue
            return date(full_year, month, day), match.start(), match.end()
        except ValueError:
            continue
    return None


_GRADE_WORDS = {
    "outstanding": "outstanding",
    "good": "good",
    "adequate": "adequate",
    "requires improvement": "requires_improvement",
    "require improvement": "requires_improvement",
    "requiring improvement": "requires_improvement",
    "inadequate": "inadequate",
    "not graded": "not_graded",
}
_GRADE = "|".join(sorted(_GRADE_WORDS, key=len, reverse=True))
_GRADE_ONLY_RE = re.compile(rf"^[\"']?(?P<grade>{_GRADE})[\"']?\.?$", re.IGNORECASE)
_JUDGEMENT_LINE_RE = re.compile(
    rf"^(?P<area>[A-Za-z][^:\t|]{{1,80}}?)\s*(?::|\t+|\s[-\u2013\u2014]\s|\|)\s*"
    rf"[\"']?(?P<grade>{_GRADE})[\"']?\.?$",
    re.IGNORECASE,
)
_GRADED_PHRASE_RE = re.compile(
    r"\b(?:graded|judged|rated|assessed)\s+(?:(?:the\s+)?(?:force|constabulary|it|them)\s+)?"
    rf"(?:as\s+|to\s+be\s+)?(?:being\s+)?[\"']?(?P<grade>{_GRADE})\b[\"']?"
    r"(?:\s+(?:at|in|for)\s+(?P<area>[a-z][a-z ,'-]{3,60}?)(?=[.;:]|,\s|\s+and\b|$))?",
    re.IGNORECASE,
)

_BULLET_RE = re.compile(
    r"^(?P<marker>"
    r"[-*+\u2022\u2023\u2043\u2219\u25aa\u25ab\u25a0\u25a1\u25cf\u25cb\u25e6\u25ba\u25b6"
    r"\u27a2\u27a4\u2013\u2014\u00b7\u2010\u2011\uf0b7\uf0a7\uf076\uf0d8\uf0fc"
    r"\u2714\u2713\u2611\u2612\u2610\u2717\u2718\u2705\u274c\u25fb\u25fc]"
    r"|o(?=\s)"
    r"|\(?\d{1,3}[.)]"
    r"|\d{1,2}(?:\.\d{1,2})+\.?(?=\s+[A-Z\"'(])"
    r"|\(\d{1,3}\)"
    r"|\(?[a-hj-uw-z][.)]"
    r"|\([a-z]\)"
    r"|\(?(?:i{1,3}|iv|vi{0,3}|ix|x)[.)]"
    r"|(?:R|Rec|AFI|CoC)\s?\d{1,3}[.:)]?"
    r")\s+(?P<text>\S.*)$"
)
_TICKS = "\u2714\u2713\u2611\u2705\uf0fc"
_CROSSES = "\u2612\u2610\u2717\u2718\u274c\u25fb"

_FIELD_RE = re.compile(r"^(?P<label>[A-Za-z][A-Za-z '()/.]{0,40}?)\s*(?::|\t)\s*(?P<value>.*)$")
_FIELDS = [
    (
        "title",
        r"(?:inspection|report)(?: title| name)?|title(?: of (?:the )?(?:inspection|report))?"
        r"|name of (?:the )?(?:inspection|report)",
    ),
    (
        "published_on",
        r"date (?:of )?publi(?:shed|cation)(?: of (?:the )?report)?|publi(?:shed|cation)(?: date| on)?"
        r"|(?:report|date) published|report publi(?:shed|cation) date|date of (?:the )?report|report date",
    ),
    ("type", r"type of (?:inspection|report)|(?:inspection|report) type|type"),
    ("forces", r"(?:police )?forces?(?: inspected| name)?|force\(s\)"),
    ("grade", r"(?:overall )?(?:grade|judge?ment|rating|graded judge?ment)"),
    (
        "response_published_on",
        r"(?:date )?response published(?: on)?|response (?:publication )?date|date of (?:the )?response"
        r"|(?:pcc|pfcc|commissioner|office|opcc)(?:'?s)? response (?:published|date)|date responded",
    ),
    ("subject", r"re|subject|regarding|response to|our response to"),
    ("reference", r"(?:our|your) ref(?:erence)?|ref(?:erence)?"),
    ("date", r"date|dated"),
]
_FIELD_PATTERNS = [
    (name, re.compile(rf"(?:{pattern})", re.IGNORECASE)) for name, pattern in _FIELDS
]

# Known section headings, matched against the whole normalised heading text.
KEY_FINDINGS, CAUSES, RECOMMENDATIONS, AFIS, PRACTICES = (
    "key_findings",
    "causes",
    "recommendations",
    "afis",
    "practices",
)
JUDGEMENTS, CHECKLIST, OTHER = "judgements", "checklist", "other"
FORCE_RESPONSE, OFFICE_RESPONSE, REPLY_TO_FORCE = "force_response", "office_response", "reply"
LETTER, SIGNATURE, PREAMBLE, PRESS_NOTES = "letter", "signature", "preamble", "press_notes"
_RESPONSE_SECTIONS = (FORCE_RESPONSE, OFFICE_RESPONSE, REPLY_TO_FORCE)

_SECTION_VOCABULARY = [
    (
        KEY_FINDINGS,
        r"(?:(?:our|the) )?(?:(?:key|main|headline|overall|principal|inspection|summary of(?: (?:our|the|key))?) )?"
        r"findings(?: (?:and|&) (?:judge?ments|conclusions))?|what we found|key messages|overview"
        r"|(?:executive |overall )?summary(?: of (?:the )?(?:report|inspection|findings))?",
    ),
    (
        CAUSES,
        r"(?:an? )?(?:accelerated |national )?causes? (?:of|for) concerns?(?: \d{1,3}| [a-h])?",
    ),
    (
        RECOMMENDATIONS,
        r"(?:(?:our|the|national|force|hmicfrs) )?recommendations?(?: \d{1,3}(?:\.\d{1,2})?| [a-h])?"
        r"(?: (?:to|for) (?:the )?[a-z' ,]{2,60})?|we recommend|what (?:the force|forces) should do",
    ),
    (
        AFIS,
        r"(?:(?:our|the) )?areas? (?:for|of) improvement(?: \(afis?\))?(?: \d{1,3}| [a-h])?"
        r"|afis?(?: \d{1,3})?|areas? to improve",
    ),
    (
        PRACTICES,
        r"(?:(?:innovative|promising|notable|good|effective)(?: and | or | ?/ ?))?"
        r"(?:innovative|promising|notable|good|effective) practices?(?: \d{1,3})?(?: examples?)?",
    ),
    (
        JUDGEMENTS,
        r"(?:(?:our|the|overall|graded|peel|summary of(?: graded)?) )*(?:judge?ments?|grades|gradings?|ratings)"
        r"(?: (?:summary|table|and grades))?|how we graded (?:the )?forces?",
    ),
    (
        CHECKLIST,
        r"for (?:office|internal) use(?: only)?|office use only|(?:publication |response )?checklist"
        r"|distribution(?: list)?|circulation(?: list)?",
    ),
    (PRESS_NOTES, r"notes? (?:to|for) (?:editors?|eds)|ends|- ?ends ?-"),
    (
        PREAMBLE,
        r"(?:(?:the )?(?:report|inspection|publication|document|response) )(?:details|information)"
        r"|details of (?:the )?(?:report|inspection)|about (?:this|the) (?:report|inspection)",
    ),
]
_SECTION_PATTERNS = [(kind, re.compile(pattern)) for kind, pattern in _SECTION_VOCABULARY]
_PRESS_MARKER_RE = re.compile(
    r"(?:press|news|media) (?:release|statement|notice)|for immediate release|embargoed.*",
)
_SALUTATION_RE = re.compile(r"^dear\s+\S.{0,80}$", re.IGNORECASE)
_SIGNOFF_RE = re.compile(
    r"^(?:yours (?:sincerely|faithfully|truly)|(?:with )?(?:kind|best|warm) regards|regards),?$",
    re.IGNORECASE,
)
_OFFICE_NAME_RE = re.compile(
    r"\b(?:office of the|police,? (?:fire and )?(?:and )?crime commissioner|opcc|pfcc"
    r"|mayor's office for policing|deputy mayor for policing)\b",
    re.IGNORECASE,
)
_STATUTORY_RE = re.compile(
    r"section\s*55\b.{0,80}police act|police act 1996.{0,40}section\s*55", re.I
)
_DOC_HEADING_RE = re.compile(
    r"\bresponses?\b.{0,120}\b(?:hmicfrs|hmic|inspectorate|inspections?|inspection report)\b"
    r"|\b(?:section 55|s\.?55) response\b",
    re.IGNORECASE,
)

_FORCE_ROLE = (
    r"(?:deputy |assistant |temporary |acting )*chief constables?(?:'s)?|chief officers?(?:'s)?"
    r"|commissioner of (?:police|the metropolis)|(?:the )?force(?:'s)?|constabulary(?:'s)?"
    r"|police service(?:'s)?"
)
_OFFICE_ROLE = (
    r"police,? (?:fire and )?(?:and )?crime commissioner(?:'s)?|p?f?cc(?:'s)?|opcc(?:'s)?|pfcc(?:'s)?"
    r"|commissioner(?:'s)?|(?:deputy )?mayor(?:'s)?|mopac(?:'s)?|office(?:'s)?|our|my|local policing body(?:'s)?"
    r"|police authority(?:'s)?|common council(?:'s)?"
)
_ROLE_RE = re.compile(
    rf"\b(?:(?P<force>{_FORCE_ROLE})|(?P<office>{_OFFICE_ROLE}))\b", re.IGNORECASE
)
_SPEAKER_RE = re.compile(
    r"\b(?:(?P<force>(?:deputy |assistant |temporary |acting )*chief constable|chief officer"
    r"|commissioner of police(?: of the metropolis)?)"
    r"|(?P<office>police,? (?:fire and )?(?:and )?crime commissioner|p?f?cc|commissioner"
    r"|(?:deputy )?mayor))\b",
    re.IGNORECASE,
)
_RESPONSE_WORD_RE = re.compile(
    r"\b(?:responses?|comments?|reply|statement|views?|observations|remarks)\b", re.IGNORECASE
)
_REPLY_TO_FORCE_RE = re.compile(
    rf"\b(?:response|reply|responding)\s+to\s+(?:the\s+)?(?:{_FORCE_ROLE})\s*"
    r"(?:comments?|response|reply|views?)",
    re.IGNORECASE,
)


def _heading_key(text: str) -> str:
    """'## 3.1 CAUSE FOR CONCERN:' -> 'cause for concern'."""
    key = text.strip().lstrip("#").strip().strip("*_").strip()
    key = re.sub(
        r"^(?:(?:section|part|chapter)\s+)?(?:\d{1,2}(?:\.\d{1,2})*\.?|[ivx]{1,5}[.)]|[a-h][.)])\s+",
        "",
        key,
        flags=re.IGNORECASE,
    )
    key = key.rstrip(" :.-\u2013\u2014").strip("*_").strip()
    key = key.lower().replace("&", "and")
    return re.sub(r"\s+", " ", key)


_NOT_A_HEADING_RE = re.compile(
    r"\b(?:forwarded|sent|is|are|was|were|has|have|had|will|would|should|must|said|says|i|we)\b"
)


def _response_heading(key: str) -> str | None:
    """Whose comments does a heading introduce? The first role named is the author."""
    if len(key) > 140 or _NOT_A_HEADING_RE.search(key):
        return None
    return _whose_comments(key)


def _whose_comments(key: str) -> str | None:
    if not _RESPONSE_WORD_RE.search(key):
        return None
    match = _ROLE_RE.search(key)
    if match is None:
        return None
    if match["force"]:
        return FORCE_RESPONSE
    if _REPLY_TO_FORCE_RE.search(key, match.end()):
        return REPLY_TO_FORCE
    return OFFICE_RESPONSE


def _section_for(key: str) -> str | None:
    if not key or len(key) > 140:
        return None
    for kind, pattern in _SECTION_PATTERNS:
        if pattern.fullmatch(key):
            return kind
    return _response_heading(key)


def _is_plural(kind: str, key: str) -> bool:
    if kind == KEY_FINDINGS:
        return True
    if re.search(r"\d{1,3}$|\b[a-h]$", key):
        return False
    return bool(
        re.search(r"\b(?:recommendations|areas|causes|afis|practices|we recommend|concerns)\b", key)
    )


def _heading_number(key: str) -> str:
    match = re.search(r"\b(\d{1,3}(?:\.\d{1,2})?|[a-h])$", key)
    return match.group(1) if match else ""


# --- Units: lines grouped into headings, fields, paragraphs and bullets ---------------------


@dataclass(slots=True)
class _Unit:
    kind: str  # heading, field, para, bullet, judgement, salutation, signoff
    text: str
    lines: list[_Line]
    section: str = ""  # headings: the section they open ("" for unknown headings)
    key: str = ""  # headings: normalised text; fields: the field name
    strong: bool = False  # unknown headings: does it end the current section?
    numbered: bool = False  # headings: "3. Recommendations", "## Recommendations", in capitals
    marker: str = ""  # bullets
    value: str = ""  # fields: the value
    area: str = ""  # judgements
    grade: str = ""

    @property
    def spans(self) -> list[Span]:
        return [Span(self.lines[0].start, self.lines[-1].end)]


_TERMINAL = (".", "!", "?", ":", ";", ",", '"', "'", ")")
_VERB_RE = re.compile(
    r"\b(?:should|must|will|is|are|was|were|has|have|had|said|can|we|our)\b", re.I
)


def _unknown_heading_strength(line: _Line, single: bool) -> tuple[bool, bool]:
    """(is it a heading?, is it strong?) for a line that is no known heading."""
    text = line.text
    if text.startswith("#"):
        level = len(text) - len(text.lstrip("#"))
        return True, level <= 3
    if not single or len(text) > 90:
        return False, False
    bare = text.strip("*_ ")
    bold = text.startswith("**") and text.endswith("**") and len(bare) > 1
    words = bare.split()
    if not words or len(words) > 10 or not (bare[0].isupper() or bare[0].isdigit()):
        return False, False
    if bare.endswith(_TERMINAL) and not (bare.endswith(":") and len(words) <= 4):
        return False, False
    if _VERB_RE.search(bare) or find_date(bare):
        return False, False
    numbered = re.match(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+[A-Z]", bare) is not None
    letters = [c for c in bare if c.isalpha()]
    capitals = len(letters) >= 3 and all(c.isupper() for c in letters)
    return True, bold or capitals or numbered


def _is_top_level(text: str) -> bool:
    """A heading of the document rather than of a part: numbered, marked up or in capitals."""
    if re.match(r"^\s*(?:#|(?:section|part|chapter)\s|\d{1,2}\.?\s|[ivx]{1,5}[.)]\s)", text, re.I):
        return True
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


def _field(line: _Line) -> tuple[str, str] | None:
    match = _FIELD_RE.match(line.text)
    if not match:
        return None
    label = re.sub(r"\s+", " ", match["label"].strip().lower())
    for name, pattern in _FIELD_PATTERNS:
        if pattern.fullmatch(label):
            value = match["value"].strip()
            if name == "date" and not find_date(value):
                return None
            if name in ("title", "type", "forces", "grade", "subject", "reference") and (
                len(value) > 300 or (name == "grade" and value and not _grade_of(value))
            ):
                return None
            return name, value
    return None


def _grade_of(text: str) -> str:
    match = _GRADE_ONLY_RE.match(text.strip())
    return _GRADE_WORDS[match["grade"].lower()] if match else ""


def _inline_heading(line: _Line) -> tuple[str, str, str] | None:
    """'Recommendation 1: By June, the force should ...' -> (section, key, rest)."""
    match = re.match(
        r"^(?P<head>[^:]{3,80}?)\s*(?::|\s[-\u2013\u2014]\s)\s*(?P<rest>\S.*)$", line.text
    )
    if not match:
        return None
    key = _heading_key(match["head"])
    section = _section_for(key)
    if section is None or section in (PRESS_NOTES, CHECKLIST):
        return None
    return section, key, match["rest"]


def _units(lines: list[_Line]) -> list[_Unit]:
    """Group lines into units. Blank lines separate blocks; inside a block, text lines join."""
    units: list[_Unit] = []
    blocks: list[list[_Line]] = []
    block: list[_Line] = []
    for line in lines:
        if line.text:
            block.append(line)
        elif block:
            blocks.append(block)
            block = []
    if block:
        blocks.append(block)

    for block in blocks:
        single = len(block) == 1
        width = max(len(line.text) for line in block)
        # Hard-wrapped text: short lines, some of them ending mid-sentence. A block whose every
        # line ends a sentence is a run of one-line paragraphs instead.
        hard_wrapped = (
            not single
            and width <= 100
            and any(not line.text.endswith(_TERMINAL) for line in block[:-1])
        )
        current: _Unit | None = None
        for line in block:
            unit = _classify(line, single)
            alone = _grade_of(line.text) != ""  # "Good" under an area: never a wrapped line
            if unit is None:  # plain text: continue the paragraph or bullet, or start one
                if current is not None and current.kind in ("para", "bullet") and not alone:
                    previous = current.lines[-1].text
                    wrapped = not previous.endswith(_TERMINAL) or (
                        hard_wrapped and len(previous) >= 0.6 * width
                    )
                    if wrapped:
                        joiner = "" if previous.endswith("-") and previous[-2:-1].isalpha() else " "
                        current.text = current.text + joiner + line.text
                        current.lines.append(line)
                        continue
                unit = _Unit("para", line.text, [line])
                judgement = _JUDGEMENT_LINE_RE.match(line.text)
                if judgement and len(judgement["area"].split()) <= 10:
                    unit.kind = "judgement"
                    unit.area = judgement["area"].strip(" *_")
                    unit.grade = _GRADE_WORDS[judgement["grade"].lower()]
            units.append(unit)
            current = unit
    return units


def _classify(line: _Line, single: bool) -> _Unit | None:
    text = line.text
    if _SALUTATION_RE.match(text):
        return _Unit("salutation", text, [line])
    if _SIGNOFF_RE.match(text):
        return _Unit("signoff", text, [line])
    found = _field(line)
    if found:
        name, value = found
        return _Unit("field", text, [line], key=name, value=value)
    if len(text) > 200:  # too long for a heading, a marker or a date line
        bullet = _BULLET_RE.match(text)
        if bullet:
            return _Unit("bullet", bullet["text"], [line], marker=bullet["marker"])
        inline = _inline_heading(line)
        if inline:
            section, key, rest = inline
            return _Unit("heading", text, [line], section=section, key=key, value=rest)
        return None
    key = _heading_key(text)
    bullet = _BULLET_RE.match(text)
    if _PRESS_MARKER_RE.fullmatch(key):
        return _Unit("marker", text, [line])
    if len(key.split()) <= 16 and (bullet is None or _marker_number(bullet["marker"]).isdigit()):
        section = _section_for(key)
        if section is not None:
            return _Unit(
                "heading", text, [line], section=section, key=key, numbered=_is_top_level(text)
            )
    if (
        bullet is None
        and _DOC_HEADING_RE.search(text)
        and len(text) <= 200
        and not text.endswith(".")
    ):
        return _Unit("docheading", text, [line])
    if bullet:
        if _marker_number(bullet["marker"]).isdigit() and single:
            is_heading, strong = _unknown_heading_strength(line, single)
            if is_heading:
                return _Unit("heading", text, [line], key=key, strong=strong, numbered=True)
        return _Unit("bullet", bullet["text"], [line], marker=bullet["marker"])
    inline = _inline_heading(line)
    if inline:
        section, key, rest = inline
        return _Unit("heading", text, [line], section=section, key=key, value=rest)
    judgement = _JUDGEMENT_LINE_RE.match(text)
    if judgement and len(judgement["area"].split()) <= 10:
        return _Unit(
            "judgement",
            text,
            [line],
            area=judgement["area"].strip(" *_"),
            grade=_GRADE_WORDS[judgement["grade"].lower()],
        )
    is_heading, strong = _unknown_heading_strength(line, single)
    if is_heading:
        return _Unit("heading", text, [line], key=_heading_key(text), strong=strong)
    return None


# --- Sections ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Section:
    kind: str
    heading: _Unit | None
    units: list[_Unit] = field(default_factory=list)
    plural: bool = True
    number: str = ""

    @property
    def where(self) -> str:
        if self.heading is None:
            return "at the start" if self.kind == PREAMBLE else ""
        return f'under the heading "{self.heading.text.strip("#*_ ").rstrip(":")}"'


def _sections(units: list[_Unit]) -> list[_Section]:
    sections = [_Section(PREAMBLE, None)]
    for unit in units:
        current = sections[-1]
        if (
            unit.kind == "heading"
            and unit.section in _RESPONSE_SECTIONS
            and current.kind in (RECOMMENDATIONS, AFIS, CAUSES)
            and (unit.value or not (current.plural or unit.numbered))
        ):
            # "PCC response: ..." after a recommendation answers that recommendation.
            if unit.value:
                current.units.append(_Unit("para", unit.text, unit.lines))
            else:
                who = "force" if unit.section == FORCE_RESPONSE else "office"
                current.units.append(_Unit("note", unit.text, unit.lines, key=who))
            continue
        if unit.kind == "heading" and unit.section:
            section = _Section(
                unit.section,
                unit,
                plural=_is_plural(unit.section, unit.key),
                number=_heading_number(unit.key),
            )
            sections.append(section)
            if unit.value:  # inline heading: the rest of the line is the section's first text
                section.units.append(_Unit("para", unit.value, unit.lines))
            continue
        if unit.kind == "heading" and unit.strong and current.kind != LETTER:
            sections.append(_Section(OTHER, unit))
            continue
        if unit.kind == "salutation":
            sections.append(_Section(LETTER, unit))
            continue
        if unit.kind == "signoff":
            sections.append(_Section(SIGNATURE, unit))
            continue
        if current.kind == LETTER and unit.kind == "para" and unit.text.endswith(":"):
            # "The Chief Constable has provided the following comments:" opens their comments.
            kind = _whose_comments(unit.text.lower()) if len(unit.text) <= 200 else None
            if kind is not None:
                sections.append(_Section(kind, unit))
                continue
        current.units.append(unit)
    return sections


# --- Reading -------------------------------------------------------------------------------


class _Reader:
    def __init__(self, source: str, forces: Sequence[ForceName]):
        self.source = source
        self.forces = forces
        self.result = ParseResult(source=source)
        self.last_cause: int | None = None
        self.fields: dict[str, Value] = {}

    # Helpers ---------------------------------------------------------------------------

    def recognise(self, label: str, units: Iterable[_Unit]) -> None:
        units = list(units)
        if units:
            self.result.recognised.append(
                Recognised(label, "\n".join(u.text for u in units), _spans(units))
            )

    def not_placed(self, units: list[_Unit], where: str) -> None:
        """List units as not placed; runs with nothing but space between them stay together."""
        for unit in units:
            text = _markup([unit])
            previous = self.result.not_placed[-1] if self.result.not_placed else None
            start = unit.lines[0].start
            if (
                previous is not None
                and previous.where == where
                and previous.spans[-1].end <= start
                and not self.source[previous.spans[-1].end : start].strip()
            ):
                previous.text = previous.text + ("\n" if unit.kind == "bullet" else "\n\n") + text
                previous.spans.extend(unit.spans)
            else:
                self.result.not_placed.append(NotPlaced(text, list(unit.spans), where))

    def add_item(self, item: Item) -> int:
        self.result.items.append(item)
        return len(self.result.items) - 1

    def set_field(self, name: str, value, units: list[_Unit]) -> bool:
        if name in self.fields:
            return False
        self.fields[name] = Value(value, _spans(units))
        return True

    # The document ------------------------------------------------------------------------

    def read(self) -> ParseResult:
        units = _units(_lines(self.source))
        sections = _sections(units)
        self.result.layout = _layout(sections)
        # Fields first, wherever they are: "Inspection title:" beats a guess from the first line.
        self.taken: set[int] = set()
        for unit in units:
            if unit.kind == "field" and self.take_field(unit):
                self.taken.add(id(unit))
        for section in sections:
            if section.heading is not None and section.kind not in (OTHER,):
                if section.kind in (LETTER, SIGNATURE):
                    self.recognise("Letter layout", [section.heading])
                elif section.heading.kind == "para":
                    pass  # a lead-in inside a letter: kept with the comments it opens
                else:
                    self.recognise("Heading", [section.heading])
            elif section.kind == OTHER and section.heading is not None:
                self.heading_of_other(section)
            reader = getattr(self, f"read_{section.kind}")
            reader(section)
        self.finish()
        return self.result

    def heading_of_other(self, section: _Section) -> None:
        heading = section.heading
        if heading.text.startswith("#") and "title" not in self.fields and not self.result.items:
            self.set_field("title", _strip_heading(heading.text), [heading])
            section.kind = PREAMBLE
            return
        self.not_placed([heading], section.where)

    def read_other(self, section: _Section) -> None:
        leftovers = self.take_common(section.units)
        self.not_placed(leftovers, section.where)

    def take_common(self, units: list[_Unit]) -> list[_Unit]:
        """Fields and graded judgements are recognised wherever they are; return the rest."""
        rest = []
        for unit in units:
            if unit.kind == "field" and id(unit) in self.taken:
                continue
            if unit.kind == "marker":
                self.recognise("Press release", [unit])
                continue
            if unit.kind == "docheading":
                self.recognise("Document heading", [unit])
                continue
            if unit.kind == "marker":
                self.recognise("Press release", [unit])
                continue
            if unit.kind == "judgement":
                self.result.judgements.append(Judgement(unit.area, unit.grade, unit.spans))
                continue
            rest.append(unit)
        return rest

    def take_field(self, unit: _Unit) -> bool:
        name, value = unit.key, unit.value
        if name == "title" and value:
            return self.set_field("title", value, [unit])
        if name == "subject" and value:
            title, published = _subject(value)
            done = self.set_field("title", title, [unit])
            if published:
                self.set_field("published_on", published, [unit])
            return done or published is not None
        if name in ("published_on", "response_published_on", "date"):
            found = find_date(value)
            if not found:
                return False
            target = name
            if name == "date":
                target = (
                    "response_published_on" if self.result.layout != "report" else "published_on"
                )
            return self.set_field(target, found[0], [unit])
        if name == "type" and value:
            return self.set_field("type", value, [unit])
        if name == "forces" and value:
            return self.set_field("forces_text", value, [unit])
        if name == "grade" and value:
            grade = _grade_of(value)
            if grade:
                self.result.judgements.append(Judgement("Overall", grade, unit.spans))
                return True
            return False
        if name == "reference":
            self.recognise("Reference", [unit])
            return True
        return False

    def read_preamble(self, section: _Section) -> None:
        units = self.take_common(section.units)
        leftovers = []
        for unit in units:
            text = unit.text
            if unit.kind == "heading" and not unit.section:
                unit = _Unit("para", unit.text.strip("#*_ "), unit.lines)
                text = unit.text
            if _STATUTORY_RE.search(text):
                self.recognise("Statutory statement", [unit])
                continue
            if unit.kind == "marker":
                self.recognise("Press release", [unit])
                continue
            published = re.match(
                r"^(?:this report was |first |report )?(?:published|publication date)(?: on)?:?\s+(?P<rest>.+)$",
                text,
                re.IGNORECASE,
            )
            if (
                published
                and len(text) < 80
                and (found := find_date(published["rest"]))
                and self.set_field("published_on", found[0], [unit])
            ):
                continue
            found = find_date(text)
            if found and len(text) <= 40 and found[2] - found[1] >= len(text) - 12:
                name = "published_on" if self.result.layout == "report" else "response_published_on"
                if self.set_field(name, found[0], [unit]):
                    continue
            if self.result.layout == "letter" and unit.kind == "para" and len(text) < 100:
                # Letterhead and addresses before "Dear ...".
                self.recognise("Letterhead or address", [unit])
                continue
            if unit.kind == "para" and (
                (_DOC_HEADING_RE.search(text) and len(text) <= 250 and not text.endswith("."))
                or (_OFFICE_NAME_RE.search(text) and len(text) <= 120 and not _VERB_RE.search(text))
            ):
                self.recognise("Document heading", [unit])
                continue
            if (
                self.result.layout == "press"
                and len(text.split()) <= 20
                and not text.endswith(_TERMINAL)
                and not _VERB_RE.search(text)
            ):
                self.recognise("Headline", [unit])
                continue
            if (
                unit.kind == "para"
                and self.result.layout != "press"
                and "title" not in self.fields
                and len(text) <= 200
                and not text.endswith((".", ";", ",", ":", '"', "'", "!", "?"))
                and not text.startswith(('"', "'"))
                and len(text.split()) >= 2
            ):
                self.set_field("title", text, [unit])
                continue
            leftovers.append(unit)
        if self.result.layout == "press":
            leftovers = self.read_press(leftovers)
        self.not_placed(leftovers, section.where)

    def read_press_notes(self, section: _Section) -> None:
        self.not_placed(self.take_common(section.units), section.where)

    def read_press(self, units: list[_Unit]) -> list[_Unit]:
        """A press statement: each quoted paragraph goes to whoever said it."""
        leftovers: list[_Unit] = []
        speaker: str | None = None
        for unit in units:
            text = unit.text
            if "title" not in self.fields:
                quoted = re.search(
                    r"\breport\b[^\"']{0,40}?(?:entitled|titled|called)?\s*[\"'](?P<title>[^\"']{10,200})[\"']",
                    text,
                )
                if quoted:
                    self.set_field("title", quoted["title"].strip(), [unit])
            for match in re.finditer(r"\bpublished\s+(?:on\s+)?(?P<rest>.{0,40})", text, re.I):
                if "published_on" in self.fields:
                    break
                if found := find_date(match["rest"]):
                    self.set_field("published_on", found[0], [unit])
                elif (
                    match["rest"].lower().startswith("today")
                    and "response_published_on" in self.fields
                    and "report" in text[match.start() - 60 : match.start()].lower()
                ):
                    self.set_field(
                        "published_on", self.fields["response_published_on"].value, [unit]
                    )
            said = re.search(r"\b(?:said|says|added|commented|stated|explained)\b", text)
            if said:
                sentence_start = max(text.rfind(".", 0, said.start()) + 1, 0)
                role = _SPEAKER_RE.search(text, sentence_start) or _SPEAKER_RE.search(text)
                if role and role.start() < said.start() + 120:
                    speaker = FORCE_RESPONSE if role["force"] else OFFICE_RESPONSE
                if speaker is None:
                    leftovers.append(unit)
                    continue
            elif not (text.startswith(('"', "'")) and speaker):
                leftovers.append(unit)
                continue
            self.add_comments(speaker, [unit])
        return leftovers

    # Findings ------------------------------------------------------------------------------

    def read_key_findings(self, section: _Section) -> None:
        units = self.take_common(section.units)
        for lead, bullets, group in _groups(units):
            if lead is not None and lead.kind == "heading":
                self.recognise("Subheading", [lead])
                lead = None
                group = group[1:]
            if not group:
                continue
            if lead is None:
                for bullet in bullets:
                    self.add_item(Item(KEY_FINDING, bullet.text, bullet.spans))
                continue
            text = _group_text(lead, bullets)
            self.add_item(Item(KEY_FINDING, text, _spans(group), bullets=[b.text for b in bullets]))
        self.last_cause = None

    def read_practices(self, section: _Section) -> None:
        self.read_listed(section, PRACTICE)
        self.last_cause = None

    def read_causes(self, section: _Section) -> None:
        self.read_listed(section, CAUSE_OF_CONCERN)

    def read_recommendations(self, section: _Section) -> None:
        self.read_listed(section, RECOMMENDATION)

    def read_afis(self, section: _Section) -> None:
        self.read_listed(section, AFI)
        self.last_cause = None

    def read_listed(self, section: _Section, kind: str) -> None:
        """Causes, recommendations, AFIs, practice: one item per bullet or paragraph under a
        plural heading; one item for everything under a singular one ("Recommendation 2")."""
        units = self.take_common(section.units)
        first_item = len(self.result.items)
        if not section.plural:
            self.read_single(section, kind, units)
        else:
            for lead, bullets, group in _groups(units):
                self.read_group(section, kind, lead, bullets, group)
        if kind == CAUSE_OF_CONCERN and len(self.result.items) > first_item:
            self.last_cause = len(self.result.items) - 1

    def read_single(self, section: _Section, kind: str, units: list[_Unit]) -> None:
        body: list[_Unit] = []
        notes: list[tuple[str, list[_Unit]]] = []
        timescale_units: list[_Unit] = []
        in_note: list[_Unit] | None = None
        for unit in units:
            if unit.kind == "note":
                notes.append((unit.key, [unit]))
                in_note = notes[-1][1]
                continue
            who = _note_kind(unit.text) if unit.kind == "para" else None
            if who:
                notes.append((who, [unit]))
                in_note = notes[-1][1]
                continue
            if unit.kind == "para" and _TIMESCALE_LABEL_RE.match(unit.text):
                timescale_units.append(unit)
                continue
            if in_note is not None:
                in_note.append(unit)
                continue
            body.append(unit)
        if not body:
            leftovers = [u for _, group in notes for u in group] + timescale_units
            self.not_placed(sorted(leftovers, key=lambda u: u.lines[0].start), section.where)
            return
        item = Item(kind, _markup(body), _spans(body + timescale_units))
        item.bullets = [u.text for u in body if u.kind == "bullet"]
        item.reference = _reference(kind, section.number, self.result.items)
        timescale_text = ""
        if timescale_units:
            timescale_text = _TIMESCALE_LABEL_RE.sub("", timescale_units[0].text)
        lead = next((u.text for u in body if u.kind == "para"), body[0].text)
        self.finish_item(item, lead_text=lead, timescale_text=timescale_text)
        index = self.add_item(item)
        for who, group in notes:
            self.attach_note(index, who, group)

    def read_group(self, section, kind, lead, bullets, group) -> None:
        if lead is not None and lead.kind == "heading":
            self.recognise("Subheading", [lead])
            group = group[1:]
            lead = None
        if lead is not None:
            note = _note_kind(lead.text) if lead.kind == "para" else lead.key
            if lead.kind == "note" or (note and self.result.items):
                if self.result.items:
                    self.attach_note(len(self.result.items) - 1, note, group)
                else:
                    self.not_placed(group, section.where)
                return
        if lead is not None and not bullets:
            if _looks_like(kind, lead.text):
                item = Item(kind, lead.text, lead.spans)
                item.reference = _reference(kind, "", self.result.items)
                self.finish_item(item, lead_text=lead.text)
                self.add_item(item)
            else:
                self.not_placed([lead], section.where)
            return
        for bullet in bullets:
            number = _marker_number(bullet.marker)
            spans = ([lead.spans[0]] if lead is not None else []) + bullet.spans
            item = Item(kind, bullet.text, spans)
            item.reference = _reference(kind, number, self.result.items)
            self.finish_item(item, lead_text=lead.text if lead is not None else bullet.text)
            self.add_item(item)

    def finish_item(self, item: Item, *, lead_text: str, timescale_text: str = "") -> None:
        if item.kind == RECOMMENDATION:
            item.addressees = _addressees(lead_text) or _addressees(item.text)
            item.timescale_text = (
                timescale_text
                or _timescale_text(lead_text)
                or (_timescale_text(item.text) if lead_text != item.text else "")
            )
            item.cause = self.last_cause

    def attach_note(self, index: int, who: str, group: list[_Unit]) -> None:
        """The office's explanation (or the force's comment) beside an item."""
        item = self.result.items[index]
        if group[0].kind == "note":
            text = _markup(group[1:])
        else:
            text = _NOTE_LABEL_RE.sub("", _markup(group), count=1)
        if who == "force":
            item.force_comment = (item.force_comment + "\n\n" + text).strip()
        else:
            item.explanation = (item.explanation + "\n\n" + text).strip()
        item.spans.extend(_spans(group))

    # Graded judgements ---------------------------------------------------------------------

    def read_judgements(self, section: _Section) -> None:
        units = self.take_common(section.units)
        leftovers = []
        index = 0
        while index < len(units):
            unit = units[index]
            following = units[index + 1] if index + 1 < len(units) else None
            if (
                following is not None
                and unit.kind in ("para", "heading")
                and len(unit.text) <= 90
                and _grade_of(following.text)
            ):
                self.result.judgements.append(
                    Judgement(
                        unit.text.strip("#*_: "),
                        _grade_of(following.text),
                        unit.spans + following.spans,
                    )
                )
                index += 2
                continue
            leftovers.append(unit)
            index += 1
        self.not_placed(leftovers, section.where)

    # Responses ---------------------------------------------------------------------------------

    def add_comments(self, kind: str, units: list[_Unit]) -> None:
        if not units:
            return
        name = {
            FORCE_RESPONSE: "force_comments",
            OFFICE_RESPONSE: "office_comments",
            REPLY_TO_FORCE: "reply_to_force",
        }[kind]
        text = _markup(units)
        existing = getattr(self.result, name)
        if existing is None:
            setattr(self.result, name, Comments(text, _spans(units)))
        else:
            existing.text = existing.text + "\n\n" + text
            existing.spans.extend(_spans(units))

    def read_response(self, section: _Section, kind: str) -> None:
        units = self.take_common(section.units)
        if section.heading is not None and section.heading.kind == "para":
            # A lead-in sentence in a letter: recognised, not part of the comments.
            self.recognise("Lead-in", [section.heading])
        body = []
        for unit in units:
            if unit.kind == "heading" and not unit.section:
                unit = _Unit("para", unit.text.strip("#*_ "), unit.lines)
            body.append(unit)
        self.add_comments(kind, body)

    def read_force_response(self, section: _Section) -> None:
        self.read_response(section, FORCE_RESPONSE)

    def read_office_response(self, section: _Section) -> None:
        self.read_response(section, OFFICE_RESPONSE)

    def read_reply(self, section: _Section) -> None:
        self.read_response(section, REPLY_TO_FORCE)

    def read_letter(self, section: _Section) -> None:
        """The body of a letter from the office: the office's comments."""
        self.read_response(section, OFFICE_RESPONSE)

    def read_signature(self, section: _Section) -> None:
        units = self.take_common(section.units)
        lines = [line for unit in units for line in unit.lines][:5]
        short = []
        for line in lines:
            if len(line.text) > 120:
                break
            short.append(line)
        if short:
            name = short[0].text
            title = ", ".join(line.text for line in short[1:3])
            signature_units = [_Unit("para", line.text, [line]) for line in short]
            self.result.signatory = Value({"name": name, "title": title}, _spans(signature_units))
        used = {id(line) for line in short}
        rest = []
        for unit in units:
            remaining = [line for line in unit.lines if id(line) not in used]
            if remaining:
                rest.append(_Unit("para", " ".join(line.text for line in remaining), remaining))
        self.not_placed(rest, section.where or "after the signature")

    def read_checklist(self, section: _Section) -> None:
        units = self.take_common(section.units)
        for unit in units:
            for line in unit.lines:
                text = line.text
                bullet = _BULLET_RE.match(text)
                marker = ""
                while bullet:
                    marker += bullet["marker"]
                    text = bullet["text"]
                    bullet = _BULLET_RE.match(text)
                ticked, text = _tick(marker, text)
                self.result.checklist.append(
                    ChecklistEntry(text, ticked, _recipient(text), [line.span])
                )

    # Derived values ----------------------------------------------------------------------

    def finish(self) -> None:
        result = self.result
        fields = self.fields
        result.title = fields.get("title")
        result.published_on = fields.get("published_on")
        result.response_published_on = fields.get("response_published_on")
        if "type" in fields:
            result.inspection_type_label = fields["type"]
        title_text = str(result.title.value) if result.title else ""
        label = str(result.inspection_type_label.value) if result.inspection_type_label else ""
        head = self.source[:3000]
        report_type = _report_type(title_text, label, head)
        spans = (result.title.spans if result.title else []) + (
            result.inspection_type_label.spans if result.inspection_type_label else []
        )
        result.report_type = Value(report_type, spans)

        # Forces: named in the title or a "Force:" field, else at the start of the document.
        found: dict[str, Value] = {}
        if result.title:
            _find_forces(title_text, result.title.spans, self.forces, found)
        if "forces_text" in fields:
            value = fields["forces_text"]
            named = _find_forces(str(value.value), value.spans, self.forces, found)
            if not named:
                result.recognised.append(Recognised("Forces", str(value.value), value.spans))
        if not found and report_type != THEMATIC:
            for entry in result.recognised:
                if entry.label in ("Document heading", "Letterhead or address"):
                    _find_forces(entry.text, entry.spans, self.forces, found)
        result.forces = list(found.values())
        national = report_type in (THEMATIC, STATE_OF_POLICING) or re.search(
            r"\b(?:national|all forces|forces in england and wales)\b",
            title_text + " " + label,
            re.I,
        )
        if len(result.forces) > 1:
            result.scope = SCOPE_MULTI
        elif not result.forces and national:
            result.scope = SCOPE_NATIONAL
        else:
            result.scope = SCOPE_FORCE

        result.judgements.sort(key=lambda j: j.spans[0].start if j.spans else 0)
        result.recognised.sort(key=lambda r: r.spans[0].start if r.spans else 0)
        # An overall judgement written in a sentence ("graded as 'requires improvement'").
        if not result.judgements:
            for text, spans in self.texts_with_spans():
                match = _GRADED_PHRASE_RE.search(text)
                if match:
                    area = "Crime data integrity" if report_type == CDI else "Overall"
                    if match["area"]:
                        area = match["area"][0].upper() + match["area"][1:]
                    grade = _GRADE_WORDS[match["grade"].lower()]
                    result.judgements.append(Judgement(area, grade, spans))
                    break
        if result.judgements:
            published = result.published_on.value if result.published_on else None
            grades = {j.grade for j in result.judgements}
            peel_five = report_type in (PEEL, PEEL_SPOTLIGHT) and (
                published is None or published >= FIVE_GRADE_PEEL_FROM
            )
            result.grading_framework = (
                FIVE_GRADES if "adequate" in grades or peel_five else FOUR_GRADES
            )
            if grades == {"not_graded"}:
                result.grading_framework = NOT_GRADED

        # Timescales: kind and target date from the text, relative to the publication date.
        published = result.published_on.value if result.published_on else None
        for item in result.items:
            if item.kind == RECOMMENDATION:
                timescale = parse_timescale(item.timescale_text, published_on=published)
                item.timescale_kind = str(timescale.kind)
                item.target_date = timescale.target_date

        for comments in (result.force_comments,):
            if comments is not None:
                name, role = _author(comments.text)
                comments.author_name, comments.author_role = name, role

        causes = [item for item in result.items if item.kind == CAUSE_OF_CONCERN]
        if len(causes) == 1 and causes[0].reference == "Cause of concern 1":
            causes[0].reference = "Cause of concern"

        self.cover_everything()
        self.explain()

    def texts_with_spans(self):
        """The cleaned text of each placed span of the comments and items, in that order."""
        things = [self.result.office_comments, self.result.force_comments, *self.result.items]
        for thing in things:
            if thing is None:
                continue
            for span in thing.spans:
                yield clean_line(self.source[span.start : span.end]), [span]

    def cover_everything(self) -> None:
        """Anything the rules above missed goes to "not placed", so nothing is ever lost."""
        covered = sorted((s.start, s.end) for s in self.result.placed_spans())
        covered += sorted((s.start, s.end) for s in self.result.not_placed_spans())
        covered.sort()
        missing: list[Span] = []
        position = 0
        for start, end in covered:
            if start > position:
                missing.append(Span(position, start))
            position = max(position, end)
        missing.append(Span(position, len(self.source)))
        for gap in missing:
            text = self.source[gap.start : gap.end]
            if text.strip():
                lead = len(text) - len(text.lstrip())
                trail = len(text) - len(text.rstrip())
                span = Span(gap.start + lead, gap.end - trail)
                self.result.not_placed.append(
                    NotPlaced(clean_line(text) if "\n" not in text else text.strip(), [span], "")
                )
        self.result.not_placed.sort(key=lambda entry: entry.spans[0].start)

    def explain(self) -> None:
        result = self.result
        found_anything = bool(
            result.items
            or result.judgements
            or result.is_response
            or result.title
            or result.published_on
        )
        # The messages are kept in English, as the parser's own record; the preview shows each
        # in its reader's language (`draft.message_text`).
        if not self.source.strip():
            result.messages.append(NO_TEXT)
        elif not found_anything:
            result.messages.append(NOTHING_RECOGNISED)
        elif result.not_placed:
            count = len(result.not_placed)
            result.messages.append(NOT_PLACED[count != 1] % {"count": count})
        if not result.title and self.source.strip():
            result.messages.append(NO_TITLE)
        if not result.published_on and self.source.strip():
            result.messages.append(NO_PUBLICATION_DATE)


# --- Helpers -------------------------------------------------------------------------------


def _spans(units: Iterable[_Unit]) -> list[Span]:
    spans: list[Span] = []
    for unit in units:
        for span in unit.spans:
            if spans and spans[-1].end >= span.start:
                spans[-1] = Span(spans[-1].start, max(spans[-1].end, span.end))
            else:
                spans.append(span)
    return spans


def _strip_heading(text: str) -> str:
    return text.lstrip("#").strip().strip("*_").strip()


def _bullet_prefix(marker: str) -> str:
    number = _marker_number(marker)
    return f"{number}. " if number.isdigit() else "- "


def _markup(units: list[_Unit]) -> str:
    """Units as the product's small markup: paragraphs between blank lines, "- " bullets."""
    parts: list[str] = []
    previous = ""
    for unit in units:
        if unit.kind == "bullet":
            line = _bullet_prefix(unit.marker) + unit.text
            if previous == "bullet":
                parts[-1] = parts[-1] + "\n" + line
            else:
                parts.append(line)
        else:
            parts.append(_strip_heading(unit.text) if unit.kind == "heading" else unit.text)
        previous = unit.kind
    return "\n\n".join(parts)


def _group_text(lead: _Unit, bullets: list[_Unit]) -> str:
    return _markup([lead, *bullets])


def _groups(units: list[_Unit]):
    """(lead paragraph or None, its bullets, all units) in order."""
    groups = []
    lead: _Unit | None = None
    bullets: list[_Unit] = []
    members: list[_Unit] = []
    for unit in units:
        if unit.kind == "bullet":
            bullets.append(unit)
            members.append(unit)
            continue
        if members:
            groups.append((lead, bullets, members))
        lead, bullets, members = unit, [], [unit]
    if members:
        groups.append((lead, bullets, members))
    return groups


def _marker_number(marker: str) -> str:
    match = re.search(r"\d{1,3}(?:\.\d{1,2})*", marker)
    if match:
        return match.group(0)
    letter = re.fullmatch(r"\(?([a-z])[.)]?\)?", marker.strip())
    return letter.group(1) if letter else ""


_REFERENCE_PREFIX = {RECOMMENDATION: "R", AFI: "AFI ", CAUSE_OF_CONCERN: "Cause of concern "}


def _reference(kind: str, number: str, items: list[Item]) -> str:
    prefix = _REFERENCE_PREFIX.get(kind)
    if prefix is None:
        return ""
    if not number.isdigit():
        number = str(sum(1 for item in items if item.kind == kind) + 1)
    return f"{prefix}{number}"


_LOOKS_LIKE_RE = re.compile(
    r"\b(?:should|must|needs? to|ought to|recommend|ensure|make sure|we found|is failing|fails?|"
    r"not (?:always|effectively|consistently)|improve|concern)\b",
    re.IGNORECASE,
)


def _looks_like(kind: str, text: str) -> bool:
    """Is a paragraph under a plural heading an item, or an introduction to them?"""
    if text.endswith(":"):
        return False
    if kind in (PRACTICE, CAUSE_OF_CONCERN):
        return len(text.split()) >= 6
    return bool(_LOOKS_LIKE_RE.search(text))


_NOTE_LABEL_RE = re.compile(
    r"^(?P<who>[^:\-\u2013]{0,60}?)\s*"
    r"(?:response|comments?|update|explanation|action(?: taken| proposed)?)s?\s*[:\-\u2013]\s*",
    re.IGNORECASE,
)
_TIMESCALE_LABEL_RE = re.compile(r"^timescales?\s*[:\-\u2013]\s*", re.IGNORECASE)


def _note_kind(text: str) -> str | None:
    """A paragraph that answers the item before it: the office's or the force's response."""
    match = _NOTE_LABEL_RE.match(text)
    if not match or not text[match.end() :].strip():
        return None
    who = match["who"].lower()
    role = _ROLE_RE.search(who)
    if role and role["force"]:
        return "force"
    return "office"


_ADDRESSEE_PATTERNS = [
    ("force", r"\b(?:the|this|each|every) force\b|\bconstabulary\b|\bpolice\s*,?\s*$"),
    ("chief_constables", r"\bchief constables\b|\bforces\b|\bchief officers\b"),
    (
        "policing_bodies",
        r"\bpolice(?:,)? (?:fire )?(?:and )?crime commissioners\b|\bp?f?ccs\b|\blocal policing bodies\b"
        r"|\bpolicing bodies\b|\bmayors\b",
    ),
    ("home_office", r"\bhome office\b|\bhome secretary\b"),
    ("college_of_policing", r"\bcollege of policing\b"),
    ("npcc", r"\bnpcc\b|\bnational police chiefs'? council\b"),
    (
        "other",
        r"\b(?:ministry of justice|crown prosecution service|cps|department for education"
        r"|department of health(?: and social care)?|nhs england|hm prison and probation service|hmpps"
        r"|national crime agency|local authorities|the government|ofsted)\b",
    ),
]
_ADDRESSEE_RES = [
    (name, re.compile(pattern, re.IGNORECASE)) for name, pattern in _ADDRESSEE_PATTERNS
]
_SUBJECT_END_RE = re.compile(
    r"\b(?:should|must|needs? to|is to|are to|will need to)\b", re.IGNORECASE
)


def _addressees(text: str) -> list[str]:
    """Who a recommendation is addressed to: the subject of its "should"."""
    end = _SUBJECT_END_RE.search(text)
    subject = text[: end.start()] if end else ""
    if not subject:
        return []
    return [name for name, pattern in _ADDRESSEE_RES if pattern.search(subject)]


_TIMESCALE_RE = re.compile(
    r"\b(?:immediately|with immediate effect"
    r"|within\s+(?:the\s+next\s+)?(?:\d{1,3}|[a-z]+(?:-[a-z]+)?)[\s-]+(?:days?|weeks?|months?|years?)"
    rf"|(?:by\s+no\s+later\s+than|no\s+later\s+than|by)\s+(?:the\s+end\s+of\s+)?(?:the\s+)?"
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTH})\.?,?\s+\d{{4}}|(?:{_MONTH})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|(?:{_MONTH})\.?,?\s+\d{{4}}|(?:calendar\s+)?(?:year\s+)?\d{{4}}))\b",
    re.IGNORECASE,
)


def _timescale_text(text: str) -> str:
    match = _TIMESCALE_RE.search(text)
    if not match:
        return ""
    found = match.group(0)
    return found[0].lower() + found[1:] if found[:2] in ("By", "Wi", "Im", "No") else found


def _subject(value: str) -> tuple[str, date | None]:
    """'PEEL 2021/22: An inspection of Kent Police (published 20 January 2023)'."""
    match = re.search(
        r"\s*\((?:report )?(?:published|dated)?\s*(?P<date>[^()]*)\)\s*$", value, re.I
    )
    if match and (found := find_date(match["date"])):
        return value[: match.start()].strip(" -:"), found[0]
    return value.strip(), None


_TICK_WORDS_RE = re.compile(r"^\[(?P<box>[xX\u2713\u2714 ]?)\]\s*")


def _tick(marker: str, text: str) -> tuple[bool, str]:
    """Is a checklist line ticked? Ticks and crosses may be the bullet or start the text."""
    ticked = any(c in _TICKS for c in marker)
    crossed = any(c in _CROSSES for c in marker)
    while text and text[0] in _TICKS + _CROSSES:
        ticked = ticked or text[0] in _TICKS
        crossed = crossed or text[0] in _CROSSES
        text = text[1:].lstrip()
    box = _TICK_WORDS_RE.match(text)
    if box:
        ticked = ticked or box["box"].strip() != ""
        crossed = crossed or box["box"].strip() == ""
        text = text[box.end() :]
    yes = re.search(r"\s*[-:(\[]\s*(?P<answer>yes|done|no|n/a)\s*[)\]]?\s*$", text, re.I)
    if yes:
        ticked = ticked or yes["answer"].lower() in ("yes", "done")
        crossed = crossed or yes["answer"].lower() in ("no", "n/a")
        text = text[: yes.start()]
    return ticked and not crossed, text.strip()


def _recipient(text: str) -> str:
    lowered = text.lower()
    for name, pattern in (
        ("hmicfrs", r"hmicfrs|hmic\b|inspectorate"),
        ("home_secretary", r"home secretary|home office"),
        ("panel", r"\bpanel\b"),
        (
            "chief_officer",
            r"chief constable|chief officer|\bforce\b|constabulary|commissioner of police",
        ),
        ("website", r"website|web site|published on"),
    ):
        if re.search(pattern, lowered):
            return name
    return ""


_AUTHOR_RE = re.compile(
    r"(?P<role>(?:(?:Temporary|Acting|Deputy|Assistant) )*(?:Chief Constable|Chief Officer|Commissioner)"
    r"(?: of (?:the )?[A-Z][\w-]+(?: [A-Z][\w-]+){0,3})?),? "
    r"(?P<name>(?:(?:Sir|Dame|Dr|Mr|Mrs|Ms|Miss) )?[A-Z][a-z'-]+(?: [A-Z][a-z'-]+){1,2})"
    r"(?= said| says|,| has| who| welcomed| added| commented)"
)


def _author(text: str) -> tuple[str, str]:
    match = _AUTHOR_RE.search(text[:600])
    if not match:
        return "", ""
    return match["name"], match["role"]


@lru_cache(maxsize=8)
def _force_patterns(forces: tuple[ForceName, ...]) -> list[tuple[str, re.Pattern[str]]]:
    """Compiled once per list of forces. A name of three letters or fewer ("Met") counts only
    as "<name> Police"; one-word names are matched with their capital letter."""
    candidates = []
    for force in forces:
        for name in force.names:
            if not name:
                continue
            if len(name) <= 3:
                pattern = rf"\b{re.escape(name)} Police\b"
                flags = 0
            else:
                pattern = rf"\b{re.escape(name)}\b"
                flags = re.IGNORECASE if len(name.split()) > 1 else 0
            candidates.append((len(name), force.key, re.compile(pattern, flags)))
    candidates.sort(key=lambda c: -c[0])
    return [(key, pattern) for _length, key, pattern in candidates]


def _find_forces(
    text: str, spans: list[Span], forces: Sequence[ForceName], found: dict[str, Value]
) -> bool:
    """Add the forces named in `text` to `found` (longest names first, so "South Wales Police"
    is not also read as "Wales"); True if any was named."""
    named = False
    taken: list[tuple[int, int]] = []
    for key, pattern in _force_patterns(tuple(forces)):
        for match in pattern.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            taken.append((match.start(), match.end()))
            named = True
            if key not in found:
                found[key] = Value(key, list(spans))
            else:
                found[key].spans.extend(s for s in spans if s not in found[key].spans)
    return named


_TYPE_RULES = [
    (FIRE, r"fire and rescue|fire & rescue|\bfrs\b"),
    (PEEL_SPOTLIGHT, r"peel spotlight|spotlight report"),
    (ACCELERATED, r"accelerated cause of concern"),
    (PEEL, r"\bpeel\b|police effectiveness, efficiency and legitimacy"),
    (CDI, r"crime data integrity|\bcdi\b|crime recording"),
    (STATE_OF_POLICING, r"state of policing"),
    (CUSTODY, r"\bcustody\b"),
    (CHILD_PROTECTION, r"child protection"),
    (JOINT, r"\bjoint\b|criminal justice joint inspection|\bhmcpsi\b|hmi probation|hmi prisons"),
    (COMMISSIONED, r"commissioned|at the request of"),
    (THEMATIC, r"thematic|national|all forces|an inspection of how (?:well )?(?:the )?police"),
]
_TYPE_RES = [(kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in _TYPE_RULES]


def _report_type(title: str, label: str, head: str) -> str:
    """The report's type from its title first, then the office's label, then the opening."""
    for text in (title, label, head):
        for kind, pattern in _TYPE_RES:
            if text and pattern.search(text):
                return kind
    return OTHER_TYPE


def _layout(sections: list[_Section]) -> str:
    kinds = {section.kind for section in sections}
    if LETTER in kinds:
        return "letter"
    preamble = sections[0]
    if any(u.kind == "marker" for u in preamble.units) or PRESS_NOTES in kinds:
        return "press"
    if kinds & {FORCE_RESPONSE, OFFICE_RESPONSE, REPLY_TO_FORCE, CHECKLIST}:
        return "response"
    return "report"


def parse(text: str, *, forces: Sequence[ForceName] = ()) -> ParseResult:
    """Read `text` into a proposed report (and response). Never raises on any string."""
    return _Reader(text, forces).read()

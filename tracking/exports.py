"""CSV and XLSX exports of a filtered tracker list: the same rows, in the same order, as the page
with the same filters (`tracking.filters.TrackerFilter`), every page of it.

Cells that a spreadsheet would run as a formula (text starting with =, +, - or @) are written
as text: in the CSV with a leading apostrophe (OWASP's advice on CSV injection), in the XLSX
as an explicit string cell, so an update's text can never become a formula.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop, pgettext

from core.i18n import CONTENT_LANGUAGE
from inspections.models import Finding, ReportType

from . import xlsx
from .rag import Rag, Status
from .reasons import DECISION_STARTS, DecisionWords
from .selectors import is_overdue


@dataclass(frozen=True)
class Column:
    heading: str
    width: int  # XLSX column width, in characters


COLUMNS = [
    Column(gettext_noop("Reference"), 12),
    Column(gettext_noop("Kind"), 22),
    Column(gettext_noop("Recommendation or area for improvement"), 60),
    Column(gettext_noop("Report"), 40),
    Column(gettext_noop("Report type"), 24),
    Column(gettext_noop("Report published"), 14),
    Column(gettext_noop("Office"), 28),
    Column(gettext_noop("Area"), 22),
    Column(gettext_noop("Office lead"), 22),
    Column(gettext_noop("Force lead"), 22),
    Column(gettext_noop("Status"), 16),
    Column(gettext_noop("RAG"), 10),
    Column(gettext_noop("Target date"), 14),
    Column(gettext_noop("Overdue"), 9),
    Column(gettext_noop("Last update"), 14),
    Column(gettext_noop("Days since last update"), 12),
    Column(gettext_noop("Latest update"), 60),
]
#: The headings in English: the columns are found by these (`HEADINGS.index(...)`), and an
#: English export has them as they are. `headings()` has them in the request's language.
HEADINGS = [c.heading for c in COLUMNS]


def headings() -> list[str]:
    """The headings in the request's language, translated now: a streamed CSV writes them
    after the view has returned, when the request's language may be gone."""
    return [gettext(h) for h in HEADINGS]


#: The columns each row is read from: plain values, no model instances (a national export of
#: 1,700 rows spent most of its time building and reading models; bench/staff_load.py).
FIELDS = (
    "finding__reference",
    "finding__kind",
    "finding__text",
    "finding__report__title",
    "finding__report__report_type",
    "finding__report__published_on",
    "policing_body__short_name",
    "area",
    "office_lead_id",
    "force_lead_id",
    "status",
    "rag",
    "target_date",
    "latest_update_date",
    "last_activity",
    "latest_update_text",
)


def _labels(choices) -> dict[str, str]:
    """{value: label} with each label translated once, in the request's language: a lazy label
    is translated again every time it is read (four times a row, 60% of a CSV export's time
    before; bench/staff_load.py)."""
    return {value: str(label) for value, label in choices}


def rows_for(queryset, *, today: date, lead_names: dict[int, str]) -> Iterator[list]:
    """Each item's cells, as Python values (dates stay dates), in the queryset's order. The
    rows are read with one ordinary query, all at once: an export holds one office's (or one
    force's) items, 1,624 rows and 0.8 MB of text for the bench's filtered export at national
    scale. Read a few hundred at a time through a server-side cursor, the query could never be
    prepared and its result was copied for the cursor to hold: 2 ms more of PostgreSQL's CPU
    and 1 ms more of ours (docs/benchmarks.md). `queryset` has `selectors.with_list_columns`' annotations;
    `lead_names` names every office and force lead by id (`TrackerFilter.lead_names`). The
    labels are translated here, in the request's language, before any row is read (a
    streamed CSV reads its rows after the view has returned). So are a closure decision's
    words in the latest update ("Closure refused: <reason>", `reasons.DecisionWords`): in a
    Welsh export the product's words are Welsh and the office's reason as written; an English
    export has the text as stored."""
    labels = (
        _labels(Finding.Kind.choices),
        _labels(ReportType.choices),
        _labels(Status.choices),
        _labels(Rag.choices),
    )
    # The Overdue column answers "Is it late?": in Welsh "Ydy" / "Nac ydy".
    overdue = (
        pgettext("an export's Overdue cell", "Yes"),
        pgettext("an export's Overdue cell", "No"),
    )
    words = None if translation.get_language() == CONTENT_LANGUAGE else DecisionWords()
    return _rows(queryset, today, lead_names, *labels, overdue, words)


def _rows(
    queryset, today, lead_names, kinds, report_types, statuses, rags, overdue, words
) -> Iterator[list]:
    yes, no = overdue
    for (
        reference,
        kind,
        text,
        title,
        report_type,
        published_on,
        office,
        area,
        office_lead,
        force_lead,
        status,
        rag,
        target_date,
        latest_update_date,
        last_activity,
        latest_update_text,
    ) in queryset.values_list(*FIELDS):
        update = latest_update_text or ""
        # The update's kind is not read (a second subquery a row): a text is looked at only
        # when it starts with a decision's English words (a startswith a row, not a pattern).
        if words is not None and update.startswith(DECISION_STARTS):
            update = words.plain_text(update)
        yield [
            reference,
            kinds.get(kind, kind),
            text,
            title,
            report_types.get(report_type, report_type),
            published_on,
            office,
            area,
            lead_names.get(office_lead, ""),
            lead_names.get(force_lead, ""),
            statuses[status],
            rags[rag],
            target_date,
            yes if is_overdue(status=status, target_date=target_date, today=today) else no,
            latest_update_date,
            (today - last_activity).days,
            update,
        ]


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


#: The columns of `rows_for` holding text that people wrote (and which could start like a
#: formula), and those holding dates; the rest are labels and numbers of our own.
_TEXT_COLUMNS = tuple(
    HEADINGS.index(h)
    for h in (
        "Reference",
        "Recommendation or area for improvement",
        "Report",
        "Office",
        "Area",
        "Office lead",
        "Force lead",
        "Latest update",
    )
)
_DATE_COLUMNS = tuple(HEADINGS.index(h) for h in ("Report published", "Target date", "Last update"))
_NUMBER_COLUMNS = tuple(HEADINGS.index(h) for h in ("Days since last update",))
#: Columns that may hold a comma, a quote or a line break: text and labels.
_CHECKED_COLUMNS = tuple(
    i for i in range(len(HEADINGS)) if i not in _DATE_COLUMNS + _NUMBER_COLUMNS
)
#: What makes `csv.writer` (its default dialect, QUOTE_MINIMAL) quote a field.
_QUOTED_IF = re.compile(r'[,"\r\n]')


def _csv_line(values: list) -> str:
    """A row of `rows_for` as `csv.writer` writes it (tests/tracking/test_exports.py holds the
    two together), with dates in ISO form, None empty, and text that a spreadsheet would run
    as a formula made text. A field at a time, through the writer, this was twice the CPU
    (docs/benchmarks.md)."""
    for i in _TEXT_COLUMNS:
        value = values[i]
        if not value:
            values[i] = ""
        elif value.startswith(_FORMULA_STARTS):
            values[i] = "'" + value
    for i in _DATE_COLUMNS:
        value = values[i]
        values[i] = value.isoformat() if value else ""
    for i in _NUMBER_COLUMNS:
        values[i] = "" if values[i] is None else str(values[i])
    for i in _CHECKED_COLUMNS:
        value = values[i]
        if _QUOTED_IF.search(value) is not None:
            values[i] = '"' + value.replace('"', '""') + '"'
    return ",".join(values) + "\r\n"


#: Rows written into each piece of a streamed CSV (about 60 KB at national scale). Through
#: gunicorn every piece is a chunk of its own and a write to the socket: a row a piece made
#: 1,684 writes for one export.
CSV_ROWS_PER_CHUNK = 128


def csv_chunks(rows: Iterable[list], *, headings: list[str] = HEADINGS) -> Iterator[str]:
    """The CSV in pieces of `CSV_ROWS_PER_CHUNK` rows (for a streaming response): the headings
    and the first rows, then the rest. `rows` are `rows_for`'s, `headings` (English unless
    given) are `headings()`, translated before the response is streamed."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(headings)
    piece = [buffer.getvalue()]
    for n, values in enumerate(rows, start=1):
        piece.append(_csv_line(values))
        if n % CSV_ROWS_PER_CHUNK == 0:
            yield "".join(piece)
            piece = []
    if piece:  # the last rows, or no rows: the headings alone
        yield "".join(piece)


def to_csv(rows: Iterable[list], *, headings: list[str] = HEADINGS) -> str:
    return "".join(csv_chunks(rows, headings=headings))


#: What each column of `rows_for` holds, for the XLSX writer's faster path (`xlsx.write`).
XLSX_KINDS = [
    xlsx.DATE if i in _DATE_COLUMNS else xlsx.NUMBER if i in _NUMBER_COLUMNS else xlsx.TEXT
    for i in range(len(HEADINGS))
]


def to_xlsx(
    rows: Iterable[list], *, headings: list[str] = HEADINGS, title: str = "Tracker"
) -> bytes:
    """The rows under the headings (English unless given: `headings()`), in a sheet with the
    columns' widths, the heading row bold, frozen and filtered (tracking/xlsx.py writes the
    file)."""
    return xlsx.write(
        rows,
        headings=headings,
        widths=[c.width for c in COLUMNS],
        kinds=XLSX_KINDS,
        title=title,
        creator="Section 55 Tracker",
        created=timezone.now(),
    )


def filename(extension: str, *, today: date) -> str:
    return f"tracker-{today:%Y-%m-%d}.{extension}"

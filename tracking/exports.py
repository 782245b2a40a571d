"""CSV and XLSX exports of a filtered tracker list: the same rows, in the same order, as the page
with the same filters (`tracking.filters.TrackerFilter`), every page of it.

Cells that a spreadsheet would run as a formula (text starting with =, +, - or @) are written
as text: in the CSV with a leading apostrophe (OWASP's advice on CSV injection), in the XLSX
as an explicit string cell, so an update's text can never become a formula.
"""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from inspections.models import Finding, ReportType

from . import xlsx
from .rag import Rag, Status
from .selectors import is_overdue


@dataclass(frozen=True)
class Column:
    heading: str
    width: int  # XLSX column width, in characters


COLUMNS = [
    Column("Reference", 12),
    Column("Kind", 22),
    Column("Recommendation or area for improvement", 60),
    Column("Report", 40),
    Column("Report type", 24),
    Column("Report published", 14),
    Column("Office", 28),
    Column("Area", 22),
    Column("Office lead", 22),
    Column("Force lead", 22),
    Column("Status", 16),
    Column("RAG", 10),
    Column("Target date", 14),
    Column("Overdue", 9),
    Column("Last update", 14),
    Column("Days since last update", 12),
    Column("Latest update", 60),
]
HEADINGS = [c.heading for c in COLUMNS]


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


def rows_for(queryset, *, today: date, lead_names: dict[int, str]) -> Iterator[list]:
    """Each item's cells, as Python values (dates stay dates), in the queryset's order, read a
    few hundred at a time. `queryset` has `selectors.with_list_columns`' annotations;
    `lead_names` names every office and force lead by id (`TrackerFilter.lead_names`)."""
    kinds = dict(Finding.Kind.choices)
    report_types = dict(ReportType.choices)
    statuses = dict(Status.choices)
    rags = dict(Rag.choices)
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
    ) in queryset.values_list(*FIELDS).iterator(chunk_size=500):
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
            "Yes" if is_overdue(status=status, target_date=target_date, today=today) else "No",
            latest_update_date,
            (today - last_activity).days,
            latest_update_text or "",
        ]


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe_text(value):
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


class _Line:
    """A file-like object whose write() hands back what csv.writer wrote."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list]) -> Iterator[str]:
    """The CSV, a line at a time (for a streaming response): the headings, then each row."""
    writer = csv.writer(_Line())
    yield writer.writerow(HEADINGS)
    for values in rows:
        yield writer.writerow(
            [
                v.isoformat() if isinstance(v, date) else _safe_text("" if v is None else v)
                for v in values
            ]
        )


def to_csv(rows: Iterable[list]) -> str:
    return "".join(csv_lines(rows))


def to_xlsx(rows: Iterable[list], *, title: str = "Tracker") -> bytes:
    """The rows under the headings, in a sheet with the columns' widths, the heading row bold,
    frozen and filtered (tracking/xlsx.py writes the file)."""
    return xlsx.write(
        rows,
        headings=HEADINGS,
        widths=[c.width for c in COLUMNS],
        title=title,
        creator="Section 55 Tracker",
        created=timezone.now(),
    )


def filename(extension: str, *, today: date) -> str:
    return f"tracker-{today:%Y-%m-%d}.{extension}"

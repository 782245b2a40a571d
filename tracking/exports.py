"""CSV and XLSX exports of a filtered tracker list: the same rows, in the same order, as the page
with the same filters (`tracking.filters.TrackerFilter`), every page of it.

Cells that a spreadsheet would run as a formula (text starting with =, +, - or @) are written
as text: in the CSV with a leading apostrophe (OWASP's advice on CSV injection), in the XLSX
as an explicit string cell, so an update's text can never become a formula.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from .rag import Rag, Status
from .selectors import Row


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


def row_values(row: Row) -> list:
    """One item's cells, as Python values (dates stay dates)."""
    item = row.item
    finding = item.finding
    report = finding.report
    return [
        finding.reference,
        finding.get_kind_display(),
        finding.text,
        report.title,
        report.get_report_type_display(),
        report.published_on,
        item.policing_body.short_name,
        item.area,
        item.office_lead.display_name if item.office_lead else "",
        item.force_lead.display_name if item.force_lead else "",
        Status(item.status).label,
        Rag(item.rag).label,
        item.target_date,
        "Yes" if row.overdue else "No",
        item.latest_update_date,
        row.days_since_update,
        item.latest_update_text or "",
    ]


def rows_for(queryset, *, today: date) -> list[list]:
    return [row_values(Row(item, today)) for item in queryset]


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe_text(value):
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADINGS)
    for values in rows:
        writer.writerow(
            [
                v.isoformat() if isinstance(v, date) else _safe_text("" if v is None else v)
                for v in values
            ]
        )
    return out.getvalue()


def to_xlsx(rows: list[list], *, title: str = "Tracker") -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    # Write-only: rows are streamed out as they are appended, with their styles on the cells
    # (a national export of 1,700 rows cost 2.6 s the usual way; bench/staff_load.py).
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADINGS))}{len(rows) + 1}"
    text = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")

    def cell(value):
        if value == "":
            value = None
        elif isinstance(value, str):
            # Control characters pasted from other programs are not allowed in XLSX text.
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        written = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            # openpyxl turns any string starting with "=" into a formula: say it is text.
            written.data_type = "s"
            written.alignment = text
        else:
            if isinstance(value, date):
                written.number_format = "d mmm yyyy"
            written.alignment = top
        return written

    bold = Font(bold=True)
    headings = []
    for heading in HEADINGS:
        headings.append(WriteOnlyCell(sheet, value=heading))
        headings[-1].font = bold
    sheet.append(headings)
    for values in rows:
        sheet.append([cell(value) for value in values])
    workbook.properties.creator = "Section 55 Tracker"
    workbook.properties.created = timezone.now().replace(tzinfo=None)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def filename(extension: str, *, today: date) -> str:
    return f"tracker-{today:%Y-%m-%d}.{extension}"

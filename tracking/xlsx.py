"""A one-sheet XLSX file written directly: the tracker's Excel export.

An XLSX file is a zip of a few XML parts (ECMA-376, "Office Open XML"). The export needs one
sheet of text, whole numbers and dates under a bold heading row, with column widths, the
heading row frozen and a filter on it: a few fixed parts and one generated sheet. Writing the
sheet's XML here costs a fraction of a general library's per-cell objects and style lookups:
1,684 rows of 17 columns at national scale took 300 ms of CPU with openpyxl's write-only mode
and about 50 ms here (bench/staff_load.py, docs/benchmarks.md). The tests read every file back
with openpyxl.

Text is written as inline strings (`t="inlineStr"`), never as a formula, so text that starts
with "=" stays text. Control characters that XML 1.0 cannot hold are removed.
"""

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from itertools import batched
from xml.sax.saxutils import escape

from django.utils.functional import Promise

#: Characters XML 1.0 cannot hold (tab, line feed and carriage return are allowed).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_EPOCH = date(1899, 12, 30)  # day 0 of Excel's 1900 date system, as every reader counts it

# Cell formats (cellXfs) in styles.xml, by position.
_HEADING, _TEXT, _NUMBER, _DATE = 1, 2, 3, 4

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>"""

_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
</Relationships>"""

_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"""

_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="d mmm yyyy"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="5">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top"/></xf>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top"/></xf>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""


def column_letter(index: int) -> str:
    """1 -> "A", 27 -> "AA"."""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


#: What `_text` changes: characters to escape or to remove. Most text has none of them.
_TO_CLEAN = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f]")


def _text(value: str) -> str:
    if _TO_CLEAN.search(value) is None:
        return value
    return escape(_ILLEGAL.sub("", value))


def _cell(ref: str, value) -> str:
    """One cell's XML, or "" for an empty one."""
    if value is None or value == "":
        return ""
    kind = type(value)
    if kind is str:  # the most common: checked first, by exact type
        return f'<c r="{ref}" s="{_TEXT}" t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'
    if kind is int:
        return f'<c r="{ref}" s="{_NUMBER}"><v>{value}</v></c>'
    if kind is date:
        return f'<c r="{ref}" s="{_DATE}"><v>{(value - _EPOCH).days}</v></c>'
    if isinstance(value, Promise):
        value = str(value)  # a translated label, in the language of the request
    if isinstance(value, str):
        return f'<c r="{ref}" s="{_TEXT}" t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" s="{_NUMBER}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f'<c r="{ref}" s="{_DATE}"><v>{(value - _EPOCH).days}</v></c>'
    return f'<c r="{ref}" s="{_NUMBER}"><v>{value}</v></c>'


def write(
    rows: Iterable[list],
    *,
    headings: list[str],
    widths: list[int],
    title: str,
    creator: str,
    created: datetime,
    kinds: list[str] | None = None,
) -> bytes:
    """The XLSX file: a bold, frozen heading row with a filter, then `rows` (str, int, float,
    bool, date or None cells) in columns of `widths` characters. `kinds`, if given, says what
    every cell of each column is (TEXT: str, NUMBER: int, DATE: date; or None or "", an empty
    cell), and the rows are written by a faster path (`_typed_rows`) to the same XML."""
    letters = [column_letter(n) for n in range(1, len(headings) + 1)]
    out = io.BytesIO()
    # Level 1: the sheet's repetitive XML compresses nearly as well, in a third of the time.
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        archive.writestr("docProps/core.xml", _core(creator=creator, created=created))
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            rows = _rows(rows, letters) if kinds is None else _typed_rows(rows, letters, kinds)
            count = _write_sheet(sheet, rows, headings=headings, widths=widths, letters=letters)
        archive.writestr("xl/workbook.xml", _workbook(title, letters[-1], count + 1))
    return out.getvalue()


def _write_sheet(sheet, rows, *, headings, widths, letters) -> int:
    cols = "".join(
        f'<col min="{n}" max="{n}" width="{width}" customWidth="1"/>'
        for n, width in enumerate(widths, start=1)
    )
    heading_cells = "".join(
        f'<c r="{letter}1" s="{_HEADING}" t="inlineStr"><is><t>{_text(h)}</t></is></c>'
        for letter, h in zip(letters, headings, strict=True)
    )
    sheet.write(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
        'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/></sheetView>'
        f'</sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
        f'<row r="1">{heading_cells}</row>'.encode()
    )
    count = 0
    for batch in batched(rows, 200):
        sheet.write("".join(batch).encode())
        count += len(batch)
    sheet.write(f'</sheetData><autoFilter ref="A1:{letters[-1]}{count + 1}"/></worksheet>'.encode())
    return count


def _rows(rows, letters) -> Iterator[str]:
    """Each row's `<row>`, numbered from 2 (the heading is row 1), a cell at a time."""
    for number, values in enumerate(rows, start=2):
        cells = "".join(
            [
                _cell(f"{letter}{number}", value)
                for letter, value in zip(letters, values, strict=True)
                if value is not None and value != ""
            ]
        )
        yield f'<row r="{number}">{cells}</row>'


TEXT, NUMBER, DATE = "text", "number", "date"


def _typed_rows(rows, letters, kinds) -> Iterator[str]:
    """`_rows`' XML for rows whose columns are of `kinds` (see `write`): each row is one
    `str.format` of a template for its empty and filled cells, made once for each such
    pattern, and its text is looked at once for anything to escape. A cell at a time cost
    two thirds of the Excel export's CPU at national scale (docs/benchmarks.md)."""
    texts = {i for i, kind in enumerate(kinds) if kind == TEXT}
    dates = {i for i, kind in enumerate(kinds) if kind == DATE}
    templates, positions = {}, {}
    for number, values in enumerate(rows, start=2):
        filled = tuple([value is not None and value != "" for value in values])
        values = [value for value in values if value is not None and value != ""]
        template = templates.get(filled)
        if template is None:
            template = templates[filled] = _row_template(filled, letters, kinds)
            # The positions, among the filled cells, of the text and of the dates.
            positions[filled] = (
                [n for n, i in enumerate(j for j, f in enumerate(filled) if f) if i in texts],
                [n for n, i in enumerate(j for j, f in enumerate(filled) if f) if i in dates],
            )
        text_at, dates_at = positions[filled]
        if _TO_CLEAN.search("".join([values[n] for n in text_at])) is not None:
            for n in text_at:
                values[n] = _text(values[n])
        for n in dates_at:
            values[n] = (values[n] - _EPOCH).days
        yield template.format(number, *values)


_TEMPLATES = {
    TEXT: '<c r="{letter}{{0}}" s="%d" t="inlineStr"><is><t xml:space="preserve">{{{n}}}</t></is></c>'
    % _TEXT,
    NUMBER: '<c r="{letter}{{0}}" s="%d"><v>{{{n}}}</v></c>' % _NUMBER,
    DATE: '<c r="{letter}{{0}}" s="%d"><v>{{{n}}}</v></c>' % _DATE,
}


def _row_template(filled, letters, kinds) -> str:
    """A row's `str.format` template: {0} its number, {1}... its filled cells' values."""
    cells, n = [], 0
    for is_filled, letter, kind in zip(filled, letters, kinds, strict=True):
        if is_filled:
            n += 1
            cells.append(_TEMPLATES[kind].format(letter=letter, n=n))
    return '<row r="{0}">' + "".join(cells) + "</row>"


def _workbook(title: str, last_column: str, last_row: int) -> str:
    name = escape(_ILLEGAL.sub("", title[:31]), {'"': "&quot;"})
    quoted = name.replace("'", "''")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets>'
        '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
        f"'{quoted}'!$A$1:${last_column}${last_row}</definedName></definedNames></workbook>"
    )


def _core(*, creator: str, created: datetime) -> str:
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:creator>{_text(creator)}</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        "</cp:coreProperties>"
    )

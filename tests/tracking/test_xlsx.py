"""The XLSX writer (tracking/xlsx.py): what it writes reads back, cell for cell and with its
layout, through openpyxl, an independent reader of the format."""

import io
import zipfile
from datetime import UTC, date, datetime

import pytest
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from tracking import xlsx


def _write(rows, headings=("Text", "Number", "Day"), kinds=None):
    return xlsx.write(
        rows,
        kinds=kinds,
        headings=list(headings),
        widths=[30, 8, 14][: len(headings)],
        title="Tracker",
        creator="Section 55 Tracker",
        created=datetime(2026, 12, 4, 9, 30, tzinfo=UTC),
    )


def _read(data):
    workbook = load_workbook(io.BytesIO(data))
    return workbook, workbook.active


def test_cells_read_back_as_written():
    _, sheet = _read(
        _write(
            [
                ["Audit <started> & done", 3, date(2020, 7, 7)],
                ["", None, None],
                ["Line one\nline two", 0, date(1999, 12, 31)],
            ]
        )
    )

    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Text", "Number", "Day")
    assert rows[1][:2] == ("Audit <started> & done", 3)
    assert rows[1][2].date() == date(2020, 7, 7)  # a date cell: openpyxl reads a datetime
    assert rows[2] == (None, None, None)
    assert rows[3][:2] == ("Line one\nline two", 0)
    assert rows[3][2].date() == date(1999, 12, 31)


def test_translated_labels_yes_no_and_moments_read_back():
    _, sheet = _read(
        _write(
            [
                [gettext_lazy("Open"), True, datetime(2020, 7, 7, 15, 30, tzinfo=UTC)],
                ["plain > text", False, date(2020, 7, 8)],
            ]
        )
    )

    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0][:2] == ("Open", True)
    assert rows[0][2].date() == date(2020, 7, 7)
    assert rows[1][:2] == ("plain > text", False)
    assert rows[1][2].date() == date(2020, 7, 8)


def test_text_that_looks_like_a_formula_stays_text():
    _, sheet = _read(_write([['=HYPERLINK("http://evil.example")', 1, None]]))

    cell = sheet["A2"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://evil.example")'


def test_characters_xml_cannot_hold_are_removed():
    _, sheet = _read(_write([["bell\x07 and null\x00 gone", 1, None]]))

    assert sheet["A2"].value == "bell and null gone"


def test_the_layout_a_reader_needs():
    workbook, sheet = _read(_write([["a", 1, date(2020, 1, 2)]] * 3))

    assert sheet.title == "Tracker"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:C4"
    assert sheet["A1"].font.b
    assert sheet.column_dimensions["A"].width == 30
    assert sheet["A2"].alignment.wrap_text
    assert sheet["A2"].alignment.vertical == "top"
    assert sheet["C2"].number_format == "d mmm yyyy"
    assert workbook.properties.creator == "Section 55 Tracker"


def test_an_empty_list_has_the_heading_row_only():
    data = _write([])
    _, sheet = _read(data)

    assert list(sheet.iter_rows(values_only=True)) == [("Text", "Number", "Day")]
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None


@pytest.mark.parametrize(("index", "letters"), [(1, "A"), (17, "Q"), (26, "Z"), (27, "AA")])
def test_column_letters(index, letters):
    assert xlsx.column_letter(index) == letters


def test_typed_rows_are_written_as_cell_by_cell():
    """The export's rows go through a faster path that knows each column's kind
    (`kinds=`); it must write the same sheet as the cell-by-cell one, for every mix of empty
    and filled cells and text that needs escaping or cleaning."""
    rows = [
        ["Audit <started> & done", 3, date(2020, 7, 7)],
        ["", None, None],
        [None, 0, date(1899, 12, 31)],
        ["bell\x07 only", -2, None],
        ["\x07\x08", 5, date(2030, 1, 1)],
        ["Line one\nline two", None, date(2020, 1, 1)],
        ["plain", 7, date(2021, 2, 3)],
        ["plain again", 8, date(2021, 2, 4)],
    ]
    kinds = [xlsx.TEXT, xlsx.NUMBER, xlsx.DATE]

    typed = _sheet_xml(_write([list(r) for r in rows], kinds=kinds))
    cell_by_cell = _sheet_xml(_write([list(r) for r in rows]))

    assert typed == cell_by_cell
    assert '<c r="A6" s="2" t="inlineStr"><is><t xml:space="preserve"></t></is></c>' in typed


def _sheet_xml(data) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()

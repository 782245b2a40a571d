"""Reading text out of what staff paste or upload. Word and PDF files are made in the test with
python-docx and WeasyPrint, so the fixtures are real files of each kind."""

import io
import zipfile
from datetime import date

import pytest
from django.utils import translation

from responses.importer import extract, parser
from responses.importer.extract import (
    MAX_BYTES,
    ExtractionError,
    extract_pasted,
    extract_upload,
    looks_like_html,
)

from .conftest import FORCE_NAMES, NORFOLK, fixture_bytes, fixture_text


def _docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Norfolk Constabulary Crime Data Integrity inspection 2019", level=1)
    document.add_paragraph("Date published: 7 January 2020")
    document.add_heading("Key findings", level=2)
    document.add_paragraph("We found the force has:")
    document.add_paragraph("created a crime data integrity action plan;", style="List Bullet")
    document.add_paragraph("introduced an investigation team.", style="List Bullet")
    paragraph = document.add_paragraph()
    paragraph.add_run("Recommendations").bold = True
    document.add_paragraph("The force should immediately:")
    document.add_paragraph("take steps to record all violent crime;", style="List Number")
    document.add_paragraph("train its supervisors.", style="List Number")
    document.add_heading("Graded judgements", level=2)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Crime data integrity"
    table.cell(0, 1).text = "Requires improvement"
    table.cell(1, 0).text = "Overall"
    table.cell(1, 1).text = "Requires improvement"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_word_document_keeps_its_headings_lists_and_tables():
    extracted = extract_upload(_docx(), filename="report.docx")
    assert extracted.kind == "docx"
    lines = extracted.text.splitlines()
    assert "# Norfolk Constabulary Crime Data Integrity inspection 2019" in lines
    assert "- created a crime data integrity action plan;" in lines
    assert "1. take steps to record all violent crime;" in lines
    assert "2. train its supervisors." in lines
    assert "**Recommendations**" in lines
    assert "Crime data integrity\tRequires improvement" in lines


def test_a_word_document_reads_into_a_report():
    result = parser.parse(extract_upload(_docx()).text, forces=FORCE_NAMES)
    assert result.title.value == "Norfolk Constabulary Crime Data Integrity inspection 2019"
    assert result.published_on.value == date(2020, 1, 7)
    assert [f.value for f in result.forces] == ["norfolk"]
    (finding,) = [i for i in result.items if i.kind == parser.KEY_FINDING]
    assert finding.bullets == [
        "created a crime data integrity action plan;",
        "introduced an investigation team.",
    ]
    recommendations = [i for i in result.items if i.kind == parser.RECOMMENDATION]
    assert [(r.reference, r.text, r.timescale_text) for r in recommendations] == [
        ("R1", "take steps to record all violent crime;", "immediately"),
        ("R2", "train its supervisors.", "immediately"),
    ]
    assert [(j.area, j.grade) for j in result.judgements] == [
        ("Crime data integrity", "requires_improvement"),
        ("Overall", "requires_improvement"),
    ]
    assert result.not_placed == []


def _pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def test_a_text_pdf_reads_into_a_report():
    html = """<html><body style="font-family: sans-serif">
      <h1>Norfolk Constabulary Crime Data Integrity inspection 2019</h1>
      <p>Date published: 7th January 2020</p>
      <h2>Cause for concern</h2>
      <p>Norfolk Constabulary is failing to make sure it correctly records all violent crimes
      reported to it.</p>
      <h2>Areas for improvement</h2>
      <ul><li>The force should review its backlog of crime records.</li>
      <li>The force should always record reports from professional third parties.</li></ul>
    </body></html>"""
    extracted = extract_upload(_pdf(html), filename="report.pdf")
    assert extracted.kind == "pdf"
    result = parser.parse(extracted.text, forces=FORCE_NAMES)
    assert result.title.value == "Norfolk Constabulary Crime Data Integrity inspection 2019"
    assert result.published_on.value == date(2020, 1, 7)
    causes = [i for i in result.items if i.kind == parser.CAUSE_OF_CONCERN]
    assert [c.text for c in causes] == [
        "Norfolk Constabulary is failing to make sure it correctly records all violent crimes "
        "reported to it."
    ]
    afis = [i.text for i in result.items if i.kind == parser.AFI]
    assert afis == [
        "The force should review its backlog of crime records.",
        "The force should always record reports from professional third parties.",
    ]


def test_a_pdf_without_text_is_refused_with_a_reason():
    blank = _pdf(
        "<html><body><div style='width:10px;height:10px;background:#000'></div></body></html>"
    )
    with pytest.raises(ExtractionError, match="scanned image"):
        extract_upload(blank)


def test_a_damaged_pdf_is_refused_with_a_reason():
    with pytest.raises(ExtractionError, match="could not be read"):
        extract_upload(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage")


def test_the_summary_page_reads_only_its_main_content():
    extracted = extract_upload(fixture_bytes("hmicfrs-summary-page.html"))
    assert extracted.kind == "html"
    assert "Our work" not in extracted.text and "Crown copyright" not in extracted.text
    assert "window.dataLayer" not in extracted.text
    assert extracted.text.startswith("# Cleveland Police: National child protection inspection")
    assert "1. make sure that every missing child report" in extracted.text
    assert extracted.notes == [
        "Only the main content of the web page was read; its navigation, header and footer "
        "were left out."
    ]


def test_pasted_html_source_is_read_as_a_web_page():
    extracted = extract_pasted(
        "<html><body><h2>Recommendations</h2><ul><li>Act now.</li></ul></body></html>"
    )
    assert extracted.kind == "html"
    assert extracted.text == "## Recommendations\n\n- Act now."


def test_prose_mentioning_a_tag_is_not_html():
    assert not looks_like_html("The <p> element is a paragraph, and <div> a division.")


@pytest.mark.parametrize(
    "encoded",
    [
        "Key findings: the force\u2019s work\r\n".encode("utf-8"),
        "Key findings: the force\u2019s work\r\n".encode("utf-8-sig"),
        "Key findings: the force\u2019s work\r\n".encode("utf-16"),
        "Key findings: the force\u2019s work\r\n".encode("cp1252"),
    ],
)
def test_text_files_in_the_usual_encodings(encoded):
    extracted = extract_upload(encoded, filename="notes.txt")
    assert extracted.kind == "text"
    assert extracted.text.strip() == "Key findings: the force\u2019s work"


def test_the_reference_document_uploaded_as_text_is_the_same_as_pasted():
    assert extract_upload(fixture_bytes(NORFOLK)).text == extract_pasted(fixture_text(NORFOLK)).text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, r"an image \(PNG\)"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, r"an image \(JPEG\)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 20, "older Word"),
        (b"{\\rtf1\\ansi Hello}", "Rich Text"),
        (bytes(range(256)) * 8, "not text"),
        (b"PK\x03\x04 not really a zip", "damaged"),
    ],
)
def test_files_that_cannot_be_read_get_a_message_that_says_what_to_do(data, message):
    with pytest.raises(ExtractionError, match=message):
        extract_upload(data)


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_other_office_files_are_named():
    with pytest.raises(ExtractionError, match="a spreadsheet"):
        extract_upload(_zip({"xl/workbook.xml": b"<x/>"}))
    with pytest.raises(ExtractionError, match="OpenDocument"):
        extract_upload(_zip({"content.xml": b"<x/>", "mimetype": b"application/vnd.oasis"}))
    with pytest.raises(ExtractionError, match="a ZIP archive"):
        extract_upload(_zip({"notes.txt": b"hello"}))


def test_more_than_two_megabytes_is_refused():
    with pytest.raises(ExtractionError, match="2 MB"):
        extract_upload(b"a" * (MAX_BYTES + 1))
    with pytest.raises(ExtractionError, match="2 MB"):
        extract_pasted("a" * (MAX_BYTES + 1))


def test_too_much_text_is_refused_in_the_readers_language(monkeypatch):
    monkeypatch.setattr(extract, "MAX_TEXT_CHARACTERS", 2_000)
    with pytest.raises(ExtractionError, match="more than 2,000 characters of text"):
        extract_pasted("a " * 1_500)
    with translation.override("cy"), pytest.raises(ExtractionError) as refused:
        extract_pasted("a " * 1_500)
    assert str(refused.value) == (
        "Mae mwy na 2,000 o nodau o destun yn y ddogfen, sy'n fwy nag y mae'r mewnforiwr yn ei "
        "ddarllen ar unwaith. Rhannwch y ddogfen, neu gludwch y rhannau sydd eu hangen arnoch "
        "yn unig."
    )


def test_empty_or_blank_text_is_refused():
    with pytest.raises(ExtractionError, match="Paste the text"):
        extract_pasted("  \n\t ")
    with pytest.raises(ExtractionError, match="no text"):
        extract_upload(b"\n\n   \n")


def test_nul_characters_are_removed():
    assert extract_pasted("Key\x00 findings").text == "Key findings"

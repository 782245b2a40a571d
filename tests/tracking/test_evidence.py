"""Evidence files are recognised by their content, not their name, and limited in size."""

import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from tracking import evidence

from .conftest import docx_bytes, jpeg_bytes, pdf_bytes, png_bytes, upload, xlsx_bytes

#: The start of a Windows executable (the "MZ" DOS header), as a renamed .exe would begin.
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


@pytest.mark.parametrize(
    ("name", "make", "content_type"),
    [
        ("audit report.pdf", pdf_bytes, evidence.PDF),
        ("chart.png", png_bytes, evidence.PNG),
        ("photo.jpg", jpeg_bytes, evidence.JPEG),
        ("photo.JPEG", jpeg_bytes, evidence.JPEG),
        ("action plan.docx", docx_bytes, evidence.DOCX),
        ("audit results.xlsx", xlsx_bytes, evidence.XLSX),
    ],
)
def test_real_files_of_each_accepted_type_are_accepted(name, make, content_type):
    content = make()

    checked = evidence.inspect_upload(upload(name, content))

    assert checked.content_type == content_type
    assert checked.original_name == name
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()


def test_a_renamed_executable_is_refused():
    with pytest.raises(ValidationError) as refusal:
        evidence.inspect_upload(upload("report.pdf", EXECUTABLE, "application/pdf"))

    assert refusal.value.code == "content"
    assert "report.pdf is not a real PDF, DOCX, XLSX, PNG or JPEG file" in refusal.value.messages[0]


def test_an_executable_with_its_own_extension_is_refused_for_its_type():
    with pytest.raises(ValidationError) as refusal:
        evidence.inspect_upload(upload("setup.exe", EXECUTABLE))

    assert refusal.value.code == "type"


def test_a_file_whose_content_is_another_accepted_type_than_its_name_is_refused():
    with pytest.raises(ValidationError) as refusal:
        evidence.inspect_upload(upload("report.pdf", png_bytes()))

    assert refusal.value.code == "mismatch"
    assert "its content is a PNG image" in refusal.value.messages[0]


def test_a_zip_that_is_not_an_office_document_is_refused_even_if_named_docx():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.exe", EXECUTABLE)

    with pytest.raises(ValidationError) as refusal:
        evidence.inspect_upload(upload("plan.docx", out.getvalue()))

    assert refusal.value.code == "content"


def test_a_macro_enabled_word_document_renamed_docx_is_refused():
    source = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"wordprocessingml.document.main+xml",
                    b"ms-word.document.macroEnabled.main+xml",
                )
            archive.writestr(info, data)

    with pytest.raises(ValidationError) as refusal:
        evidence.inspect_upload(upload("plan.docx", out.getvalue()))

    assert refusal.value.code == "content"


def test_a_spreadsheet_named_docx_is_refused():
    with pytest.raises(ValidationError) as refusal:
        evidence.inspect_upload(upload("plan.docx", xlsx_bytes()))

    assert refusal.value.code == "mismatch"


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.S55_EVIDENCE_MAX_BYTES = 1000
    content = pdf_bytes() + b"%" * 1000

    with pytest.raises(ValidationError) as refusal:
        evidence.inspect_upload(upload("big.pdf", content))

    assert refusal.value.code == "too_big"
    assert "the largest file you can upload is 1000" in refusal.value.messages[0]


def test_a_file_at_the_size_limit_is_accepted(settings):
    content = pdf_bytes()
    settings.S55_EVIDENCE_MAX_BYTES = len(content)

    assert evidence.inspect_upload(upload("exact.pdf", content)).size == len(content)


def test_a_file_that_claims_to_be_small_but_is_not_is_refused_while_reading(settings):
    settings.S55_EVIDENCE_MAX_BYTES = 1000
    big = upload("big.pdf", pdf_bytes() + b"%" * 2000)
    big.size = 10  # what a lying client could declare

    with pytest.raises(ValidationError) as refusal:
        evidence.inspect_upload(big)

    assert refusal.value.code == "too_big"


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as refusal:
        evidence.inspect_upload(upload("empty.pdf", b""))

    assert refusal.value.code == "empty"


def test_folders_and_unsafe_characters_in_the_name_are_dropped():
    checked = evidence.inspect_upload(upload('C:\\Users\\me\\"audit".pdf', pdf_bytes()))

    assert checked.original_name == "audit.pdf"


# --- Validated by parsing, not by the first bytes ----------------------------------------------

WEB_PAGE = b"<html><body><script>alert(document.cookie)</script></body></html>\n" * 20


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"%PDF-1.7\n" + WEB_PAGE),
        ("chart.png", b"\x89PNG\r\n\x1a\n" + WEB_PAGE),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + WEB_PAGE),
    ],
)
def test_a_web_page_behind_a_pdf_or_image_signature_is_refused(name, content):
    with pytest.raises(ValidationError) as refusal:
        evidence.inspect_upload(upload(name, content))

    assert refusal.value.code == "content"


def test_a_png_whose_data_is_corrupt_is_refused():
    content = bytearray(png_bytes())
    content[-20] ^= 0xFF  # inside the image data: its checksum no longer matches

    with pytest.raises(ValidationError) as refusal:
        evidence.inspect_upload(upload("chart.png", bytes(content)))

    assert refusal.value.code == "content"


def _with_part(document: bytes, name: str, data: bytes, content_type: str | None = None) -> bytes:
    """`document` with one more part (and, if given, its content type declared)."""
    source = zipfile.ZipFile(io.BytesIO(document))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            data_in = source.read(info)
            if content_type and info.filename == "[Content_Types].xml":
                data_in = data_in.replace(
                    b"</Types>",
                    f'<Override PartName="/{name}" ContentType="{content_type}"/></Types>'.encode(),
                )
            archive.writestr(info, data_in)
        archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "make", "part"),
    [
        ("plan.docx", docx_bytes, "word/vbaProject.bin"),
        ("results.xlsx", xlsx_bytes, "xl/vbaProject.bin"),
    ],
)
def test_a_document_carrying_a_vba_project_is_refused_though_its_main_part_is_plain(
    name, make, part
):
    content = _with_part(make(), part, b"\xd0\xcf\x11\xe0" + b"\x00" * 500)

    with pytest.raises(ValidationError) as refusal:
        evidence.inspect_upload(upload(name, content))

    assert refusal.value.code == "content"


def test_a_document_declaring_a_vba_content_type_is_refused():
    content = _with_part(
        docx_bytes(), "word/macros.bin", b"\x00" * 100, "application/vnd.ms-office.vbaProject"
    )

    with pytest.raises(ValidationError) as refusal:
        evidence.inspect_upload(upload("plan.docx", content))

    assert refusal.value.code == "content"

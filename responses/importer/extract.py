"""Text from what staff paste or upload: plain text, Word (.docx), text-based PDF or HTML.

The kind of file is worked out from its content, not its name, so a PDF called "report.txt"
is still read as a PDF and a renamed image is refused with a message that says what it is.
Each reader is a maintained library: python-docx, pdfminer.six and Beautiful Soup.

Headings, bullets and tables become plain-text conventions the parser reads: "# Heading",
"- item", "1. item", "**bold**", and table cells separated by tabs, one row a line.

Every failure is an `ExtractionError` whose message tells a person what to do. The libraries
parse untrusted files, so any exception they raise while reading is turned into one too.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

__all__ = [
    "MAX_BYTES",
    "MAX_TEXT_CHARACTERS",
    "ExtractionError",
    "Extracted",
    "extract_pasted",
    "extract_upload",
    "looks_like_html",
]

#: The largest upload or paste accepted: 2 MB.
MAX_BYTES = 2 * 1024 * 1024
#: The most text read out of a file (a .docx is compressed, so 2 MB can hold much more text).
MAX_TEXT_CHARACTERS = 2_000_000
#: A .docx is a ZIP archive: refuse one that would unpack to more than this.
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_PDF_PAGES = 600

_SIZE_HINT = gettext_lazy("Split the document, or paste only the parts you need.")


class ExtractionError(Exception):
    """The input cannot be read; the message says why and what to do."""


@dataclass(slots=True)
class Extracted:
    text: str
    kind: str  # "text", "html", "docx" or "pdf"
    notes: list[str] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return {
            "text": "Plain text",
            "html": "Web page (HTML)",
            "docx": "Word document (.docx)",
            "pdf": "PDF",
        }[self.kind]


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _finish(extracted: Extracted) -> Extracted:
    # NUL characters mean nothing in a document, and PostgreSQL cannot store them in text.
    extracted.text = extracted.text.replace("\x00", "")
    if not extracted.text.strip():
        raise ExtractionError(
            _("There is no text in this document. Check it is the right one, or paste its text.")
        )
    if len(extracted.text) > MAX_TEXT_CHARACTERS:
        raise ExtractionError(
            _(
                "The document holds more than %(count)s characters of text, which is more than "
                "the importer reads at once. %(SIZE_HINT)s"
            )
            % {
                "count": number_format(MAX_TEXT_CHARACTERS, force_grouping=True),
                "SIZE_HINT": _SIZE_HINT,
            }
        )
    return extracted


def extract_pasted(text: str) -> Extracted:
    """Pasted text; pasted HTML source is read as a web page."""
    size = len(text.encode("utf-8", errors="replace"))
    if size > MAX_BYTES:
        raise ExtractionError(
            _(
                "The pasted text is %(megabytes)s; the most the importer takes is 2 MB. %(SIZE_HINT)s"
            )
            % {"megabytes": _megabytes(size), "SIZE_HINT": _SIZE_HINT}
        )
    if not text.strip():
        raise ExtractionError(_("Paste the text of the report or response, or choose a file."))
    if looks_like_html(text):
        return _finish(_from_html(text))
    return _finish(Extracted(text, "text"))


# --- Uploads -----------------------------------------------------------------------------

_SIGNATURES = [
    (b"\x89PNG", "an image (PNG)"),
    (b"\xff\xd8\xff", "an image (JPEG)"),
    (b"GIF8", "an image (GIF)"),
    (b"II*\x00", "an image (TIFF)"),
    (b"MM\x00*", "an image (TIFF)"),
    (b"\x1f\x8b", "a compressed (gzip) file"),
    (b"Rar!", "a compressed (RAR) file"),
    (b"7z\xbc\xaf", "a compressed (7-Zip) file"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a program"),
]


def extract_upload(data: bytes, *, filename: str = "") -> Extracted:
    """Read an uploaded file of any kind, or raise ExtractionError with a helpful message."""
    if not data:
        raise ExtractionError(_("The file is empty. Choose the file again, or paste the text."))
    if len(data) > MAX_BYTES:
        raise ExtractionError(
            _("The file is %(megabytes)s; the most the importer takes is 2 MB. %(SIZE_HINT)s")
            % {"megabytes": _megabytes(len(data)), "SIZE_HINT": _SIZE_HINT}
        )
    head = data[:1024]
    if b"%PDF-" in head:
        return _finish(_from_pdf(data))
    if data.startswith(b"PK\x03\x04"):
        return _finish(_from_zip(data))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ExtractionError(
            _(
                "This is an older Word (.doc) or Office file. Open it in Word, save it as a .docx or PDF, and upload that instead."
            )
        )
    if data.lstrip().startswith(b"{\\rtf"):
        raise ExtractionError(
            _(
                "This is a Rich Text (.rtf) file. Open it in Word, save it as a .docx, and upload that instead, or paste its text."
            )
        )
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise ExtractionError(
                _(
                    "This file is %(what)s, not a document the importer can read. Upload a Word document (.docx), a PDF with text in it, a web page (.html) or a text file."
                )
                % {"what": what}
            )
    text = _decode(data)
    if looks_like_html(text):
        return _finish(_from_html(text))
    return _finish(Extracted(text, "text"))


_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _decode(data: bytes) -> str:
    """Text in UTF-8 (with or without a byte-order mark), UTF-16/32 with one, or Windows-1252."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                raise ExtractionError(
                    _(
                        "This file says it is Unicode text but is damaged. Open it and save it again as plain text (UTF-8), or paste its text."
                    )
                ) from error
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        if b"\x00" in data:
            raise ExtractionError(_NOT_TEXT) from None
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    sample = text[:20000]
    if sample and len(_CONTROL_RE.findall(sample)) > max(3, len(sample) // 100):
        raise ExtractionError(_NOT_TEXT)
    return text


_NOT_TEXT = gettext_lazy(
    "This file is not text, a Word document (.docx), a PDF or a web page, so the importer cannot read it. Upload one of those, or paste the text."
)


def _from_zip(data: bytes) -> Extracted:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ExtractionError(
            _(
                "This file looks like a Word document but is damaged. Open it in Word, save it again, and upload it, or paste its text."
            )
        ) from error
    if "word/document.xml" not in names:
        if "content.xml" in names:
            what = "an OpenDocument file (from LibreOffice or similar)"
        elif any(name.startswith("xl/") for name in names):
            what = "a spreadsheet"
        elif any(name.startswith("ppt/") for name in names):
            what = "a presentation"
        else:
            what = "a ZIP archive"
        raise ExtractionError(
            _(
                "This file is %(what)s, not a Word document. Save the document as a .docx or PDF and upload that, or paste its text."
            )
            % {"what": what}
        )
    if unpacked > MAX_UNPACKED_BYTES:
        raise ExtractionError(
            _("This Word document is too large to read. %(SIZE_HINT)s") % {"SIZE_HINT": _SIZE_HINT}
        )
    return _from_docx(data)


# --- Word ------------------------------------------------------------------------------


def _from_docx(data: bytes) -> Extracted:
    try:
        import docx
        from docx.oxml.ns import qn
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
        numbering = _numbering_formats(document)
        lines: list[str] = []
        counters: dict[tuple[str, str], int] = {}
        for child in document.element.body.iterchildren():
            if child.tag == qn("w:p"):
                lines.append(_docx_paragraph(Paragraph(child, document), numbering, counters))
            elif child.tag == qn("w:tbl"):
                lines.append("")
                for row in Table(child, document).rows:
                    cells = []
                    for cell in row.cells:
                        text = " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())
                        if not cells or text != cells[-1]:  # merged cells repeat their text
                            cells.append(text)
                    lines.append("\t".join(cells))
                lines.append("")
        body_xml = document.element.body.xml
    except ExtractionError:
        raise
    except Exception as error:  # noqa: BLE001 - untrusted file, any parser failure
        raise ExtractionError(
            _(
                "This Word document could not be read: it may be damaged or protected. Open it in Word, save it again (or as a PDF) and upload that, or paste its text."
            )
        ) from error
    notes = []
    if "txbxContent" in body_xml:
        notes.append(
            "The document has text boxes, which were not read: paste their text separately if it "
            "matters."
        )
    notes.append("Headers, footers and footnotes of the Word document are not read.")
    return Extracted("\n".join(lines), "docx", notes)


def _numbering_formats(document) -> dict[tuple[str, str], str]:
    """{(numId, level): format} from the document's numbering ("bullet", "decimal", ...)."""
    formats: dict[tuple[str, str], str] = {}
    try:
        from docx.oxml.ns import qn

        numbering = document.part.numbering_part.element
    except (KeyError, AttributeError, NotImplementedError):
        return formats
    abstract = {}
    for element in numbering.findall(qn("w:abstractNum")):
        levels = {}
        for level in element.findall(qn("w:lvl")):
            fmt = level.find(qn("w:numFmt"))
            levels[level.get(qn("w:ilvl"))] = fmt.get(qn("w:val")) if fmt is not None else ""
        abstract[element.get(qn("w:abstractNumId"))] = levels
    for num in numbering.findall(qn("w:num")):
        ref = num.find(qn("w:abstractNumId"))
        if ref is None:
            continue
        for level, fmt in abstract.get(ref.get(qn("w:val")), {}).items():
            formats[(num.get(qn("w:numId")), level)] = fmt
    return formats


def _docx_paragraph(paragraph, numbering, counters) -> str:
    from docx.oxml.ns import qn

    text = _docx_runs(paragraph)
    if not text.strip():
        return ""
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    heading = re.match(r"Heading (\d)", style)
    if heading:
        return "#" * min(int(heading.group(1)), 6) + " " + text.strip().strip("*")
    if style == "Title":
        return "# " + text.strip().strip("*")
    properties = paragraph._p.pPr
    num = properties.find(qn("w:numPr")) if properties is not None else None
    if num is not None or "List" in style:
        fmt = "bullet"
        if num is not None:
            num_id = num.find(qn("w:numId"))
            level = num.find(qn("w:ilvl"))
            key = (
                num_id.get(qn("w:val")) if num_id is not None else "",
                level.get(qn("w:val")) if level is not None else "0",
            )
            fmt = numbering.get(key, "bullet")
        elif "Number" in style:
            key = (style, "0")
            fmt = "decimal"
        if fmt in ("decimal", "lowerLetter", "upperLetter", "lowerRoman", "upperRoman"):
            counters[key] = counters.get(key, 0) + 1
            return f"{counters[key]}. {text.strip()}"
        return "- " + text.strip()
    return text


def _docx_runs(paragraph) -> str:
    """The paragraph's text, with bold runs as **bold** (headings are often only bold)."""
    from docx.text.run import Run

    parts: list[tuple[str, bool]] = []
    for content in paragraph.iter_inner_content():
        runs = [content] if isinstance(content, Run) else list(getattr(content, "runs", []))
        for run in runs:
            if run.text:
                bold = bool(run.bold) and bool(run.text.strip())
                if parts and parts[-1][1] == bold:
                    parts[-1] = (parts[-1][0] + run.text, bold)
                else:
                    parts.append((run.text, bold))
    text = ""
    for chunk, bold in parts:
        if bold:
            stripped = chunk.strip()
            lead = chunk[: len(chunk) - len(chunk.lstrip())]
            trail = chunk[len(chunk.rstrip()) :]
            text += f"{lead}**{stripped}**{trail}"
        else:
            text += chunk
    return text


# --- PDF -------------------------------------------------------------------------------


def _from_pdf(data: bytes) -> Extracted:
    try:
        from pdfminer.high_level import extract_text
        from pdfminer.layout import LAParams

        text = extract_text(io.BytesIO(data), laparams=LAParams(), maxpages=MAX_PDF_PAGES)
    except Exception as error:  # noqa: BLE001 - untrusted file, any parser failure
        message = str(error).lower()
        if "password" in message or "encrypt" in message:
            raise ExtractionError(
                _(
                    "This PDF is protected by a password. Save an unprotected copy and upload that, or paste its text."
                )
            ) from error
        raise ExtractionError(
            _(
                "This PDF could not be read: it may be damaged. Open it, copy the text and paste it, or save it again and upload the new copy."
            )
        ) from error
    if not text.strip():
        raise ExtractionError(
            _(
                "This PDF has no text in it that can be read: it is probably a scanned image. Paste the text instead, or upload the Word version of the document."
            )
        )
    notes = ["Text was read from the PDF's layout: check that paragraphs and lists came out right."]
    return Extracted(text.replace("\x0c", "\n\n"), "pdf", notes)


# --- HTML ------------------------------------------------------------------------------

_HTML_START_RE = re.compile(
    r"^\s*(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html\b|<\?xml[^>]*>\s*<html\b)", re.I | re.S
)
_HTML_TAG_RE = re.compile(
    r"<(?:p|div|h[1-6]|li|ul|ol|table|tr|td|br|span|body|section|article|main)\b[^>]*>", re.I
)


def looks_like_html(text: str) -> bool:
    """A web page's source, as saved or pasted (not prose that mentions a <tag>)."""
    head = text[:5000]
    if _HTML_START_RE.match(head):
        return True
    return head.lstrip().startswith("<") and len(_HTML_TAG_RE.findall(head)) >= 3


_BLOCKS = {
    "p",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "aside",
    "nav",
    "blockquote",
    "address",
    "figure",
    "figcaption",
    "dd",
    "dt",
    "dl",
    "main",
    "body",
    "details",
    "summary",
    "caption",
    "hr",
}
_DROPPED = [
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "head",
    "iframe",
    "object",
    "button",
    "select",
    "input",
]
_LINE, _PARAGRAPH = "\ue000", "\ue001"
_BREAKS_RE = re.compile(rf"[ \t]*[{_LINE}{_PARAGRAPH}][ \t{_LINE}{_PARAGRAPH}]*")


def _from_html(html: str) -> Extracted:
    try:
        from bs4 import BeautifulSoup, Comment, Doctype, NavigableString

        soup = BeautifulSoup(html.replace(_LINE, "").replace(_PARAGRAPH, ""), "html.parser")
        for tag in soup(_DROPPED):
            tag.decompose()
        main = soup.find("main") or soup.find(attrs={"role": "main"})
        notes = []
        if main is not None:
            outside = (soup.body or soup).get_text(" ", strip=True)
            inside = main.get_text(" ", strip=True)
            if len(outside) > len(inside) + 40:
                notes.append(
                    "Only the main content of the web page was read; its navigation, header and "
                    "footer were left out."
                )
        root = main or soup.body or soup
        out: list[str] = []
        _walk(root, out, [], (Comment, Doctype), NavigableString)
    except RecursionError as error:
        raise ExtractionError(
            _(
                "This web page is nested too deeply to read. Copy its text from the browser and paste that instead."
            )
        ) from error
    except Exception as error:  # noqa: BLE001 - untrusted markup, any parser failure
        raise ExtractionError(
            _(
                "This web page could not be read. Copy its text from the browser and paste that instead."
            )
        ) from error
    joined = "".join(out)
    joined = _BREAKS_RE.sub(lambda m: "\n\n" if _PARAGRAPH in m.group(0) else "\n", joined)
    lines = [line.strip() for line in joined.split("\n")]
    return Extracted("\n".join(lines).strip("\n"), "html", notes)


def _walk(node, out: list[str], lists: list[list], skipped, string_type) -> None:
    for child in node.children:
        if isinstance(child, skipped):
            continue
        if isinstance(child, string_type):
            out.append(re.sub(r"\s+", " ", str(child)))
            continue
        name = (child.name or "").lower()
        if re.fullmatch(r"h[1-6]", name):
            text = child.get_text(" ", strip=True)
            if text:
                out.extend(
                    [_PARAGRAPH, "#" * int(name[1]) + " " + re.sub(r"\s+", " ", text), _PARAGRAPH]
                )
        elif name == "br":
            out.append(_LINE)
        elif name in ("ul", "ol"):
            out.append(_PARAGRAPH)
            _walk(child, out, [*lists, [name, 0]], skipped, string_type)
            out.append(_PARAGRAPH)
        elif name == "li":
            marker = "- "
            if lists and lists[-1][0] == "ol":
                lists[-1][1] += 1
                marker = f"{lists[-1][1]}. "
            out.extend([_LINE, marker])
            _walk(child, out, lists, skipped, string_type)
            out.append(_LINE)
        elif name == "table":
            out.append(_PARAGRAPH)
            _walk(child, out, lists, skipped, string_type)
            out.append(_PARAGRAPH)
        elif name == "tr":
            out.append(_LINE)
            cells = child.find_all(["td", "th"], recursive=False)
            for index, cell in enumerate(cells):
                if index:
                    out.append("\t")
                out.append(re.sub(r"\s+", " ", cell.get_text(" ", strip=True)))
            out.append(_LINE)
        elif name in ("strong", "b"):
            text = re.sub(r"\s+", " ", child.get_text(" ", strip=False))
            stripped = text.strip()
            if stripped:
                lead = " " if text[:1].isspace() else ""
                trail = " " if text[-1:].isspace() else ""
                out.append(f"{lead}**{stripped}**{trail}")
        elif name == "pre":
            out.extend([_PARAGRAPH, child.get_text(), _PARAGRAPH])
        elif name in _BLOCKS:
            out.append(_PARAGRAPH)
            _walk(child, out, lists, skipped, string_type)
            out.append(_PARAGRAPH)
        else:
            _walk(child, out, lists, skipped, string_type)

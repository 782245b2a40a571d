"""The Section 55 response as a Word document (.docx), for the commissioner's reading and for
offices that file Word copies (docs/decisions/0013-word-documents.md).

The Word document is made from the same HTML as the PDF and the public page
(`templates/pdf/response_body.html`), so it has the same sections in the same order and cannot
drift from them:

- the draft's (`response_preview_docx`): the response as it is now, the staff preview's
  document (`document_for_preview`), rendered on request;
- a published version's (`version_docx`): the version's frozen HTML snapshot, checked against
  its stored SHA-256, so it says exactly what was published (with the version's redactions
  applied) whatever has been amended since.

HTML headings become Word's built-in "Heading 1"-"Heading 4" styles (the navigation pane and
screen readers use them), tables keep their header cells (repeated as a header row) and
captions, and the document's language (en-GB, or cy for a Welsh document) is set as the default
language of its text, with `lang` on passages in the other language. The core properties carry
the title, the office as author, the subject and the language.
"""

import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser

from django.utils import translation

from accounts.models import PolicingBody

from . import bilingual
from .models import Response, ResponseVersion
from .pdf import (
    FROZEN_FIELDS,
    ResponseDocument,
    _as_of,
    document_for_preview,
    document_for_version,
    document_language,
    pdf_filename,
    render_snapshot,
    sha256,
    version_freeze,
)

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_HEADINGS = {"h1": "Heading 1", "h2": "Heading 2", "h3": "Heading 3", "h4": "Heading 4"}
_BLOCKS = {"p", "div", "section", "article", "li", "caption", "ul", "ol", "table", *_HEADINGS}
_SPACE = re.compile(r"\s+")


class SnapshotCorrupted(Exception):
    """A version's stored HTML snapshot no longer matches the SHA-256 stored with it."""


@dataclass
class _Cell:
    header: bool
    text: str = ""


@dataclass
class _Table:
    caption: str = ""
    rows: list[list[_Cell]] = field(default_factory=list)
    header_rows: int = 0


class _Converter(HTMLParser):
    """Writes the response HTML (the tags of response_body.html and `core.markup`) into a
    python-docx Document."""

    def __init__(self, document, language_tag: str):
        super().__init__(convert_charrefs=True)
        self.document = document
        self.language_tag = language_tag
        self.paragraph = None
        self.style = "Normal"
        self.styles: list[tuple[str, str]] = []
        self.bold = 0
        self.italic = 0
        self.hidden = 0
        #: (tag, lang, aria-hidden) for every open element: the language of a text, and
        #: whether it is only decoration (the checklist's tick).
        self.langs: list[tuple[str, str, bool]] = []
        self.lists: list[str] = []
        self.table: _Table | None = None
        self.in_caption = False
        self.cell: _Cell | None = None

    # -- structure --------------------------------------------------------------------------

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "br":
            if self.cell is not None:
                self.cell.text += "\n"
            elif self.paragraph is not None:
                self.paragraph.add_run().add_break()
            return
        hidden = attrs.get("aria-hidden") == "true"
        self.langs.append((tag, attrs.get("lang") or "", hidden))
        if hidden:
            self.hidden += 1
        if tag in _BLOCKS:
            self.paragraph = None
        if tag in _HEADINGS:
            self._push_style(tag, _HEADINGS[tag])
        elif tag in ("ul", "ol"):
            self.lists.append(tag)
        elif tag == "li":
            self._push_style(
                tag, "List Number" if self.lists and self.lists[-1] == "ol" else "List Bullet"
            )
        elif tag == "table":
            self.table = _Table()
        elif tag == "caption":
            self.in_caption = True
        elif tag == "tr" and self.table is not None:
            self.table.rows.append([])
        elif tag in ("th", "td") and self.table is not None and self.table.rows:
            self.cell = _Cell(header=tag == "th")
            self.table.rows[-1].append(self.cell)
        elif tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1

    def handle_endtag(self, tag):
        if tag == "br":
            return
        # Close up to the matching element (the HTML is well formed; be forgiving anyway).
        while self.langs:
            open_tag, _lang, hidden = self.langs.pop()
            if hidden:
                self.hidden -= 1
            if open_tag == tag:
                break
        if tag in _BLOCKS:
            self.paragraph = None
        if self.styles and self.styles[-1][0] == tag:
            self.styles.pop()
            self.style = self.styles[-1][1] if self.styles else "Normal"
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "caption":
            self.in_caption = False
        elif tag in ("th", "td"):
            self.cell = None
        elif tag == "thead" and self.table is not None:
            self.table.header_rows = len(self.table.rows)
        elif tag == "table" and self.table is not None:
            self._write_table(self.table)
            self.table = None
        elif tag in ("strong", "b"):
            self.bold = max(0, self.bold - 1)
        elif tag in ("em", "i"):
            self.italic = max(0, self.italic - 1)

    def _push_style(self, tag, style):
        self.styles.append((tag, style))
        self.style = style

    # -- text -------------------------------------------------------------------------------

    def handle_data(self, data):
        if self.hidden:
            return
        text = _SPACE.sub(" ", data)
        if self.table is not None:
            if self.in_caption:
                self.table.caption += text
            elif self.cell is not None:
                self.cell.text += text
            return
        if self.paragraph is None:
            text = text.lstrip()
            if not text:
                return
            self.paragraph = self.document.add_paragraph(style=self.style)
        run = self.paragraph.add_run(text)
        if self.bold:
            run.bold = True
        if self.italic:
            run.italic = True
        lang = self._lang()
        if lang and lang != self.language_tag:
            set_language(run._element.get_or_add_rPr(), "cy-GB" if lang == "cy" else lang)

    def _lang(self) -> str:
        for _tag, lang, _hidden in reversed(self.langs):
            if lang:
                return lang
        return ""

    def _write_table(self, table: _Table):
        rows = [r for r in table.rows if r]
        if table.caption.strip():
            self.document.add_paragraph(table.caption.strip(), style="Caption")
        if not rows:
            return
        columns = max(len(r) for r in rows)
        word_table = self.document.add_table(rows=len(rows), cols=columns)
        word_table.style = "Table Grid"
        for i, cells in enumerate(rows):
            for j, cell in enumerate(cells):
                target = word_table.cell(i, j)
                lines = [_SPACE.sub(" ", line).strip() for line in cell.text.split("\n")]
                target.text = "\n".join(line for line in lines if line)
                if cell.header:  # a <th>: a column's or a row's label
                    for run in (r for p in target.paragraphs for r in p.runs):
                        run.bold = True
            if i < table.header_rows:
                _repeat_as_header(word_table.rows[i])
        self.paragraph = None


def _repeat_as_header(row):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def set_language(rpr, tag: str) -> None:
    """`<w:lang w:val=tag>` in a run's (or the defaults') properties, replacing any."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), tag)
    lang.set(qn("w:eastAsia"), tag)
    lang.set(qn("w:bidi"), tag)
    rpr.append(lang)


def word_language_tag(language: str) -> str:
    """The document's language as Word records it: en-GB, or cy-GB for Welsh."""
    return "cy-GB" if language == bilingual.WELSH else "en-GB"


def build_docx(
    html: str, *, language: str, title: str, author: str, subject: str, when: datetime
) -> bytes:
    """A .docx from the response HTML (`response_body.html`), in `language` ("en" or "cy")."""
    import docx
    from docx.oxml.ns import qn

    document = docx.Document()
    tag = word_language_tag(language)
    # The default language of every run (styles.xml docDefaults), and the proofing language.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_language(rpr, tag)
    properties = document.core_properties
    properties.title = title
    properties.author = author
    properties.last_modified_by = author
    properties.subject = subject
    properties.language = tag
    properties.comments = ""
    properties.keywords = "Section 55, Police Act 1996"
    # Naive UTC (the core properties' W3CDTF dates are written with a "Z").
    when = when.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    properties.created = when
    properties.modified = when
    properties.revision = 1
    # `lang` attributes in the HTML are bilingual.html_tag's ("en-GB" / "cy"): a passage in the
    # document's own language needs no mark of its own.
    converter = _Converter(document, bilingual.html_tag(language))
    converter.feed(html)
    converter.close()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _metadata(document: ResponseDocument) -> dict:
    with translation.override(document_language(document.language)):
        return {
            "title": document.title,
            "author": document.office_name or document.body_name,
            "subject": document.subject,
        }


def docx_filename(pdf_name: str) -> str:
    return pdf_name.removesuffix(".pdf") + ".docx"


def response_preview_docx(response: Response, *, language=bilingual.ENGLISH) -> tuple[bytes, str]:
    """(.docx bytes, file name) of the response as it is now: the staff preview's document."""
    document = document_for_preview(response, language=language)
    data = build_docx(
        render_snapshot(document),
        language=language,
        when=document.generated_at,
        **_metadata(document),
    )
    return data, docx_filename(document.filename)


def version_docx(version: ResponseVersion, *, language=bilingual.ENGLISH) -> tuple[bytes, str]:
    """(.docx bytes, file name) of a published version: its frozen HTML snapshot (stored now if
    it is not yet), never the live draft. The title and author are the office's as they stood
    when the version was published."""
    (hash_field, html_field), _pdf = FROZEN_FIELDS[language]
    if not getattr(version, hash_field):
        version = version_freeze(version_id=version.pk, pdf=False)
    html = getattr(version, html_field)
    digest = getattr(version, hash_field)
    if not digest:
        raise ResponseVersion.DoesNotExist(f"{version} has no document in {language}.")
    if sha256(html) != digest:
        raise SnapshotCorrupted(f"The stored HTML of {version} does not match its SHA-256.")
    response = version.response
    body = _as_of(
        PolicingBody, response.policing_body_id, version.created_at, response.policing_body
    )
    document = document_for_version(version, language=language)
    data = build_docx(html, language=language, when=version.created_at, **_metadata(document))
    name = pdf_filename(body, response.report, version_number=version.number, language=language)
    return data, docx_filename(name)

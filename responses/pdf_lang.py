"""/Lang on the PDF's structure elements where the language changes (PDF/UA-1, ISO 14289-1 7.2:
the natural language of every piece of text is determinable; PDF 1.7 14.9.2).

WeasyPrint 70 writes the document's language (`<html lang>`) as the catalogue's /Lang but no
/Lang on any structure element, whatever `lang` the HTML element it comes from carries, so the
English passages of a Welsh document (docs/decisions/0012-bilingual-documents.md) would be
read as Welsh. It has no hook for this; two things make it exact here:

- **While WeasyPrint builds the tag tree** (`weasyprint.pdf.tags._build_box_tree`, which makes
  the structure element of each box and calls itself through its module's name for the box's
  children), a wrapper notes each structure element with the box it was made for and that
  box's language: WeasyPrint's own computed `lang` (from the element's `lang` attribute,
  inherited in the HTML tree; the language it hyphenates and shapes the text in).
- **Before the file is written** (WeasyPrint's `finisher`), each noted element whose language
  differs from the one it inherits in the structure tree (its structure parent's, up to the
  catalogue's) gets its own /Lang. Elements WeasyPrint makes without a box of their own (the
  spans of marked text, form fields) are children of their box's element and inherit it.

Nothing is guessed from the text: an element has /Lang exactly when its box's language is not
the one it would otherwise inherit. A document with no element in another language is written
byte for byte as before. The wrapper does nothing outside `recording()`, so WeasyPrint used
anywhere else in the process is unchanged. Checked against WeasyPrint 70.0 (the pinned
version): tests/responses/test_pdf_lang.py fails if an upgrade changes what this relies on.
"""

import contextvars
import inspect
from contextlib import contextmanager

#: The elements noted by the render in progress in this context: {id(element): (element, lang)}.
_noted: contextvars.ContextVar[dict | None] = contextvars.ContextVar("pdf_lang_noted", default=None)

#: `_build_box_tree`'s parameters in WeasyPrint 70, which the wrapper passes on unchanged.
_PARAMETERS = ["box", "parent", "pdf", "page_number", "nums", "annotations", "tags"]


def install(tags_module) -> None:
    """Wrap `weasyprint.pdf.tags._build_box_tree` once per process (idempotent)."""
    from weasyprint.layout.absolute import AbsolutePlaceholder

    build = tags_module._build_box_tree
    if getattr(build, "notes_lang", False):
        return
    if list(inspect.signature(build).parameters) != _PARAMETERS:
        raise RuntimeError(
            "WeasyPrint's tag tree builder has changed: responses/pdf_lang.py cannot write /Lang "
            "on the structure elements (docs/decisions/0012-bilingual-documents.md)."
        )

    def build_noting_lang(box, parent, pdf, page_number, nums, annotations, tags):
        noted = _noted.get()
        for element in build(box, parent, pdf, page_number, nums, annotations, tags):
            # A box that makes no element of its own (html, body, the page) passes on its
            # children's, already noted by the call that made them.
            if noted is not None and id(element) not in noted:
                # As WeasyPrint does, the box itself for an absolutely positioned one.
                own = box._box if isinstance(box, AbsolutePlaceholder) else box
                noted[id(element)] = (element, own.style["lang"])
            yield element

    build_noting_lang.notes_lang = True
    tags_module._build_box_tree = build_noting_lang


@contextmanager
def recording():
    """Around one `write_pdf`, whose `finisher` is what this yields."""
    noted = {}
    token = _noted.set(noted)
    try:
        yield lambda document, pdf: _write_lang(noted, document.metadata.lang, pdf)
    finally:
        _noted.reset(token)


def _same(a: str | None, b: str | None) -> bool:
    return (a or "").lower() == (b or "").lower()  # language tags are case-insensitive (BCP 47)


def _write_lang(noted: dict, document_lang: str | None, pdf) -> None:
    import pydyf  # WeasyPrint's PDF writer, imported with it

    inherited = {}  # object number: the language that element's content is in

    def language(reference) -> str | None:
        number = int(reference.split()[0])
        if number not in inherited:
            element = pdf.objects[number]
            if element.get("Type") != "/StructElem":  # the structure tree root
                inherited[number] = document_lang
            else:
                lang = noted.get(id(element), (None, None))[1]
                inherited[number] = lang if lang else language(element["P"])
        return inherited[number]

    for element, lang in noted.values():
        if lang and not _same(lang, language(element["P"])):
            element["Lang"] = pydyf.String(lang)

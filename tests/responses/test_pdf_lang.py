"""/Lang on the structure elements of passages in another language (responses/pdf_lang.py): a
screen reader reading the PDF alone reads each passage in its own language (PDF/UA-1)."""

import io
import types

import pikepdf
import pytest

from responses import pdf_lang
from responses.pdf import _weasyprint, render_pdf

from .test_pdf import language_of_structure


def _html(lang: str, body: str) -> str:
    return f'<!doctype html><html lang="{lang}"><head><title>T</title></head><body>{body}</body></html>'


MIXED = _html(
    "cy",
    '<h1>Ymateb i <span lang="en-GB">PEEL 2023</span></h1>'
    '<table><tr><th scope="row">Teitl</th><td lang="en-GB">PEEL inspection 2023</td></tr>'
    "<tr><th scope=row>Dyddiad</th><td>7 Ionawr 2020</td></tr></table>"
    '<div lang="en-GB"><p>The force should act.</p>'
    '<p>It said <span lang="cy">diolch</span> twice.</p>Loose words.</div>'
    '<ul><li lang="en-GB">An English item</li><li>Eitem Gymraeg</li></ul>'
    '<dl><dt lang="en-GB">Term</dt><dd>Diffiniad</dd></dl>'
    '<p lang="CY">Paragraff a lang yr un iaith.</p>'
    "<p>Paragraff olaf.</p>",
)


def test_each_element_in_another_language_carries_its_lang_and_no_other_does():
    own, by_language = language_of_structure(render_pdf(MIXED))

    assert own == [
        ("Span", "en-GB", "PEEL 2023"),
        ("TD", "en-GB", "PEEL inspection 2023"),
        ("Div", "en-GB", "The force should act. It said diolch twice. Loose words."),
        ("Span", "cy", "diolch"),  # Welsh again inside the English passage
        ("LI", "en-GB", "• An English item"),
        ("LI", "en-GB", "Term"),
    ]
    assert by_language["en-GB"] == (
        "PEEL 2023 PEEL inspection 2023 The force should act. It said twice. Loose words. "
        "• An English item Term"
    )
    # Welsh throughout otherwise, an element whose lang is the document's own (in any case)
    # included, inheriting the catalogue's /Lang.
    assert by_language["cy"] == (
        "Ymateb i Teitl Dyddiad 7 Ionawr 2020 diolch • Eitem Gymraeg Diffiniad "
        "Paragraff a lang yr un iaith. Paragraff olaf."
    )


def test_a_passage_over_two_pages_carries_its_lang_on_each():
    long = "".join(f"<p>Paragraph {n} of the force's comments.</p>" for n in range(80))
    data = render_pdf(_html("cy", f'<p>Cyn.</p><div lang="en-GB">{long}</div><p>Wedyn.</p>'))

    own, by_language = language_of_structure(data)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) >= 2
    assert [(kind, lang) for kind, lang, _text in own] == [("Div", "en-GB")] * len(pdf.pages)
    assert by_language["cy"] == "Cyn. Wedyn."
    assert by_language["en-GB"].startswith("Paragraph 0 of")
    assert by_language["en-GB"].endswith("Paragraph 79 of the force's comments.")


def test_a_document_in_one_language_is_written_byte_for_byte_as_weasyprint_writes_it():
    html = _html("en-GB", '<h1>Response</h1><p lang="en-gb">Same language.</p><p>More.</p>')
    weasyprint = _weasyprint()

    plain = weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", custom_metadata=False)

    assert render_pdf(html) == plain
    assert language_of_structure(plain) == ([], {"en-GB": "Response Same language. More."})


def test_weasyprint_itself_writes_no_lang_on_structure_elements():
    """Outside `render_pdf` the wrapper does nothing, and WeasyPrint 70 writes no /Lang of its
    own: the day this fails after an upgrade, responses/pdf_lang.py may no longer be needed."""
    weasyprint = _weasyprint()

    plain = weasyprint.HTML(string=MIXED).write_pdf(pdf_variant="pdf/ua-1")

    own, by_language = language_of_structure(plain)
    assert own == []
    assert set(by_language) == {"cy"}


def test_a_changed_weasyprint_tag_builder_is_refused_not_guessed_at():
    def _build_box_tree(box, parent, pdf, page_number, nums, annotations, tags, extra):
        yield from ()

    module = types.SimpleNamespace(_build_box_tree=_build_box_tree)
    with pytest.raises(RuntimeError, match="tag tree builder has changed"):
        pdf_lang.install(module)
    assert module._build_box_tree is _build_box_tree

"""Page breaks in the printed response: no heading left alone at the bottom of a page, and a
table's header row repeated on every page it runs onto. Checked on WeasyPrint's laid-out pages
(where each box landed), not on pixels."""

import pytest
import weasyprint
from weasyprint.formatting_structure import boxes

from bench.pdf_bench import build_large_response
from responses.pdf import (
    BASE_URL,
    asset_url,
    document_for_preview,
    render_document_html,
    safe_fetcher,
)

pytestmark = pytest.mark.django_db

HEADINGS = ("h1", "h2", "h3", "h4")


def _layout(html: str):
    return weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=safe_fetcher()).render()


def _walk(box, inside_margin=False):
    yield box, inside_margin
    if isinstance(box, boxes.ParentBox):
        margin = inside_margin or isinstance(box, boxes.MarginBox)
        for child in box.children:
            yield from _walk(child, margin)


def headings_alone_at_page_bottom(document) -> list[str]:
    """Headings with nothing of the page's content below them on their page."""
    alone = []
    for number, page in enumerate(document.pages, start=1):
        lines, headings = [], []
        for box, in_margin in _walk(page._page_box):
            if in_margin:
                continue
            if isinstance(box, boxes.LineBox):
                lines.append(box.position_y)
            if box.element_tag in HEADINGS and isinstance(box, boxes.BlockBox):
                headings.append(box)
        for heading in headings:
            bottom = heading.position_y + heading.margin_height()
            if not any(y >= bottom - 0.01 for y in lines):
                text = " ".join(b.text for b, _ in _walk(heading) if isinstance(b, boxes.TextBox))
                alone.append(f"page {number}: {text}")
    return alone


@pytest.fixture
def long_response_html(drafter):
    response = build_large_response(acting_user=drafter, recommendations=14, afis=10)
    return render_document_html(document_for_preview(response))


def test_no_heading_is_left_alone_at_the_bottom_of_a_page(long_response_html):
    document = _layout(long_response_html)

    assert len(document.pages) >= 8
    assert headings_alone_at_page_bottom(document) == []


def test_the_check_finds_stranded_headings_when_the_rule_is_removed(long_response_html):
    # The same document with the print stylesheet's break rule overridden: headings do end up
    # at page bottoms, so the check above is not passing by luck.
    loose = long_response_html.replace(
        "</style>", "h1, h2, h3, h4 { break-after: auto !important; }</style>"
    )

    assert headings_alone_at_page_bottom(_layout(loose)) != []


def test_a_tables_header_row_is_repeated_on_every_page():
    rows = "".join(
        f"<tr><td>Copy {n}</td><td>Yes</td><td>{n} March 2020</td></tr>" for n in range(120)
    )
    html = (
        '<!DOCTYPE html><html lang="en-GB"><head><title>Table</title>'
        f'<link rel="stylesheet" href="{asset_url("pdf", "print.css")}"></head><body>'
        "<table><thead><tr><th>Action</th><th>Done</th><th>Date</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></body></html>"
    )

    document = _layout(html)

    assert len(document.pages) >= 3
    for page in document.pages:
        texts = [b.text for b, _ in _walk(page._page_box) if isinstance(b, boxes.TextBox)]
        assert texts[:3] == ["Action", "Done", "Date"]

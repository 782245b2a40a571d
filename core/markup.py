"""The small safe markup staff use for long text: paragraphs, bullet and numbered lists, bold,
links. Stored as plain text; rendered through Markdown, then an allow-list sanitiser (nh3), so raw
HTML typed by a user never reaches a page, a feed or a PDF.
"""

import html
import threading

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# GOV.UK classes for the elements the markup can produce.
_CLASSES = {
    "p": {"class": "govuk-body"},
    "ul": {"class": "govuk-list govuk-list--bullet"},
    "ol": {"class": "govuk-list govuk-list--number"},
    "a": {"class": "govuk-link"},
}


_local = threading.local()


def _markdown(source: str) -> str:
    """Markdown with one converter per thread: building it afresh for every text cost a
    quarter of a second on a large response."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown.Markdown(
            extensions=["sane_lists"], output_format="html"
        )
    return converter.reset().convert(source)


def _normalise_bullets(text: str) -> str:
    """Accept the bullets people paste ("•", "–", "*") and make sure a list that follows a
    paragraph line directly still becomes a list (Markdown needs a blank line before it)."""
    lines = []
    previous_was_text = False
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.rstrip()
        stripped = line.lstrip()
        for bullet in ("• ", "– ", "— ", "· "):
            if stripped.startswith(bullet):
                line = "- " + stripped[len(bullet) :]
                stripped = line
        is_item = stripped.startswith(("- ", "* ")) or (
            stripped[:1].isdigit() and ". " in stripped[:5]
        )
        if is_item and previous_was_text:
            lines.append("")
        lines.append(line)
        previous_was_text = bool(stripped) and not is_item
    return "\n".join(lines)


def render_markup(text: str | None, *, govuk_classes: bool = True) -> SafeString:
    """Render stored text to safe HTML."""
    if not text:
        return mark_safe("")  # noqa: S308 - empty string
    # Escape first: anything that looks like HTML is shown as text, never interpreted.
    source = html.escape(_normalise_bullets(text), quote=False)
    rendered = _markdown(source)
    cleaned = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        set_tag_attribute_values=_CLASSES if govuk_classes else None,
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 with an allow-list


def plain_text(text: str | None) -> str:
    """The text without markup, for search, feeds' summaries and email."""
    rendered = _markdown(html.escape(_normalise_bullets(text or ""), quote=False))
    return html.unescape(nh3.clean(rendered, tags=set())).strip()

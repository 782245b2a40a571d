"""Tags for tracker pages: `{% load tracking %}` then `{{ item.status|tracker_status_tag }}` and
`{{ rag|rag_tag }}`: GOV.UK tags in the enum's colour whose text always names the status or
rating (colour is never the only signal)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from core.i18n import content_lang_attribute
from core.markup import render_markup
from core.templatetags.govuk import render_tag

from .. import reasons
from ..rag import Rag, Status

register = template.Library()


@register.filter
def tracker_status_tag(value):
    status = Status(getattr(value, "status", value))
    return render_tag(status.label, status.colour)


@register.filter
def rag_tag(value):
    rag = Rag(value)
    return render_tag(rag.label, rag.colour)


@register.filter
def status_label(value):
    return Status(value).label if value else ""


_PARAGRAPH = '<p class="govuk-body">'


@register.filter
def progress_text(text, kind=""):
    """{{ update.text|progress_text:update.kind }}: a progress update's text as a page shows it,
    in a `<div>` marked `lang="en-GB"` on a page in another language (people's text is
    English). A closure decision's own words ("Closure refused: ...") are shown in the page's
    language, and only the office's reason inside them is marked as English; an English page
    shows the text as it always has. Updates stored before the words were declared have the
    same English, so they are shown the same way; a text that does not match (a redaction over
    the product's words) is shown as written, marked as English."""
    text = text or ""
    lang = content_lang_attribute()
    whole = format_html("<div{}>{}</div>", lang, render_markup(text))
    if not lang or kind not in reasons.DECISION_TEXTS:
        return whole
    parts = reasons.DecisionWords().split(text, kind)
    if parts is None:
        return whole
    before, reason, after = parts
    if reason is None:
        return format_html('<div><p class="govuk-body">{}</p></div>', before)
    words = render_markup(reason)
    if words.startswith(_PARAGRAPH) and words.endswith("</p>") and words.count("<p") == 1:
        # One paragraph: the product's words and the reason in it, as on the English page.
        inner = mark_safe(words[len(_PARAGRAPH) : -len("</p>")])  # noqa: S308 - sanitised
        return format_html(
            '<div><p class="govuk-body">{}<span{}>{}</span>{}</p></div>', before, lang, inner, after
        )
    return format_html(
        "<div>{}<div{}>{}</div>{}</div>",
        format_html('<p class="govuk-body">{}</p>', before.strip()) if before.strip() else "",
        lang,
        words,
        format_html('<p class="govuk-body">{}</p>', after.strip()) if after.strip() else "",
    )


#: Why a force's proposal for the public page was decided so when closure decided it
#: (`services.closure_decide`): the product's words, stored in English.
_CLOSURE_WHYS = frozenset(
    {
        "Closure refused.",
        "Closure approved.",
        "Closure approved; the force's text was not published.",
    }
)


@register.filter
def proposal_reason(reason):
    """{{ proposal.reason|proposal_reason }}: why the office decided a proposal for the public
    page so: the product's words when closure decided it, in the page's language; else the
    office's own, as typed, marked as English on a page in another language."""
    reason = reason or ""
    if reason in _CLOSURE_WHYS:
        return gettext(reason)
    return format_html("<span{}>{}</span>", content_lang_attribute(), reason)

from django import template
from django.utils.safestring import mark_safe

from core.history import reason_html

register = template.Library()


@register.filter(name="stored_reason")
def stored_reason(stored):
    """{{ email.error|stored_reason }}: an English sentence the product stored for people to
    read later (an email's error, a history reason), in the reader's language, with someone's
    own words in it as written and marked with their language (`core.history.reason_html`)."""
    return reason_html(stored or "")


@register.filter(name="stored_parts")
def stored_parts(stored):
    """{{ correction.findings_changed|stored_parts }}: stored English sentences joined with
    "; ", each shown as `stored_reason` shows it."""
    return mark_safe("; ".join(str(reason_html(part)) for part in (stored or "").split("; ")))  # noqa: S308 - each escaped

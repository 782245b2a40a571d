from django import template

from core.history import reason_html

register = template.Library()


@register.filter(name="stored_reason")
def stored_reason(stored):
    """{{ email.error|stored_reason }}: an English sentence the product stored for people to
    read later (an email's error, a history reason), in the reader's language, with someone's
    own words in it as written and marked with their language (`core.history.reason_html`)."""
    return reason_html(stored or "")

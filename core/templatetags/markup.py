from django import template

from core.markup import render_markup

register = template.Library()


@register.filter(name="markup")
def markup_filter(text):
    """{{ text|markup }}: stored plain text with the small safe markup, rendered and sanitised."""
    return render_markup(text)

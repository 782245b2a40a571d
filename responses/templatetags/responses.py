"""Tags for response pages: `{% load responses %}` then `{{ response|status_tag }}` or
`{{ response.status|status_tag }}`: a GOV.UK tag in the status's colour (`Status.colour`) whose
text is the status's label (colour is never the only signal)."""

from django import template

from core.templatetags.govuk import render_tag

from ..models import Status

register = template.Library()


@register.filter
def status_tag(value):
    """Render a response status (a Response, or a status value) as a GOV.UK tag."""
    status = getattr(value, "status", value)
    try:
        status = Status(status)
    except ValueError:
        return render_tag(value)
    return render_tag(status.label, status.colour)

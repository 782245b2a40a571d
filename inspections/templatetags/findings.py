"""Template filters for a report's findings.

{% load findings %}
{{ finding|addressees_for:response|join:", " }}
{{ response.published_on|inspectorate_abbreviation }}
"""

from django import template
from django.utils import timezone

from accounts.models import PolicingBody
from inspections.inspectorate import inspectorate_on
from inspections.models import Addressee

register = template.Library()


@register.filter
def addressees_for(finding, owner) -> list[str]:
    """The finding's addressees as the policing body of `owner` (a body, or a response or
    tracker item that has one) reads them: recommendations to all local policing bodies are
    named for its kind (`Finding.addressee_labels_for`). The body is read only when needed."""
    if Addressee.POLICING_BODIES not in finding.addressees:
        return finding.addressee_labels
    body = owner if isinstance(owner, PolicingBody) else getattr(owner, "policing_body", None)
    return finding.addressee_labels_for(body)


@register.filter
def inspectorate_abbreviation(day) -> str:
    """ "HMIC" or "HMICFRS": the inspectorate's abbreviation on `day` (`inspectorate_on`)."""
    return inspectorate_on(day or timezone.localdate()).abbreviation

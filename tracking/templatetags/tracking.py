"""Tags for tracker pages: `{% load tracking %}` then `{{ item.status|tracker_status_tag }}` and
`{{ rag|rag_tag }}`: GOV.UK tags in the enum's colour whose text always names the status or
rating (colour is never the only signal)."""

from django import template

from core.templatetags.govuk import render_tag

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

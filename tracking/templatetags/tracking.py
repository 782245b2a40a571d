"""Tags for tracker pages: `{% load tracking %}` then `{{ item.status|tracker_status_tag }}` and
`{{ rag|rag_tag }}`: GOV.UK tags whose text always names the status or rating (colour is never
the only signal)."""

from django import template
from django.template.loader import render_to_string

from ..rag import RAG_COLOURS, Rag, Status

register = template.Library()

STATUS_COLOURS = {
    Status.OPEN: "grey",
    Status.IN_PROGRESS: "light-blue",
    Status.PENDING_SIGN_OFF: "purple",
    Status.COMPLETE: "green",
    Status.SUPERSEDED: "grey",
    Status.NOT_ACCEPTED: "grey",
}


@register.filter
def tracker_status_tag(value):
    status = Status(getattr(value, "status", value))
    return render_to_string(
        "govuk/tag.html", {"text": status.label, "colour": STATUS_COLOURS[status]}
    )


@register.filter
def rag_tag(value):
    rag = Rag(value)
    return render_to_string("govuk/tag.html", {"text": rag.label, "colour": RAG_COLOURS[rag]})


@register.filter
def status_label(value):
    return Status(value).label if value else ""

"""Reads for the importer's pages."""

from datetime import date

from inspections.models import ImportDraft, Report


def open_drafts(body):
    """The office's unfinished imports, newest first (one query)."""
    return (
        ImportDraft.objects.filter(policing_body=body, status=ImportDraft.Status.OPEN)
        .select_related("created_by")
        .defer("text", "payload")
    )


def drafts_for(body):
    """Every import of the office: the base of each draft page, so another office's id is 404."""
    return ImportDraft.objects.filter(policing_body=body).select_related("policing_body")


def matching_reports(payload: dict) -> list[Report]:
    """Reports already recorded with the draft's title and publication date (a national report
    another office has recorded, or this office's own earlier import)."""
    title = payload["report"]["title"].strip()
    try:
        published_on = date.fromisoformat(payload["report"]["published_on"])
    except ValueError:
        return []
    if not title:
        return []
    return list(Report.objects.filter(title__iexact=title, published_on=published_on)[:5])

"""Reads for the importer's pages."""

from datetime import date

from django.db.models import Q

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
    """Reports already recorded with the draft's title and publication date, or its HMICFRS
    address (a national report another office has recorded, or this office's own earlier
    import). A shared report cannot be recorded twice (`inspections.services.duplicate_of`),
    so the preview offers these first."""
    title = " ".join(payload["report"]["title"].split())
    url = (payload["report"].get("hmicfrs_url") or "").strip().rstrip("/")
    same = Q(pk__in=[])
    try:
        published_on = date.fromisoformat(payload["report"]["published_on"])
    except ValueError:
        published_on = None
    if title and published_on:
        same |= Q(title__iexact=title, published_on=published_on)
    if url:
        same |= Q(hmicfrs_url__iexact=url) | Q(hmicfrs_url__iexact=url + "/")
    return list(Report.objects.filter(same).order_by("pk")[:5])

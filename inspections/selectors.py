"""Reads about reports for pages and checks."""

from django.db.models import Count, Q

from core.history import timeline

from .models import Finding, Report


def report_data_warnings(report: Report) -> list[str]:
    """Data-quality warnings staff should see. HMICFRS always accompanies a cause of concern
    with one or more recommendations, so a cause of concern without one suggests missing data."""
    warnings = []
    causes = (
        Finding.objects.filter(report=report)
        .causes_of_concern()
        .annotate(n=Count("recommendations", filter=Q(recommendations__kind="recommendation")))
    )
    for cause in causes:
        if cause.n == 0:
            label = cause.reference or f'"{cause.text[:60]}..."'
            warnings.append(
                f"The cause of concern {label} has no recommendation linked to it. HMICFRS always "
                "makes at least one: check the report and link or add it."
            )
    return warnings


def report_timeline(report: Report):
    """Readable history of a report and its findings and judgements, newest first."""
    records = list(report.history.select_related("history_user"))
    records += list(Finding.history.filter(report_id=report.pk).select_related("history_user"))
    records += list(
        report.judgements.model.history.filter(report_id=report.pk).select_related("history_user")
    )
    return timeline(records)

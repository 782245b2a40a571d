"""Reads about responses for pages, reminders and checks."""

from core.history import timeline

from .models import Explanation, Response


def response_timeline(response: Response):
    """Readable history of a response and its explanations, newest first (two queries)."""
    records = list(response.history.select_related("history_user"))
    records += list(
        Explanation.history.filter(response_id=response.pk).select_related("history_user")
    )
    return timeline(records)


def response_outstanding(
    response: Response, *, recommendations=None, explanations=None
) -> list[str]:
    """What the response still needs before it can go for approval, in plain words.

    Pass prefetched `recommendations` and `explanations` to avoid queries in list pages.
    """
    if recommendations is None:
        recommendations = list(response.report.findings.recommendations())
    if explanations is None:
        explanations = list(response.explanations.all())
    done = {e.finding_id for e in explanations if e.is_complete}
    needed = []
    if not response.office_comments.strip():
        needed.append(f"the {response.policing_body.holder_title.lower()}'s comments")
    missing = [r for r in recommendations if r.pk not in done]
    if missing:
        needed.append(f"explanations for {len(missing)} of {len(recommendations)} recommendations")
    if not response.force_invited_on:
        needed.append("the invitation to the force")
    return needed

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


def responses_visible_to(user):
    """The responses a person may see: their offices' responses, and for force contributors the
    responses to their force once the office has invited the force's comments (s55(4)).

    Every staff page starts from this queryset, so an id from another organisation gives 404.
    """
    from django.db.models import Q

    from accounts.models import Membership

    if not user or not user.is_authenticated:
        return Response.objects.none()
    memberships = Membership.objects.filter(user=user, is_active=True)
    bodies = memberships.filter(policing_body__isnull=False).values("policing_body")
    forces = memberships.filter(role=Membership.Role.FORCE_CONTRIBUTOR).values("force")
    return Response.objects.filter(
        Q(policing_body__in=bodies)
        | Q(policing_body__force__in=forces, force_invited_on__isnull=False)
    )

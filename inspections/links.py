"""The same recommendation across reports: links that people make, and the suggestions that
help them find one.

A link says that a recommendation repeats a national one, is carried over from a previous
inspection, or supersedes an earlier one (`FindingLink.Kind`). Links are made by a person and
never automatically: `link_suggestions` only proposes (same force, similar text), and
`finding_link_create` records who confirmed which link, and when, in the link's history.

Rules, each in one place:
- The database refuses a link to itself and a second link between the same two recommendations,
  either way round (the constraints on `FindingLink`); `finding_link_create` refuses a link that
  would close a cycle (A repeats B repeats A), under a lock that serialises every link write so
  that two people cannot close one between them.
- Who may link (`link_refusal`): office staff, between recommendations of reports about their
  office's force (or national reports); the register maintainer, any two. Nobody else.

What follows a link (the office's tracker items for the two tracked once) is the event
"finding.linked" (config/events.py).
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramSimilarity
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.permissions import active_memberships, is_register_maintainer
from core.errors import DomainError
from core.events import emit
from core.history import attribute, english

from . import reasons
from .models import Finding, FindingLink, Report, Scope

#: Suggestions score at least this (0 to 1: trigram similarity on PostgreSQL, the share of
#: words in common elsewhere) and at most this many are offered.
SUGGESTION_THRESHOLD = 0.3
SUGGESTION_LIMIT = 5

#: The key of the PostgreSQL advisory lock every link write takes (serialises the cycle check).
_LINK_LOCK = 55_000_003


class LinkError(DomainError):
    """A link the rules do not allow."""


def _offices(user) -> list:
    return [m.policing_body for m in active_memberships(user) if m.policing_body_id]


def _reports_about(force_id: int):
    return Report.objects.filter(Q(forces=force_id) | Q(scope=Scope.NATIONAL))


def link_refusal(*, user, finding: Finding, linked_to: Finding) -> str:
    """'' if `user` may link the two recommendations; otherwise why not. The register
    maintainer may link any two; office staff two of reports about their office's force (or
    national reports), since the link changes what their office answers and tracks."""
    if user is None or not user.is_authenticated:
        return "Sign in to link recommendations."
    if is_register_maintainer(user):
        return ""
    offices = _offices(user)
    if not offices:
        return "Only office staff and the register maintainer can link recommendations."
    for office in offices:
        about = _reports_about(office.force_id)
        if (
            about.filter(pk=finding.report_id).exists()
            and about.filter(pk=linked_to.report_id).exists()
        ):
            return ""
    return (
        f"Both reports must be about {offices[0].force.name} (or national) for "
        f"{offices[0].short_name} to link their recommendations."
    )


def _would_close_cycle(finding_id: int, linked_to_id: int) -> bool:
    """Does following links from `linked_to_id` reach `finding_id`? (Then linking
    `finding_id` to `linked_to_id` would close a cycle.) One recursive query; UNION (not UNION
    ALL) stops at rows already reached, so an existing cycle cannot make it loop."""
    table = FindingLink._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE reached(id) AS (
                SELECT CAST(%s AS BIGINT)
                UNION
                SELECT link.linked_to_id FROM {table} link JOIN reached ON link.finding_id = reached.id
            )
            SELECT 1 FROM reached WHERE id = %s LIMIT 1
            """,  # noqa: S608 - the table name is the model's own, the values are parameters
            [linked_to_id, finding_id],
        )
        return cursor.fetchone() is not None


def _lock_links() -> None:
    """Serialise link writes for the rest of the transaction (PostgreSQL; SQLite serialises
    every write already)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LINK_LOCK])


def finding_link_create(
    *, finding: Finding, linked_to: Finding, kind: str, acting_user
) -> FindingLink:
    """Link `finding` to the recommendation it repeats, is carried over from or supersedes
    (`linked_to`), recording who confirmed it. Refused: anything but two recommendations of
    different reports, an unknown kind, a link that exists (either way round), a link that would
    close a cycle, and a person who may not link them (`link_refusal`)."""
    if kind not in FindingLink.Kind.values:
        raise LinkError(_("Unknown kind of link: %(kind)s.") % {"kind": kind})
    if finding.pk == linked_to.pk:
        raise LinkError(_("A recommendation cannot be linked to itself."))
    if finding.kind != Finding.Kind.RECOMMENDATION or linked_to.kind != Finding.Kind.RECOMMENDATION:
        raise LinkError(_("Only recommendations can be linked."))
    if finding.report_id == linked_to.report_id:
        raise LinkError(_("Link recommendations of different reports."))
    refusal = link_refusal(user=acting_user, finding=finding, linked_to=linked_to)
    if refusal:
        raise PermissionDenied(refusal)
    with transaction.atomic():
        _lock_links()
        if FindingLink.objects.filter(
            Q(finding=finding, linked_to=linked_to) | Q(finding=linked_to, linked_to=finding)
        ).exists():
            raise LinkError(_("These two recommendations are already linked."))
        if _would_close_cycle(finding.pk, linked_to.pk):
            raise LinkError(
                _(
                    "That link would go round in a circle: the other recommendation is already linked, directly or through others, to this one."
                )
            )
        link = FindingLink(finding=finding, linked_to=linked_to, kind=kind, created_by=acting_user)
        attribute(
            link,
            acting_user=acting_user,
            reason=reasons.LINKED(kind=english(lambda: FindingLink.Kind(kind).label.lower())),
        )
        try:
            with transaction.atomic():
                link.save()
        except IntegrityError as error:  # the constraints, should a check above be bypassed
            raise LinkError(_("These two recommendations are already linked.")) from error
        emit("finding.linked", link_id=link.pk)
    return link


def finding_link_remove(*, link: FindingLink, acting_user, reason: str) -> None:
    """Remove a link made in error, with the reason (kept in the link's history). Answers by
    reference already written stay as they are: publishing re-checks them."""
    reason = (reason or "").strip()
    if not reason:
        raise LinkError(_("Say why the link is removed."))
    refusal = link_refusal(user=acting_user, finding=link.finding, linked_to=link.linked_to)
    if refusal:
        raise PermissionDenied(refusal)
    with transaction.atomic():
        _lock_links()
        link = FindingLink.objects.select_for_update().get(pk=link.pk)
        attribute(link, acting_user=acting_user, reason=f"Link removed: {reason}")
        link.delete()


# --- Reads -----------------------------------------------------------------------------------


def links_of(finding: Finding) -> list[tuple[FindingLink, Finding]]:
    """Every link of `finding` either way round, each with the other recommendation (and its
    report), oldest first."""
    links = FindingLink.objects.filter(Q(finding=finding) | Q(linked_to=finding)).select_related(
        "finding__report", "linked_to__report", "created_by"
    )
    return [
        (link, link.linked_to if link.finding_id == finding.pk else link.finding) for link in links
    ]


def linked_ids(finding_ids) -> dict[int, set[int]]:
    """{finding id: ids of the recommendations linked to it, either way round}. One query."""
    found: dict[int, set[int]] = {}
    ids = list(finding_ids)
    for a, b in FindingLink.objects.filter(Q(finding__in=ids) | Q(linked_to__in=ids)).values_list(
        "finding_id", "linked_to_id"
    ):
        found.setdefault(a, set()).add(b)
        found.setdefault(b, set()).add(a)
    return found


@dataclass(frozen=True)
class Suggestion:
    finding: Finding
    score: float

    @property
    def percent(self) -> int:
        return round(self.score * 100)


_WORD = re.compile(r"[a-z0-9]+")
#: Words too common in recommendations to say two are alike.
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "should",
        "that",
        "the",
        "their",
        "this",
        "to",
        "with",
        "within",
        "will",
        "force",
        "forces",
        "chief",
        "constable",
        "constables",
    ]
)


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def word_similarity(a: str, b: str) -> float:
    """The share of (meaningful) words two texts have in common: |A and B| / |A or B|. The
    similarity used where the database has no trigram index (SQLite)."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)


def suggestion_candidates(finding: Finding):
    """Recommendations that may be the same as `finding`: of other reports about the same force
    (those covering one of its report's forces, or national; for a national report, every
    report), not linked to it already."""
    report = finding.report
    candidates = Finding.objects.recommendations().exclude(report_id=finding.report_id)
    if report.scope != Scope.NATIONAL:
        forces = list(report.forces.values_list("pk", flat=True))
        candidates = candidates.filter(
            Q(report__forces__in=forces) | Q(report__scope=Scope.NATIONAL)
        )
    linked = linked_ids([finding.pk]).get(finding.pk, set())
    return candidates.exclude(pk__in=linked).distinct()


def link_suggestions(finding: Finding, *, limit: int = SUGGESTION_LIMIT) -> list[Suggestion]:
    """Likely links for a person to confirm, most similar first: on PostgreSQL by trigram
    similarity of the texts (pg_trgm, decided in the database), elsewhere by the words they
    share. Never links anything itself."""
    candidates = suggestion_candidates(finding)
    if connection.vendor == "postgresql":
        rows = (
            Finding.objects.filter(pk__in=candidates.values("pk"))
            .annotate(score=TrigramSimilarity("text", finding.text))
            .filter(score__gte=SUGGESTION_THRESHOLD)
            .select_related("report")
            .order_by("-score", "-report__published_on", "pk")[:limit]
        )
        return [Suggestion(row, float(row.score)) for row in rows]
    scored = [
        Suggestion(row, word_similarity(finding.text, row.text))
        for row in candidates.select_related("report")
    ]
    scored = [s for s in scored if s.score >= SUGGESTION_THRESHOLD]
    scored.sort(key=lambda s: (-s.score, -s.finding.report.published_on.toordinal(), s.finding.pk))
    return scored[:limit]

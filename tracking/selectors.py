"""Reads about tracked recommendations for pages, exports, the public site and reminders.

Every staff page starts from `items_visible_to(user)`: an office's staff see their office's
items; a force's contributors see the items of their force's policing body. An id from another
organisation gives 404. Each page costs a fixed number of queries whatever the number of items
(tests/tracking/test_selectors.py counts them).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.models import Membership, PolicingBody
from accounts.permissions import force_ids, office_roles
from core.history import timeline
from inspections.models import Finding, Report
from responses import redaction
from responses.models import Response

from . import publicity
from .models import (
    ClosureProposal,
    EvidenceFile,
    PanelPack,
    ProgressRedaction,
    ProgressUpdate,
    PublicProposal,
    TrackerItem,
)
from .rag import (
    ACTIVE_STATUSES,
    CLOSED_STATUSES,
    DUE_SOON_DAYS,
    RAG_ORDER,
    Rag,
    Status,
    rag_for,
    rag_reason,
)
from .workflow import statuses_open_to


def items_visible_to(user):
    """The tracker items a person may see (a queryset; no query until evaluated)."""
    bodies = list(office_roles(user))
    forces = sorted(force_ids(user))
    if not bodies and not forces:
        return TrackerItem.objects.none()
    # Only the conditions that apply: an empty "the force's items" still joined every item of
    # an office's list to its policing body (a lookup per item, in every count and subquery).
    condition = Q()
    if bodies:
        condition |= Q(policing_body_id__in=bodies)
    if forces:
        condition |= Q(policing_body__force_id__in=forces)
    return TrackerItem.objects.filter(condition)


def get_item_for(user, pk) -> TrackerItem:
    """The item `pk` if the user may see it, else 404 (never revealing that it exists)."""
    return get_object_or_404(
        items_visible_to(user).select_related(
            "finding__report",
            "finding__cause_of_concern",
            "policing_body__force",
            "office_lead",
            "force_lead",
        ),
        pk=pk,
    )


# --- RAG in the database: the same rule as tracking.rag.rag_for ------------------------------


def _rag_conditions(today: date) -> list[tuple[Rag, Q]]:
    """The rule of `rag.rag_for` as (rating, condition) pairs, the first match winning."""
    soon = today + timedelta(days=DUE_SOON_DAYS)
    working = [Status.OPEN, Status.IN_PROGRESS]
    return [
        (Rag.COMPLETE, Q(status=Status.COMPLETE)),
        (Rag.CLOSED, Q(status__in=list(CLOSED_STATUSES))),
        (Rag.AMBER, Q(status=Status.PENDING_SIGN_OFF, target_date__lt=today)),
        (Rag.GREEN, Q(status=Status.PENDING_SIGN_OFF)),
        (Rag.AMBER, Q(status__in=working, target_date__isnull=True)),
        (Rag.RED, Q(status__in=working, target_date__lt=today)),
        (Rag.AMBER, Q(status__in=working, target_date__lte=soon)),
    ]


def rag_expression(today: date):
    """A database expression giving each item's RAG rating on `today`: the same answers as
    `rag.rag_for` (tests/tracking/test_rag.py holds the two together for every case)."""
    return Case(
        *[When(condition, then=Value(rag.value)) for rag, condition in _rag_conditions(today)],
        default=Value(Rag.GREEN.value),
        output_field=CharField(),
    )


def rag_rank_expression(today: date):
    """The RAG rating as a number for sorting, the most urgent (red) first."""
    return Case(
        *[When(condition, then=Value(RAG_ORDER[rag])) for rag, condition in _rag_conditions(today)],
        default=Value(RAG_ORDER[Rag.GREEN]),
        output_field=IntegerField(),
    )


def rag_q(today: date, ratings) -> Q:
    """The items whose RAG rating on `today` is one of `ratings`: the rule of `rag_expression`
    as plain conditions (tests/tracking/test_rag.py holds the two to the same items in every
    case). Filtering on the CASE expression cost 1.4 ms a request in Python, to resolve it
    and to write it into both the count and the page's query (bench/staff_load.py)."""
    soon = today + timedelta(days=DUE_SOON_DAYS)
    working = [Status.OPEN, Status.IN_PROGRESS]
    pending = Status.PENDING_SIGN_OFF
    conditions = {
        Rag.COMPLETE: Q(status=Status.COMPLETE),
        Rag.CLOSED: Q(status__in=sorted(CLOSED_STATUSES)),
        Rag.RED: Q(status__in=working, target_date__lt=today),
        Rag.AMBER: Q(status=pending, target_date__lt=today)
        | Q(status__in=working, target_date__isnull=True)
        | Q(status__in=working, target_date__gte=today, target_date__lte=soon),
        Rag.GREEN: Q(status=pending, target_date__gte=today)
        | Q(status=pending, target_date__isnull=True)
        | Q(status__in=working, target_date__gt=soon)
        # The CASE's default: a status outside the list.
        | ~Q(status__in=Status.values),
    }
    chosen = Q()
    for rating in dict.fromkeys(ratings):
        chosen |= conditions[Rag(rating)]
    return chosen


def overdue_q(today: date) -> Q:
    return Q(status__in=list(ACTIVE_STATUSES), target_date__lt=today)


def last_activity_expression():
    """The day of the item's latest update, or the day tracking started if it has none."""
    return Coalesce("last_update_on", "tracked_on", output_field=DateField())


def not_updated_since_q(day: date) -> Q:
    """Items with no update on or after `day` (tracking itself started before `day`)."""
    return Q(last_update_on__lt=day) | Q(last_update_on__isnull=True, tracked_on__lt=day)


def with_list_columns(qs, *, today: date):
    """The tracker list's rows: related objects for the columns, the RAG rating, and the latest
    update's text (one query for any number of rows)."""
    latest = ProgressUpdate.objects.filter(item=OuterRef("pk")).order_by(
        "-date", "-created_at", "-id"
    )
    return (
        qs.select_related("finding__report", "policing_body__force", "office_lead", "force_lead")
        # The linked recommendations tracked with each item (one query for the page).
        .prefetch_related(
            Prefetch(
                "also_tracks",
                queryset=TrackerItem.objects.select_related("finding__report").order_by("pk"),
            )
        )
        .annotate(
            rag=rag_expression(today),
            last_activity=last_activity_expression(),
            latest_update_text=Subquery(latest.values("text")[:1]),
            # The latest update's date is the item's latest update date, which the services
            # keep (one correlated subquery fewer for every row).
            latest_update_date=F("last_update_on"),
        )
    )


#: What a row of the tracker list shows of an item, read as plain values: loading one page's
#: 50 items as models with their finding, report, office and both leads, the RAG rating and
#: the latest update's text (which the list does not show) cost 11 ms of CPU at national
#: scale, the values 3 ms (bench/staff_load.py). The leads are named from
#: `TrackerFilter.lead_names`, the RAG rating is `rag.rag_for`'s.
LIST_PAGE_FIELDS = {
    "reference": F("finding__reference"),
    "kind": F("finding__kind"),
    "text": F("finding__text"),
    "title": F("finding__report__title"),
    "body_name": F("policing_body__short_name"),
    "body_name_cy": F("policing_body__name_cy"),
}


def list_page_items(keys) -> dict[int, dict]:
    """{id: the values of the item's tracker list row} for the items `keys` (one query), each
    with `also`: the (id, reference, kind, report title) of the linked items tracked with it,
    in id order (one more query)."""
    items = {
        row["pk"]: {**row, "also": []}
        for row in TrackerItem.objects.filter(pk__in=keys).values(
            "pk",
            "status",
            "target_date",
            "area",
            "policing_body_id",
            "office_lead_id",
            "force_lead_id",
            "tracked_on",
            "last_update_on",
            **LIST_PAGE_FIELDS,
        )
    }
    linked = (
        TrackerItem.objects.filter(tracked_with_id__in=keys)
        .order_by("pk")
        .values_list(
            "tracked_with_id", "pk", "finding__reference", "finding__kind", "finding__report__title"
        )
    )
    for tracked_with, *other in linked:
        items[tracked_with]["also"].append(other)
    return items


def _with_ids(model, ids: list[int]):
    """`model`'s rows whose id is one of `ids`. On PostgreSQL the ids are one array parameter
    (`id = ANY(%s)`): an `IN` list of an office's 450 reports, a parameter each, cost 3.6 ms
    of Python a query (each value prepared, the statement's text parsed anew for its length),
    the array 1.1 ms (docs/benchmarks.md)."""
    if connection.vendor != "postgresql":
        return model.objects.filter(pk__in=ids)
    # The table and column are the model's own names; the ids go as a parameter.
    column = f'"{model._meta.db_table}"."{model._meta.pk.column}"'
    return model.objects.filter(
        RawSQL(f"{column} = ANY(%s)", (ids,), output_field=BooleanField())  # noqa: S611
    )


class ReportOrderKeys:
    """The ids of `items` in the tracker's default order, their reports newest first (then by
    title and id) and each report's items by the recommendation's position (then id):
    counted and sliced for a page without sorting every item.

    Sorting an office's items by their reports' columns looked up every item's finding and
    report (4,550 of each at national scale) on every page: 24 ms of the database's time. Here
    one query counts the items of each report from the items' own `report` column (an index
    alone), one puts those reports in order (in the database, with its collation, as the
    exports' `ORDER BY`), and one reads the ids and positions of only the reports a page
    spans, which are sorted here by integers. Three queries whatever the data size (the count
    comes with the first); the same order as `filters.SORTS["report"]`."""

    def __init__(self, items):
        self.items = items.order_by()

    @cached_property
    def reports(self) -> list[tuple[int, int]]:
        """(report id, number of items) for every report of `items`, in order."""
        # The items counted by report from the index of the items' office and report (no row
        # is read), then only those reports put in order. As one query (the reports with a
        # semi-join and a count each) PostgreSQL expected thousands of reports where an
        # office has a few hundred and read every report in the country: 9 ms against 3.
        counts = dict(self.items.values_list("report_id").annotate(n=Count("*")))
        order = (
            _with_ids(Report, list(counts))
            .order_by("-published_on", "title", "pk")
            .values_list("pk", flat=True)
        )
        return [(pk, counts[pk]) for pk in order] if counts else []

    def count(self) -> int:
        return sum(n for _report, n in self.reports)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[int]:
        start, stop = window.start or 0, window.stop
        rank, first, seen = {}, 0, 0
        for report, n in self.reports:
            if seen + n > start and (stop is None or seen < stop):
                if not rank:
                    first = seen
                rank[report] = len(rank)
            seen += n
        if not rank:
            return []
        rows = self.items.filter(report_id__in=list(rank)).values_list(
            "pk", "report_id", "finding__position"
        )
        keys = [pk for pk, _r, _p in sorted(rows, key=lambda r: (rank[r[1]], r[2], r[0]))]
        return keys[start - first : None if stop is None else stop - first]


def is_overdue(*, status: str, target_date: date | None, today: date) -> bool:
    """Past its target date and still being worked on: the rule of `overdue_q`."""
    return bool(status in ACTIVE_STATUSES and target_date and target_date < today)


# --- The item page -----------------------------------------------------------------------------


@dataclass
class TimelineEntry:
    """A progress update with its evidence and corrections, or a change to the item's details."""

    when: date
    sort_key: tuple
    update: ProgressUpdate | None = None
    evidence: list = field(default_factory=list)
    corrected_by: list = field(default_factory=list)
    change: object = None  # a core.history.TimelineEntry for a change of lead, date or area


class ItemPage:
    """Everything the item page shows, in a fixed number of queries: the item (with its
    finding, report, body, leads), its updates with authors, evidence, corrections and
    redactions, its closure proposals, and the history of its details."""

    def __init__(self, item: TrackerItem, *, user, today: date):
        self.item = item
        self.today = today
        self.user = user
        self.is_office = item.policing_body_id in office_roles(user)
        self.is_force = item.policing_body.force_id in force_ids(user)
        self.updates = list(
            ProgressUpdate.objects.filter(item=item)
            .select_related(
                "author",
                "corrects__author",
                "public_proposal__decided_by",
                "public_proposal__replacement",
                "replaces_proposal__update",
            )
            .order_by("date", "created_at", "id")
        )
        decisions = _decisions(self.updates)
        self.public_status = publicity.public_status(self.updates, decisions)
        self.public_update_ids = {u.pk for u in publicity.public_updates(self.updates, decisions)}
        self.pending_public = [
            p for u in self.updates if (p := _proposal(u)) is not None and p.is_pending
        ]
        # The passages redacted in what the public reads, and each redacted text as the
        # public reads it (`ProgressRedaction`): the staff read the text whole beside them.
        redacted: dict[int, list[ProgressRedaction]] = {}
        for row in ProgressRedaction.objects.filter(update__item=item).order_by("pk"):
            redacted.setdefault(row.update_id, []).append(row)
        for update in self.updates:
            update.redaction_rows = redacted.get(update.pk, [])
            update.public_text = redaction.apply(
                update.text, [row.marked() for row in update.redaction_rows]
            )
        files: dict[int, list[EvidenceFile]] = {}
        for evidence in EvidenceFile.objects.filter(update__item=item).order_by("id"):
            files.setdefault(evidence.update_id, []).append(evidence)
        corrections: dict[int, list[ProgressUpdate]] = {}
        for update in self.updates:
            if update.corrects_id:
                corrections.setdefault(update.corrects_id, []).append(update)
        self.proposals = list(
            ClosureProposal.objects.filter(item=item)
            .select_related("proposed_by", "decided_by", "update")
            .order_by("proposed_at", "id")
        )
        self.pending_proposal = next((p for p in self.proposals if p.is_pending), None)
        entries = [
            TimelineEntry(
                when=u.date,
                sort_key=(u.date, u.created_at.timestamp(), 1, u.pk),
                update=u,
                evidence=files.get(u.pk, []),
                corrected_by=corrections.get(u.pk, []),
            )
            for u in self.updates
        ]
        for change in self._detail_changes():
            entries.append(
                TimelineEntry(
                    when=change.when.date(),
                    sort_key=(change.when.date(), change.when.timestamp(), 0, 0),
                    change=change,
                )
            )
        entries.sort(key=lambda e: e.sort_key, reverse=True)
        self.timeline = entries

    def _detail_changes(self):
        """Changes of lead, target date or area from the item's history (status changes are
        progress updates and appear as such)."""
        records = list(self.item.history.select_related("history_user"))
        shown = {"office_lead", "force_lead", "target_date", "area"}
        entries = []
        for entry in timeline(records, what=_("Tracker item")):
            if entry.action == "Created":
                entries.append(entry)
                continue
            changes = [c for c in entry.changes if c.field in shown]
            if changes:
                entries.append(
                    type(entry)(
                        when=entry.when,
                        who=entry.who,
                        what=entry.what,
                        reason=entry.reason,
                        action=entry.action,
                        changes=changes,
                    )
                )
        return entries

    @property
    def rag(self) -> Rag:
        return rag_for(status=self.item.status, target_date=self.item.target_date, today=self.today)

    @property
    def rag_reason(self) -> str:
        return rag_reason(
            status=self.item.status, target_date=self.item.target_date, today=self.today
        )

    @property
    def can_update(self) -> bool:
        return self.is_office or self.is_force

    @property
    def can_propose_closure(self) -> bool:
        return self.can_update and self.item.status in (Status.OPEN, Status.IN_PROGRESS)

    @property
    def can_decide_closure(self) -> bool:
        return bool(
            self.is_office
            and self.pending_proposal
            and self.pending_proposal.proposed_by_id != self.user.pk
        )

    @property
    def status_choices(self) -> list[Status]:
        return statuses_open_to(self.item.status, is_office=self.is_office)

    @property
    def public_update_count(self) -> int:
        return len(self.public_update_ids)

    @property
    def public_status_differs(self) -> bool:
        return self.public_status != self.item.status


def _proposal(update: ProgressUpdate) -> PublicProposal | None:
    try:
        return update.public_proposal
    except PublicProposal.DoesNotExist:
        return None


def _decisions(updates) -> dict[int, str]:
    """{update id: its proposal's decision} for updates loaded with their proposal."""
    return {u.pk: p.decision for u in updates if (p := _proposal(u)) is not None}


def with_redactions(update: ProgressUpdate) -> ProgressUpdate:
    """The update with its redactions and its text as the public reads it, as `ItemPage` gives
    each update (for a page about one update: the office deciding on the force's proposal)."""
    update.redaction_rows = list(update.redactions.order_by("pk"))
    update.public_text = redaction.apply(
        update.text, [row.marked() for row in update.redaction_rows]
    )
    return update


def update_for_item(item: TrackerItem, pk) -> ProgressUpdate:
    """One of the item's updates (404 for anything else, including a malformed id)."""
    if not str(pk).isdigit():
        raise Http404(_("No such update."))
    return get_object_or_404(ProgressUpdate.objects.select_related("author"), item=item, pk=pk)


def evidence_visible_to(user, pk) -> EvidenceFile:
    """An evidence file, only for the office and the force its item belongs to (else 404)."""
    items = items_visible_to(user)
    return get_object_or_404(
        EvidenceFile.objects.select_related("update__item").filter(update__item__in=items),
        pk=pk,
    )


# --- Leads and filter choices ----------------------------------------------------------------


def office_people(body_id: int):
    """Active staff of an office, who may lead items for it."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__policing_body_id=body_id,
            memberships__role__in=Membership.OFFICE_ROLES,
        )
        .distinct()
        .order_by("full_name", "username")
    )


def force_people(force_id: int):
    """Active contributors of a force, who may lead items for it."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__force_id=force_id,
            memberships__role=Membership.Role.FORCE_CONTRIBUTOR,
        )
        .distinct()
        .order_by("full_name", "username")
    )


# --- Track this ----------------------------------------------------------------------------------


def response_findings_tracking(response):
    """The recommendations and AFIs of a response's report, each with the office's tracker item
    (or None): what the "Track this" page lists. Two queries."""
    findings = list(
        Finding.objects.filter(
            report_id=response.report_id,
            kind__in=[Finding.Kind.RECOMMENDATION, Finding.Kind.AREA_FOR_IMPROVEMENT],
        ).order_by("position", "id")
    )
    items = {
        i.finding_id: i
        for i in TrackerItem.objects.filter(
            policing_body_id=response.policing_body_id, finding__in=findings
        )
    }
    return [(f, items.get(f.pk)) for f in findings]


# --- Panel packs ---------------------------------------------------------------------------------


def packs_for_office(body_id: int):
    return (
        PanelPack.objects.filter(policing_body_id=body_id)
        .select_related("created_by")
        .defer("pdf", "data")
        # Its format without loading its data (`PanelPack.may_hold_internal_text`).
        .annotate(stored_format=KeyTransform("format", "data"))
        .order_by("-as_at", "-created_at", "-id")
    )


# --- The public site -----------------------------------------------------------------------------


def public_progress_for_response(response) -> dict[int, dict]:
    """What the public response page shows about progress, by finding id:

        {finding_id: {"status": "in_progress", "status_label": "In progress",
                      "public_updates": [{"date": date, "text": str, "kind": str,
                                          "status_label": "" or the status it moved to,
                                          "is_correction": bool}, ...]}}

    Only the office that wrote the response; the status and the updates as `tracking.publicity`
    has them: what the office wrote or approved, never the force's proposals waiting for it
    (for an item tracked with a linked one, that one's: the work is tracked once);
    updates marked public, oldest first, never one that a correction withdrew (the correction is
    the record; it is shown if it is public itself). Each text as the public reads it: with
    "[redacted: reason]" in place of each passage the office redacted (`ProgressRedaction`,
    the rule of responses/redaction.py); this is the only way an update's text reaches a public
    output (the scrutiny body's pack applies the same rules itself: tracking/packs.py). No names
    of staff. Findings the office does not track are absent. Three queries
    (two with no public update). Call it only for a published response.
    """
    items = list(
        TrackerItem.objects.filter(
            policing_body_id=response.policing_body_id, finding__report_id=response.report_id
        ).only("id", "finding_id", "status", "tracked_with_id")
    )
    # Linked recommendations are tracked once: an item tracked with another shows that one's
    # progress (`TrackerItem.tracked_with`, one level: `track_linked_once` keeps it so).
    source = {i.pk: i.tracked_with_id or i.pk for i in items}
    updates = list(
        ProgressUpdate.objects.filter(item__in=set(source.values()))
        .only("id", "item_id", "date", "kind", "text", "status_to", "is_public", "corrects_id")
        .annotate(decision=F("public_proposal__decision"))
        .order_by("date", "created_at", "id")
    )
    decisions = {u.pk: u.decision for u in updates if u.decision}
    by_item: dict[int, list[ProgressUpdate]] = {}
    for update in updates:
        by_item.setdefault(update.item_id, []).append(update)
    shown = {
        root: publicity.public_updates(by_item.get(root, []), decisions)
        for root in set(source.values())
    }
    marks: dict[int, list] = {}
    if public_ids := [u.pk for updates in shown.values() for u in updates]:
        for row in ProgressRedaction.objects.filter(update_id__in=public_ids).order_by("pk"):
            marks.setdefault(row.update_id, []).append(row.marked())
    progress = {}
    for item in items:
        mine = by_item.get(source[item.pk], [])
        status = publicity.public_status(mine, decisions)
        progress[item.finding_id] = {
            "status": status.value,
            "status_label": status.label,
            "public_updates": [
                {
                    "date": update.date,
                    "text": redaction.apply(update.text, marks.get(update.pk, [])),
                    # A closure decision's words are the product's, shown in the page's
                    # language (`templatetags.tracking.progress_text`).
                    "kind": update.kind,
                    "status_label": Status(update.status_to).label if update.status_to else "",
                    "is_correction": bool(update.corrects_id),
                }
                for update in shown[source[item.pk]]
            ],
        }
    return progress


# --- The force's proposals for the public page ---------------------------------------------------


def pending_public_proposals(user):
    """The force's proposals for the public page waiting for a decision from the user's
    offices, oldest first, with what the list shows (one query)."""
    bodies = list(office_roles(user))
    return (
        PublicProposal.objects.filter(
            decision=publicity.Decision.PENDING, item__policing_body_id__in=bodies
        )
        .select_related("update__author", "item__finding__report", "item__policing_body")
        .order_by("created_at", "id")
    )


def pending_public_proposal_count(user) -> int:
    if not office_roles(user):
        return 0
    return pending_public_proposals(user).count()


def public_proposal_for(user, item: TrackerItem, pk) -> PublicProposal:
    """One of the item's proposals for the public page (404 for anything else)."""
    return get_object_or_404(
        PublicProposal.objects.select_related(
            "update__author", "update__corrects__author", "decided_by", "replacement"
        ),
        item=item,
        pk=pk,
    )


# --- Reminders -----------------------------------------------------------------------------------


def items_needing_reminders(*, day: date, stale_days: int, repeat_days: int):
    """Active items whose leads should be reminded on `day`, with why:

    - no update for `stale_days` days: reminded on the day that mark is reached, then every
      `repeat_days` days while still without an update;
    - past the target date: reminded the day after it, then every `repeat_days` days.

    Returns [(item, reasons)] with the item's finding, report, body and leads loaded (one
    query). The cadence keeps a daily digest from repeating the same item every day."""
    stale_cutoff = day - timedelta(days=stale_days)
    qs = (
        TrackerItem.objects.filter(status__in=list(ACTIVE_STATUSES), tracked_on__lte=day)
        .filter(not_updated_since_q(stale_cutoff + timedelta(days=1)) | overdue_q(day))
        .select_related("finding__report", "policing_body__force", "office_lead", "force_lead")
        .annotate(last_activity=last_activity_expression())
        .order_by("target_date", "pk")
    )
    due = []
    for item in qs:
        reasons = []
        quiet = (day - item.last_activity).days
        if quiet >= stale_days and (quiet - stale_days) % repeat_days == 0:
            reasons.append(("stale", quiet))
        if item.target_date and item.target_date < day:
            late = (day - item.target_date).days
            if (late - 1) % repeat_days == 0:
                reasons.append(("overdue", late))
        if reasons:
            due.append((item, reasons))
    return due


# --- The national read-only view -----------------------------------------------------------------


@dataclass
class SharedOffice:
    body: object
    responses: list
    items: list


def national_open_work(*, today: date) -> list[SharedOffice]:
    """What national read-only staff see beyond the public site: for each office that opted in
    (`PolicingBody.share_open_work_nationally`), its open responses (report, status, due date)
    and its active tracker items (recommendation, status, target date, RAG). Statuses and dates
    only: never draft text, notes or progress updates. Offices that did not opt in are absent.
    Three queries whatever the number of offices."""
    bodies = list(
        PolicingBody.objects.filter(share_open_work_nationally=True)
        .select_related("force")
        .order_by("name")
    )
    ids = [b.pk for b in bodies]
    responses: dict[int, list] = {}
    for response in (
        Response.objects.open()
        .filter(policing_body_id__in=ids)
        .select_related("report")
        .only(
            "id", "status", "due_date", "policing_body_id", "report__title", "report__published_on"
        )
        .order_by("due_date", "id")
    ):
        responses.setdefault(response.policing_body_id, []).append(response)
    items: dict[int, list] = {}
    for item in (
        TrackerItem.objects.active()
        .filter(policing_body_id__in=ids, tracked_with__isnull=True)
        .select_related("finding__report")
        .annotate(rag=rag_expression(today))
        .order_by("target_date", "id")
    ):
        items.setdefault(item.policing_body_id, []).append(item)
    return [SharedOffice(b, responses.get(b.pk, []), items.get(b.pk, [])) for b in bodies]

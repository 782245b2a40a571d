"""State changes to tracked recommendations and AFIs. Every change goes through here.

Each service is keyword-only, runs in a transaction, locks the item it changes
(`select_for_update`), checks who may do it (`tracking.workflow`), records who and why in the
item's history and, for progress, adds an append-only `ProgressUpdate`. There is deliberately no
service that edits or deletes an update, an evidence file or a panel pack: a correction is a new
update that names the one it corrects (`progress_update_add(corrects=...)`).

- `tracker_item_create`: start tracking one recommendation or AFI for an office ("Track this").
- `tracker_items_create_for_response`: every recommendation for local action and every AFI of
  a response (run when the response is published, by `track_after_publication`; idempotent).
- `progress_update_add`: a dated update, optionally changing the status, with evidence files.
  The force corrects only the force's own updates.
- `closure_propose` / `closure_decide`: segregation of duties: whoever proposed closure cannot
  approve or refuse it, and only the office decides.
- `public_proposal_decide`: the office approves a force update that would change the public
  page, publishes it in its own words, or declines it. Until then the force's update has no
  public effect (`tracking.publicity`): the office publishes, the force proposes.
- `progress_redaction_add` / `progress_redaction_remove`: the office marks a passage of a public
  update as redacted (the public reads "[redacted: reason]" in its place), or removes the mark.
- `tracker_items_bulk_update`: office lead, force lead, target date, area or status of many
  items at once (all or nothing).
- `panel_pack_create`: a Police and Crime Panel pack frozen at a chosen date.
"""

import logging
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Membership, PlanPriority, PolicingBody
from accounts.permissions import force_ids, has_office_role
from core.dates import long_date
from core.events import emit
from core.history import attribute
from inspections.inspectorate import inspectorate_on
from inspections.models import Finding, FindingLink, Theme
from responses import redaction
from responses.models import ResponseVersion
from responses.reasons import PASSAGE_REDACTED, REDACTION_REMOVED
from responses.services import redaction_clean
from responses.workflow import WorkflowError

from . import evidence, packs, reasons
from .models import (
    ClosureProposal,
    EvidenceFile,
    PanelPack,
    ProgressRedaction,
    ProgressUpdate,
    PublicProposal,
    TrackerItem,
)
from .publicity import Decision, needs_office_approval
from .rag import ACTIVE_STATUSES, Status
from .workflow import (
    APPROVE_CLOSURE,
    PROPOSE_CLOSURE,
    REFUSE_CLOSURE,
    TrackingError,
    check_status_change,
)

logger = logging.getLogger(__name__)

TRACKED_KINDS = (Finding.Kind.RECOMMENDATION, Finding.Kind.AREA_FOR_IMPROVEMENT)


class _Unchanged:
    def __repr__(self):
        return "UNCHANGED"


#: "Leave this as it is" for `tracker_items_bulk_update` (None means "clear it").
UNCHANGED = _Unchanged()


def _public_progress_changed(item: TrackerItem) -> None:
    """What the public page of the office's response to the report shows of an item may have
    changed (a new item, a change of status, a public update or a correction, that took
    effect: a force proposal only once the office approves it). The event's subscribers
    (config/events.py: the public page's cache) run after commit, so tracking never imports
    the public site.

    Linked recommendations are tracked once (`TrackerItem.tracked_with`): the progress of the
    item tracked shows on the public page of every response whose item is tracked with it, so
    the event is emitted for each of those reports too (one delivery each, the same work)."""
    root = _root(item)
    pages = {(root.policing_body_id, root.report_id)}
    pages.update(
        TrackerItem.objects.filter(tracked_with=root).values_list("policing_body_id", "report_id")
    )
    for policing_body_id, report_id in sorted(pages):
        emit(
            "tracker.public_progress_changed",
            office_id=policing_body_id,
            policing_body_id=policing_body_id,
            report_id=report_id,
        )


def _locked(item: TrackerItem) -> TrackerItem:
    return (
        TrackerItem.objects.select_for_update()
        .select_related("finding__report", "policing_body__force")
        .get(pk=item.pk)
    )


def is_office_for(user, item: TrackerItem) -> bool:
    return has_office_role(user, item.policing_body_id)


def is_force_for(user, item: TrackerItem) -> bool:
    return item.policing_body.force_id in force_ids(user)


def _member_role(user, item: TrackerItem) -> bool:
    """True for the office's staff, False for the force's contributors; refused otherwise."""
    if is_office_for(user, item):
        return True
    if is_force_for(user, item):
        return False
    raise TrackingError(
        _("Only the office's staff and the force's contributors can change this item.")
    )


def _require_office(user, body_id: int, what: str) -> None:
    if not has_office_role(user, body_id):
        raise TrackingError(_("Only the office's staff can %(what)s.") % {"what": what})


def _require_text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise TrackingError(message)
    return value


def default_area(report) -> str:
    """A report with one graded judgement (a CDI report's overall grade) gives its area."""
    areas = [j.area for j in report.judgements.all()]
    return areas[0] if len(areas) == 1 else ""


def _concerns(report, body: PolicingBody) -> bool:
    """Does the report concern the office (`Report.bodies_concerned`: it covers the office's
    force, or is national), or has the office a response to it?"""
    return (
        report.bodies_concerned().filter(pk=body.pk).exists()
        or report.responses.filter(policing_body=body).exists()
    )


# --- Creating items --------------------------------------------------------------------------


def _root(item: TrackerItem) -> TrackerItem:
    """The item whose progress `item` shows: itself, or the one it is tracked with."""
    seen = set()
    while item.tracked_with_id and item.pk not in seen:
        seen.add(item.pk)
        item = item.tracked_with
    return item


def _linked_item(finding, body_id: int) -> TrackerItem | None:
    """The office's existing item for a recommendation linked to `finding` (either way round;
    the older, linked-to one first), as the item to track `finding` with, or None."""
    links = FindingLink.objects.filter(Q(finding=finding) | Q(linked_to=finding)).order_by(
        "created_at", "id"
    )
    for link in links:
        other = link.linked_to_id if link.finding_id == finding.pk else link.finding_id
        item = (
            TrackerItem.objects.filter(finding_id=other, policing_body_id=body_id)
            .select_related("tracked_with")
            .first()
        )
        if item is not None:
            return _root(item)
    return None


def _create_item(*, finding, body, acting_user, reason: str, today: date) -> TrackerItem:
    """Linked recommendations are tracked once: a new item for a recommendation linked to one
    the office tracks already is tracked with that item (`TrackerItem.tracked_with`). Its tags
    start as the recommendation's themes and the office's plan priorities on it."""
    item = TrackerItem(
        finding=finding,
        report_id=finding.report_id,
        policing_body=body,
        target_date=finding.target_date,
        area=default_area(finding.report),
        tracked_on=today,
        created_by=acting_user,
        tracked_with=_linked_item(finding, body.pk),
    )
    attribute(item, acting_user=acting_user, reason=reason)
    item.save()
    item.themes.set(finding.themes.all())
    item.plan_priorities.set(finding.plan_priorities.filter(policing_body=body))
    _public_progress_changed(item)
    return item


def track_linked_once(link_id: int) -> list[TrackerItem]:
    """Subscriber of `finding.linked` (config/events.py): wherever an office tracks both
    recommendations of a new link, its item for the linking recommendation is tracked with the
    item for the one it repeats, is carried over from or supersedes, so the work is tracked once
    and both responses' pages show the same progress. Items tracked with the joined item follow
    it. Idempotent: an item already tracked with another is left alone. Returns the items joined."""
    link = FindingLink.objects.filter(pk=link_id).first()
    if link is None:  # removed since: nothing to join
        return []
    joined = []
    secondaries = TrackerItem.objects.filter(finding_id=link.finding_id, tracked_with__isnull=True)
    for secondary in secondaries:
        with transaction.atomic():
            secondary = _locked(secondary)
            primary = TrackerItem.objects.filter(
                finding_id=link.linked_to_id, policing_body_id=secondary.policing_body_id
            ).first()
            if primary is None or secondary.tracked_with_id:
                continue
            primary = _root(primary)
            if primary.pk == secondary.pk:
                continue
            for item in [secondary, *TrackerItem.objects.filter(tracked_with=secondary)]:
                item.tracked_with = primary
                attribute(
                    item,
                    acting_user=link.created_by,
                    reason=reasons.TRACKED_WITH(
                        label=primary.label, title=primary.finding.report.title
                    ),
                )
                item.save(update_fields=["tracked_with", "updated_at"])
            _public_progress_changed(secondary)
            joined.append(secondary)
    return joined


def tracker_item_set_tags(
    *, item: TrackerItem, acting_user, themes=(), plan_priorities=()
) -> TrackerItem:
    """Tag an item with themes (the maintained list) and the office's own Police and Crime
    Plan priorities. Only the office's staff; only active themes and the office's own active
    priorities may be added (ones already on the item may stay)."""
    _require_office(acting_user, item.policing_body_id, gettext_lazy("tag its tracker items"))
    with transaction.atomic():
        item = _locked(item)
        # As saved now (a priority may have been retired since the page was opened).
        themes = list(Theme.objects.filter(pk__in=[t.pk for t in themes]))
        priorities = list(PlanPriority.objects.filter(pk__in=[p.pk for p in plan_priorities]))
        kept_themes = set(item.themes.values_list("pk", flat=True))
        kept_priorities = set(item.plan_priorities.values_list("pk", flat=True))
        for theme in themes:
            if not theme.is_active and theme.pk not in kept_themes:
                raise TrackingError(
                    _("The theme %(name)s is no longer offered.") % {"name": theme.name}
                )
        for priority in priorities:
            if priority.policing_body_id != item.policing_body_id:
                raise TrackingError(_("Use your own office's Police and Crime Plan priorities."))
            if not priority.is_active and priority.pk not in kept_priorities:
                raise TrackingError(
                    _("The priority %(title)s is no longer offered.") % {"title": priority.title}
                )
        item.themes.set(themes)
        item.plan_priorities.set(priorities)
        names = ", ".join([t.name for t in themes] + [p.title for p in priorities]) or "none"
        attribute(item, acting_user=acting_user, reason=reasons.TAGS_CHANGED(names=names))
        item.save(update_fields=["updated_at"])
    return item


def tracker_item_create(
    *, finding: Finding, policing_body: PolicingBody, acting_user, reason: str = ""
) -> TrackerItem:
    """Start tracking one recommendation or AFI for an office ("Track this"). Its target date
    comes from the recommendation's timescale; the office changes it later if it must."""
    _require_office(acting_user, policing_body.pk, gettext_lazy("start tracking a recommendation"))
    if finding.kind not in TRACKED_KINDS:
        raise TrackingError(_("Only recommendations and areas for improvement can be tracked."))
    if not _concerns(finding.report, policing_body):
        raise TrackingError(
            _("That report is not about %(name)s, so %(short_name)s cannot track it.")
            % {"name": policing_body.force.name, "short_name": policing_body.short_name}
        )
    with transaction.atomic():
        if TrackerItem.objects.filter(finding=finding, policing_body=policing_body).exists():
            raise TrackingError(
                _("%(short_name)s already tracks this item.")
                % {"short_name": policing_body.short_name}
            )
        return _create_item(
            finding=finding,
            body=policing_body,
            acting_user=acting_user,
            reason=reason or "Tracking started",
            today=timezone.localdate(),
        )


def tracker_items_create_for_response(*, response, acting_user) -> list[TrackerItem]:
    """Track every recommendation of the response's report that is for local action, and every
    AFI, for the response's office. Idempotent: items that exist are left alone (a second run,
    or a second publication after an amendment, adds only findings added since). Recommendations
    addressed only to others (the Home Office, the College of Policing...) are not tracked
    automatically; "Track this" adds one. Returns the items created."""
    body = response.policing_body
    findings = [
        f
        for f in Finding.objects.filter(report_id=response.report_id, kind__in=TRACKED_KINDS)
        .select_related("report")
        .order_by("position", "id")
        if f.kind == Finding.Kind.AREA_FOR_IMPROVEMENT or f.is_for_local_action
    ]
    existing = set(
        TrackerItem.objects.filter(policing_body=body, finding__in=findings).values_list(
            "finding_id", flat=True
        )
    )
    created = []
    today = timezone.localdate()
    for finding in findings:
        if finding.pk in existing:
            continue
        try:
            with transaction.atomic():
                created.append(
                    _create_item(
                        finding=finding,
                        body=body,
                        acting_user=acting_user,
                        reason="Tracking started when the response was published",
                        today=today,
                    )
                )
        except IntegrityError:
            # Created meanwhile by another run (the unique constraint): nothing to do.
            continue
    return created


def track_after_publication(version_id: int) -> None:
    """Subscriber of `response.published` (config/events.py; runs in a worker after the
    publication commits): create the tracker items of the published response. Idempotent. A
    failure is recorded on its delivery and retried; "Track all" on the tracker does the same."""
    version = ResponseVersion.objects.select_related("response__policing_body", "published_by").get(
        pk=version_id
    )
    tracker_items_create_for_response(response=version.response, acting_user=version.published_by)


# --- Progress updates --------------------------------------------------------------------------


def _check_files(files) -> list[evidence.CheckedFile]:
    checked, problems = [], []
    for upload in files:
        try:
            checked.append(evidence.inspect_upload(upload))
        except ValidationError as error:
            problems.extend(error.messages)
    if problems:
        raise TrackingError(" ".join(problems), problems=problems)
    return checked


def _check_date(item: TrackerItem, day: date, *, status_change: bool) -> None:
    today = timezone.localdate()
    if day > today:
        raise TrackingError(_("The date of an update cannot be in the future."))
    published = item.finding.report.published_on
    if day < published:
        raise TrackingError(
            _("The date of an update cannot be before the report was published (%(date)s).")
            % {"date": long_date(published)}
        )
    if status_change:
        latest = (
            ProgressUpdate.objects.filter(item=item)
            .exclude(status_to="")
            .order_by("-date", "-created_at", "-id")
            .values_list("date", flat=True)
            .first()
        )
        if latest and day < latest:
            raise TrackingError(
                _(
                    "A change of status cannot be dated before the item's last change of status (%(date)s): use that date or a later one."
                )
                % {"date": long_date(latest)}
            )


def _add_update(
    item: TrackerItem,
    *,
    acting_user,
    by_force: bool,
    text: str,
    day: date,
    kind: str = ProgressUpdate.Kind.UPDATE,
    status: str = "",
    is_public: bool = False,
    corrects: ProgressUpdate | None = None,
    uploads=(),
    checked=(),
) -> ProgressUpdate:
    """Add the update (and its evidence), then bring the item's status and last-update date
    up to date. A force update that would change the public page waits for the office (a
    pending `PublicProposal`); anything else public takes effect at once. The caller holds the
    item's lock."""
    if item.tracked_with_id:
        primary = _root(item)
        raise TrackingError(
            _(
                "%(label)s is tracked with %(label2)s of %(title)s (the same recommendation): add progress there, and it shows on both."
            )
            % {"label": item.label, "label2": primary.label, "title": primary.finding.report.title}
        )
    update = ProgressUpdate(
        item=item,
        kind=kind,
        date=day,
        author=acting_user,
        text=text,
        status_from=item.status if status else "",
        status_to=status,
        is_public=is_public,
        corrects=corrects,
        by_force=by_force,
    )
    update.save()
    for upload, check in zip(uploads, checked, strict=True):
        upload.seek(0)
        EvidenceFile(
            update=update,
            file=upload,
            original_name=check.original_name,
            size=check.size,
            content_type=check.content_type,
            sha256=check.sha256,
        ).save()
    fields = ["last_update_on", "updated_at"]
    item.last_update_on = max(item.last_update_on or day, day)
    with translation.override(settings.LANGUAGE_CODE):  # stored in English (tracking/reasons.py)
        reason = str(ProgressUpdate.Kind(kind).label)
        if status:
            reason = reasons.STATUS_CHANGED(
                kind=reason,
                old=Status(item.status).label.lower(),
                new=Status(status).label.lower(),
            )
    if status:
        item.status = status
        fields.append("status")
    attribute(item, acting_user=acting_user, reason=reason)
    item.save(update_fields=fields)
    if needs_office_approval(
        by_force=by_force, is_public=is_public, status=status, corrects=corrects
    ):
        proposal = PublicProposal(item=item, update=update)
        attribute(proposal, acting_user=acting_user, reason="Proposed for the public page")
        proposal.save()
    elif status or is_public or corrects is not None:
        _public_progress_changed(item)
    if status and Status(status) not in ACTIVE_STATUSES:
        # The office closed the item: complete (a closure approved), superseded or not
        # accepted. config/events.py says who is told.
        emit(
            "tracker.item_closed",
            office_id=item.policing_body_id,
            item_id=item.pk,
            update_id=update.pk,
        )
    return update


def progress_update_add(
    *,
    item: TrackerItem,
    acting_user,
    text: str,
    date: date | None = None,
    status: str = "",
    is_public: bool = False,
    corrects: ProgressUpdate | None = None,
    files=(),
    redactions=(),
) -> ProgressUpdate:
    """Record a dated progress update on an item, by the office or the item's force.

    With `status`, the update also changes the item's status as the table in
    `tracking.workflow` allows (closure has its own services). With `corrects`, it is a
    correction of an earlier update of the same item (which stays on the record); the force
    corrects only the force's own updates. `files` are uploaded evidence, each checked by its
    content (`tracking.evidence`).

    A force contributor's update that is marked public, changes the status or corrects a public
    update is a proposal: the public sees none of it until the office approves it
    (`public_proposal_decide`).

    `redactions` (the office's staff, on an update marked public): passages redacted as the
    update is written, each `{"passage", "reason", "other_reason"}` as `progress_redaction_add`
    takes them, so the public never reads them.
    """
    text = _require_text(text, _("Enter what has been done."))
    marks = [
        (*_redaction_clean(r["passage"], r["reason"], r.get("other_reason", "")), r["reason"])
        for r in redactions
    ]
    checked = _check_files(files)
    day = date or timezone.localdate()
    with transaction.atomic():
        item = _locked(item)
        is_office = _member_role(acting_user, item)
        if status:
            check_status_change(item.status, status, is_office=is_office)
        _check_date(item, day, status_change=bool(status))
        if corrects is not None and corrects.item_id != item.pk:
            raise TrackingError(_("An update can only correct an earlier update of the same item."))
        if corrects is not None and not is_office and not corrects.by_force:
            raise TrackingError(
                _(
                    "The force can correct only the force's own updates: this one is the office's, so ask the office to correct it."
                )
            )
        if marks:
            _require_office(
                acting_user, item.policing_body_id, gettext_lazy("redact a passage of an update")
            )
        update = _add_update(
            item,
            acting_user=acting_user,
            by_force=not is_office,
            text=text,
            day=day,
            status=status,
            is_public=is_public,
            corrects=corrects,
            uploads=list(files),
            checked=checked,
        )
        for passage, other_reason, reason in marks:
            _redact(item, update, passage, reason, other_reason, acting_user=acting_user)
        return update


# --- Closure -----------------------------------------------------------------------------------


def closure_propose(
    *,
    item: TrackerItem,
    acting_user,
    text: str,
    date: date | None = None,
    is_public: bool = False,
    files=(),
) -> ClosureProposal:
    """Say the work on an item is complete and ask the office to sign it off (the item becomes
    pending sign-off). Force contributors propose for their force's items; office staff may
    propose too, and then someone else in the office decides. The public page shows a force's
    proposal (its status, and its text if marked public) only once the office approves it."""
    text = _require_text(text, _("Say what has been done to complete the work."))
    checked = _check_files(files)
    day = date or timezone.localdate()
    with transaction.atomic():
        item = _locked(item)
        is_office = _member_role(acting_user, item)
        if item.status == Status.PENDING_SIGN_OFF:
            raise TrackingError(_("Closure of this item has already been proposed."))
        action = check_status_change(
            item.status, Status.PENDING_SIGN_OFF, is_office=is_office, via_update=False
        )
        if action != PROPOSE_CLOSURE:  # pragma: no cover - the table has no other route
            raise TrackingError(_("Closure cannot be proposed for this item."))
        _check_date(item, day, status_change=True)
        status_before = item.status
        update = _add_update(
            item,
            acting_user=acting_user,
            by_force=not is_office,
            text=text,
            day=day,
            kind=ProgressUpdate.Kind.CLOSURE_PROPOSED,
            status=Status.PENDING_SIGN_OFF,
            is_public=is_public,
            uploads=list(files),
            checked=checked,
        )
        proposal = ClosureProposal(
            item=item, update=update, proposed_by=acting_user, status_before=status_before
        )
        attribute(proposal, acting_user=acting_user, reason="Closure proposed")
        proposal.save()
        return proposal


def closure_decide(
    *,
    proposal: ClosureProposal,
    acting_user,
    approve: bool,
    reason: str = "",
    is_public: bool = False,
    publish_proposal_text: bool = False,
) -> ClosureProposal:
    """The office approves a closure proposal (the item becomes complete) or refuses it with a
    reason (the item goes back to the status it had before). The person who proposed closure
    can do neither: someone else in the office must.

    A force's proposal waiting for the office's approval for the public page is decided at the
    same time: its text marked public is published only if the office approves closure with
    `publish_proposal_text`; otherwise it is not published (the office's decision, itself
    public if `is_public`, is what the public reads)."""
    reason = (reason or "").strip()
    if not approve and not reason:
        raise TrackingError(
            _("Say why closure is refused, so the force knows what is still needed.")
        )
    with transaction.atomic():
        item = _locked(proposal.item)
        proposal = ClosureProposal.objects.select_for_update().get(pk=proposal.pk)
        if not proposal.is_pending:
            raise TrackingError(
                _("This closure proposal has already been %(lower)s.")
                % {"lower": proposal.get_decision_display().lower()}
            )
        _require_office(
            acting_user, item.policing_body_id, gettext_lazy("approve or refuse closure")
        )
        if proposal.proposed_by_id == acting_user.pk:
            raise TrackingError(
                _(
                    "You proposed closing this item, so someone else in the office must approve or refuse it."
                )
            )
        target = Status.COMPLETE if approve else Status(proposal.status_before)
        action = check_status_change(item.status, target, is_office=True, via_update=False)
        if action != (APPROVE_CLOSURE if approve else REFUSE_CLOSURE):  # pragma: no cover
            raise TrackingError(_("The item is not waiting for a closure decision."))
        # The product's words in English around the office's own (tracking/reasons.py): each
        # page shows them in its reader's language (`templatetags.tracking.progress_text`).
        if approve:
            text = reasons.CLOSURE_APPROVED_TEXT(reason=reason) if reason else "Closure approved."
            kind = ProgressUpdate.Kind.CLOSURE_APPROVED
        else:
            text = reasons.CLOSURE_REFUSED_TEXT(reason=reason)
            kind = ProgressUpdate.Kind.CLOSURE_REFUSED
        update = _add_update(
            item,
            acting_user=acting_user,
            by_force=False,
            text=text,
            day=max(timezone.localdate(), proposal.update.date),
            kind=kind,
            status=target,
            is_public=is_public,
        )
        public = (
            PublicProposal.objects.select_for_update()
            .filter(update_id=proposal.update_id, decision=Decision.PENDING)
            .first()
        )
        if public is not None:
            if not approve:
                decision, why = Decision.DECLINED, "Closure refused."
            elif publish_proposal_text or not proposal.update.is_public:
                decision, why = Decision.APPROVED, "Closure approved."
            else:
                decision, why = (
                    Decision.DECLINED,
                    "Closure approved; the force's text was not published.",
                )
            _proposal_record(public, acting_user=acting_user, decision=decision, reason=why)
        proposal.decision = (
            ClosureProposal.Decision.APPROVED if approve else ClosureProposal.Decision.REFUSED
        )
        proposal.decided_by = acting_user
        proposal.decided_at = timezone.now()
        proposal.reason = reason
        proposal.decision_update = update
        with translation.override(settings.LANGUAGE_CODE):
            decided = str(proposal.get_decision_display())
        attribute(proposal, acting_user=acting_user, reason=decided)
        proposal.save()
        return proposal


# --- The force's proposals for the public page -----------------------------------------------


#: The history reason of each decision on a proposal for the public page, with why.
_PROPOSAL_DECIDED = {
    Decision.APPROVED: reasons.PROPOSAL_APPROVED,
    Decision.EDITED: reasons.PROPOSAL_EDITED,
    Decision.DECLINED: reasons.PROPOSAL_DECLINED,
}


def _proposal_record(
    proposal: PublicProposal, *, acting_user, decision: str, reason: str, replacement=None
) -> PublicProposal:
    """Record the office's decision on a proposal (the caller holds its lock)."""
    proposal.decision = decision
    proposal.decided_by = acting_user
    proposal.decided_at = timezone.now()
    proposal.reason = reason
    proposal.replacement = replacement
    if reason:
        why = _PROPOSAL_DECIDED[Decision(decision)](reason=reason)
    else:
        with translation.override(settings.LANGUAGE_CODE):
            why = str(Decision(decision).label)
    attribute(proposal, acting_user=acting_user, reason=why)
    proposal.save()
    return proposal


def public_proposal_decide(
    *,
    proposal: PublicProposal,
    acting_user,
    decision: str,
    text: str = "",
    reason: str = "",
) -> PublicProposal:
    """An office member decides what the public sees of a force's update (`tracking.publicity`):

    - `Decision.APPROVED`: published as the force wrote it (its text if marked public, its
      change of status, what it corrects);
    - `Decision.EDITED`: the office publishes `text` instead, as its own update dated like the
      force's (which stays on the record, never shown); the status change and correction take
      effect as for an approval;
    - `Decision.DECLINED`: nothing of it is published (`reason` says why, for the force).

    Decided once; the decision and who made it are in the proposal's history and on the item's
    timeline."""
    decision = Decision(decision)
    if decision == Decision.PENDING:
        raise TrackingError(_("Choose whether to approve, edit or decline the proposal."))
    reason = (reason or "").strip()
    if decision == Decision.EDITED:
        text = _require_text(text, _("Enter the text to publish."))
    if decision == Decision.DECLINED:
        _require_text(reason, _("Say why it is not published, so the force knows."))
    with transaction.atomic():
        item = _locked(proposal.item)
        proposal = PublicProposal.objects.select_for_update().get(pk=proposal.pk)
        _require_office(
            acting_user, item.policing_body_id, gettext_lazy("decide what the public page shows")
        )
        if not proposal.is_pending:
            raise TrackingError(
                _("This proposal has already been decided: %(lower)s.")
                % {"lower": proposal.get_decision_display().lower()}
            )
        replacement = None
        if decision == Decision.EDITED:
            update = proposal.update
            replacement = _add_update(
                item,
                acting_user=acting_user,
                by_force=False,
                text=text,
                day=update.date,
                is_public=True,
                corrects=update.corrects,
            )
        _proposal_record(
            proposal,
            acting_user=acting_user,
            decision=decision,
            reason=reason,
            replacement=replacement,
        )
        if decision == Decision.APPROVED:  # an edit's own update has already said so
            _public_progress_changed(item)
        return proposal


# --- Redaction of public updates (responses/redaction.py) -------------------------------------


def _redaction_history(item: TrackerItem, reason: str, acting_user) -> None:
    """Record a change of redactions in the item's history (the caller holds the item's lock),
    and move the public page on: the update's text may be public now."""
    attribute(item, acting_user=acting_user, reason=reason)
    item.save(update_fields=["updated_at"])
    _public_progress_changed(item)


def _redaction_clean(passage: str, reason: str, other_reason: str) -> tuple[str, str]:
    try:
        return redaction_clean(passage=passage, reason=reason, other_reason=other_reason)
    except WorkflowError as error:
        raise TrackingError(str(error), problems=error.problems) from None


def progress_redaction_add(
    *,
    update: ProgressUpdate,
    passage: str,
    reason: str,
    other_reason: str = "",
    acting_user,
) -> ProgressRedaction:
    """Mark `passage` of an update's text as redacted for `reason` (`RedactedPassage.Reason`;
    "other" needs `other_reason`, which is shown in the marker): every public output shows
    "[redacted: reason]" in place of every occurrence of it (`selectors.
    public_progress_for_response`, with the rule of responses/redaction.py). The office's
    staff, on an update marked public: the office's own (at once, or as it writes it:
    `progress_update_add(redactions=...)`), or the force's, before approving it for the public
    page or after. The update stays as it was written; in the history of the redaction and of
    the item."""
    passage, other_reason = _redaction_clean(passage, reason, other_reason)
    with transaction.atomic():
        item = _locked(update.item)
        update = ProgressUpdate.objects.get(pk=update.pk)
        _require_office(
            acting_user, item.policing_body_id, gettext_lazy("redact a passage of an update")
        )
        return _redact(item, update, passage, reason, other_reason, acting_user=acting_user)


def _redact(item, update, passage, reason, other_reason, *, acting_user) -> ProgressRedaction:
    if not update.is_public:
        raise TrackingError(
            _(
                "This update is not for the public page: its text is never published, so there is nothing to redact."
            )
        )
    if redaction.is_stale(update.text, passage):
        raise TrackingError(
            _(
                "That passage is not in the update: copy it exactly from the text (the same words, spaces and punctuation)."
            )
        )
    if ProgressRedaction.objects.filter(update=update, passage=passage).exists():
        raise TrackingError(_("That passage of the update is already redacted."))
    row = ProgressRedaction(
        update=update,
        passage=passage,
        reason=reason,
        other_reason=other_reason,
        created_by=acting_user,
    )
    with translation.override(settings.LANGUAGE_CODE):  # stored in English
        why = PASSAGE_REDACTED(
            text=reasons.UPDATE_TEXT(date=long_date(update.date)), category=row.reason_label
        )
    attribute(row, acting_user=acting_user, reason=why)
    row.save()
    _redaction_history(item, why, acting_user)
    return row


def progress_redaction_remove(*, redaction_id: int, acting_user) -> None:
    """Remove a redaction: the passage is public as written, if the update is. The office's
    staff; in the history."""
    with transaction.atomic():
        row = ProgressRedaction.objects.select_related("update").get(pk=redaction_id)
        item = _locked(row.update.item)
        _require_office(acting_user, item.policing_body_id, gettext_lazy("remove a redaction"))
        with translation.override(settings.LANGUAGE_CODE):  # stored in English
            why = REDACTION_REMOVED(
                text=reasons.UPDATE_TEXT(date=long_date(row.update.date)),
                category=row.reason_label,
            )
        attribute(row, acting_user=acting_user, reason=why)
        row.delete()
        _redaction_history(item, why, acting_user)


# --- Bulk change -------------------------------------------------------------------------------


def _check_lead(user, items, *, office: bool) -> list[str]:
    if user is None:
        return []
    if office:
        held = set(
            Membership.objects.filter(
                user=user,
                is_active=True,
                role__in=Membership.OFFICE_ROLES,
                user__is_active=True,
            ).values_list("policing_body_id", flat=True)
        )
        bad = {i.policing_body.short_name for i in items if i.policing_body_id not in held}
        return [
            _("%(display_name)s does not work in the office of %(name)s.")
            % {"display_name": user.display_name, "name": name}
            for name in sorted(bad)
        ]
    held = set(
        Membership.objects.filter(
            user=user,
            is_active=True,
            role=Membership.Role.FORCE_CONTRIBUTOR,
            user__is_active=True,
        ).values_list("force_id", flat=True)
    )
    bad = {i.policing_body.force.name for i in items if i.policing_body.force_id not in held}
    return [
        _("%(display_name)s is not a contributor for %(name)s.")
        % {"display_name": user.display_name, "name": name}
        for name in sorted(bad)
    ]


_FIELD_WORDS = {
    "office_lead": "office lead",
    "force_lead": "force lead",
    "target_date": "target date",
    "area": "area",
}


def tracker_items_bulk_update(
    *,
    items,
    acting_user,
    office_lead=UNCHANGED,
    force_lead=UNCHANGED,
    target_date=UNCHANGED,
    area=UNCHANGED,
    status: str = "",
    reason: str = "",
) -> list[TrackerItem]:
    """Change the office lead, force lead, target date, area and/or status of many items at
    once (one item is fine too). Pass only what changes (None clears a lead or the target
    date). All or nothing: if any item cannot take the change, nothing is changed and every
    problem is listed. A status change is recorded as a progress update on each item, whose
    text is `reason` (required then); other changes go into each item's history with it."""
    pks = sorted({i.pk for i in items})
    if not pks:
        raise TrackingError(_("Select at least one item."))
    changes = {
        name: value
        for name, value in (
            ("office_lead", office_lead),
            ("force_lead", force_lead),
            ("target_date", target_date),
            ("area", area),
        )
        if value is not UNCHANGED
    }
    if "area" in changes:
        changes["area"] = (changes["area"] or "").strip()
    reason = (reason or "").strip()
    if not changes and not status:
        raise TrackingError(_("Choose what to change."))
    if status:
        _require_text(reason, _("Say why the status is changing: it is recorded on each item."))
    with transaction.atomic():
        locked = list(
            TrackerItem.objects.select_for_update()
            .select_related("finding__report", "policing_body__force")
            .filter(pk__in=pks)
            .order_by("pk")
        )
        if len(locked) != len(pks):
            raise TrackingError(_("Some of the selected items no longer exist: reload the page."))
        problems = []
        for body_id in {i.policing_body_id for i in locked}:
            if not has_office_role(acting_user, body_id):
                problems.append(_("Only the office's staff can change these items."))
                break
        if "office_lead" in changes:
            problems += _check_lead(changes["office_lead"], locked, office=True)
        if "force_lead" in changes:
            problems += _check_lead(changes["force_lead"], locked, office=False)
        if status:
            for item in locked:
                if item.status == status:
                    continue
                try:
                    check_status_change(item.status, status, is_office=True)
                    _check_date(item, timezone.localdate(), status_change=True)
                except TrackingError as error:
                    problems.append(
                        _("%(label)s (%(title)s): %(error)s")
                        % {"label": item.label, "title": item.finding.report.title, "error": error}
                    )
        if problems:
            raise TrackingError(" ".join(problems), problems=problems)
        words = ", ".join(_FIELD_WORDS[name] for name in changes)
        today = timezone.localdate()
        for item in locked:
            changed = [n for n, v in changes.items() if getattr(item, n) != v]
            if changed:
                for name in changed:
                    setattr(item, name, changes[name])
                if reason:
                    history_reason = reason
                elif len(locked) > 1:
                    history_reason = reasons.CHANGED_FOR_ITEMS(count=len(locked), fields=words)
                else:
                    history_reason = reasons.CHANGED(fields=words)
                attribute(item, acting_user=acting_user, reason=history_reason)
                item.save(update_fields=[*changed, "updated_at"])
            if status and item.status != status:
                _add_update(
                    item,
                    acting_user=acting_user,
                    by_force=False,
                    text=reason,
                    day=today,
                    kind=(
                        ProgressUpdate.Kind.BULK_CHANGE
                        if len(locked) > 1
                        else ProgressUpdate.Kind.UPDATE
                    ),
                    status=status,
                )
        return locked


# --- Panel packs -------------------------------------------------------------------------------


def panel_pack_create(
    *, policing_body: PolicingBody, as_at: date, acting_user, title: str = ""
) -> PanelPack:
    """Freeze a pack for the office's scrutiny body (its Police and Crime Panel or equivalent,
    `PolicingBody.scrutiny_body_name`) as at `as_at`: each item open on that date with its
    status and latest public update then (as the public reads it: tracking/packs.py), and what
    changed since the previous pack (the office's latest pack as at an earlier date). The JSON
    it is built from and the PDF are stored with their SHA-256 and never recomputed: later
    updates never change it."""
    _require_office(acting_user, policing_body.pk, gettext_lazy("make a panel pack"))
    today = timezone.localdate()
    if as_at > today:
        raise TrackingError(_("A panel pack cannot be taken at a date in the future."))
    title = (title or "").strip() or (
        f"Progress on {inspectorate_on(as_at).abbreviation} recommendations: {long_date(as_at)}"
    )
    with transaction.atomic():
        # One pack at a time per office, so "the previous pack" is well defined.
        PolicingBody.objects.select_for_update().get(pk=policing_body.pk)
        previous = (
            PanelPack.objects.filter(policing_body=policing_body, as_at__lt=as_at)
            .order_by("-as_at", "-created_at", "-id")
            .first()
        )
        data = packs.pack_data(
            body=policing_body,
            as_at=as_at,
            title=title,
            previous=previous,
            taken_by=acting_user,
            taken_on=today,
        )
        pdf = packs.render_pack_pdf(data)
        pack = PanelPack(
            policing_body=policing_body,
            title=title,
            as_at=as_at,
            previous=previous,
            created_by=acting_user,
            data=data,
            data_sha256=packs.sha256(packs.canonical_json(data)),
            pdf=pdf,
            pdf_sha256=packs.sha256(pdf),
        )
        pack.save()
        return pack

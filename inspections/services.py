"""State changes to inspection reports and their findings."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, router, transaction
from django.db.models import Max, ProtectedError, Q
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import PlanPriority
from accounts.permissions import active_memberships, is_register_maintainer
from core.dates import long_date
from core.events import emit
from core.history import attribute
from core.locking import check_version, fingerprint

from . import reasons
from .models import Finding, GradedJudgement, Report, ReportCorrection, Scope, Theme
from .timescales import parse_timescale


def report_change_refusal(*, report: Report, user) -> str:
    """'' if `user` may change the facts `report` shares with every body that responds to it
    (its details, judgements and findings); otherwise why not, in words they can act on.

    The one rule (docs/decisions/0009-report-facts-ownership.md): the register maintainer may
    change any report, and so may a superuser in the Django admin (the service's operators);
    office staff may change a report that is not national and covers their office's force. A
    national report concerns every body, so offices propose corrections to it instead.
    """
    if user is None or not user.is_authenticated:
        return _("Sign in to change a report.")
    if user.is_superuser or is_register_maintainer(user):
        return ""
    offices = [m.policing_body for m in active_memberships(user) if m.policing_body_id]
    if not offices:
        return _("Only office staff and the register maintainer can change a report.")
    if report.scope == Scope.NATIONAL:
        return _(
            "This is a national report: every office shares its details and findings, so only the register maintainer can change them. Propose a correction instead."
        )
    covered = set(report.forces.values_list("pk", flat=True))
    if not any(office.force_id in covered for office in offices):
        return _(
            "This report does not cover %(name)s: only the offices whose forces it covers can change it. Propose a correction instead."
        ) % {"name": offices[0].force.name}
    return ""


def check_may_change_report(*, report: Report, user) -> None:
    """Raise PermissionDenied with the reason unless `user` may change `report`."""
    refusal = report_change_refusal(report=report, user=user)
    if refusal:
        raise PermissionDenied(refusal)


#: Reports that several bodies respond to: each is recorded once, so all share one clock.
SHARED_SCOPES = (Scope.NATIONAL, Scope.MULTI_FORCE)


class DuplicateReportError(ValidationError):
    """The report is already recorded (`duplicate_of`); `report` is the record to use."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__(
            _(
                "This report is already recorded: “%(title)s”, %(scope)s, published %(date)s. "
                "Every office responds to that record, so its 56 days run once for everyone: "
                "open it instead of recording it again."
            )
            % {
                "title": report.title,
                "scope": report.get_scope_display().lower(),
                "date": long_date(report.published_on),
            },
            code="duplicate_report",
        )


def _url_variants(url: str) -> set[str]:
    url = (url or "").strip().rstrip("/")
    return {url, url + "/"} if url else set()


def duplicate_of(report: Report) -> Report | None:
    """The report already recorded that `report` (saved or not) would repeat, if any.

    A report several bodies respond to (national or multi-force: `SHARED_SCOPES`) is the same
    report as another shared one with the same HMICFRS address, or with the same title (case
    and spacing aside), publication date and type. Recording it twice would give each body two
    clocks and two responses to one report. The database's unique constraints on `Report`
    hold the same rule against two requests at once. Force-specific reports are each office's
    own (an office records its force's report once; titles repeat across forces)."""
    if report.scope not in SHARED_SCOPES:
        return None
    same = Q(
        title__iexact=" ".join(report.title.split()),
        published_on=report.published_on,
        report_type=report.report_type,
    )
    for url in _url_variants(report.hmicfrs_url):
        same |= Q(hmicfrs_url__iexact=url)
    return (
        Report.objects.filter(scope__in=SHARED_SCOPES)
        .filter(same)
        .exclude(pk=report.pk)
        .order_by("pk")
        .first()
    )


def report_save(report: Report, *, acting_user, reason: str) -> Report:
    """Save `report` with its history reason, refusing a duplicate of a shared report
    (`duplicate_of`, then the unique constraints if another request recorded it meanwhile)
    with `DuplicateReportError`. Every service that saves a report's details calls this."""
    existing = duplicate_of(report)
    if existing is not None:
        raise DuplicateReportError(existing)
    attribute(report, acting_user=acting_user, reason=reason)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as error:
        # Another request recorded the same report after our check and committed first.
        existing = duplicate_of(report)
        if existing is None:
            raise
        raise DuplicateReportError(existing) from error
    return report


def report_create(*, acting_user, forces=(), reason: str = "Report recorded", **fields) -> Report:
    """Record a report (and, with `forces`, the forces it covers). A report several bodies
    respond to that is already recorded is refused with `DuplicateReportError`, naming it.

    The responses it calls for are opened by `responses.services.responses_create_for_report`,
    which whatever records a report calls in the same transaction (this room cannot: responses
    depend on reports, not the other way round)."""
    if "title" in fields:
        fields["title"] = " ".join((fields["title"] or "").split())
    report = Report(**fields)
    report.full_clean(validate_constraints=False)
    with transaction.atomic():
        report_save(report, acting_user=acting_user, reason=reason)
        if forces:
            report.forces.set(forces)
    return report


def report_update(
    *,
    report: Report,
    acting_user,
    reason: str = "Report edited",
    forces=None,
    expected_version: str | None = None,
    **fields,
) -> Report:
    """Edit a report's details (and, with `forces`, the forces it covers), if `acting_user`
    may change the report (`report_change_refusal`). The facts a correction changes (the
    publication date, which moves every body's statutory deadline, and the type, scope and
    forces, which decide who must respond) go through `responses.corrections`, which also opens
    the responses of bodies a wider report newly concerns. With `expected_version` (from
    `report_version` when the editor opened the page), a report changed since then is refused
    with `ConcurrentEditError`."""
    if "published_on" in fields and fields["published_on"] != report.published_on:
        raise ValidationError(
            {
                "published_on": "Correct the publication date with its own action: it moves deadlines."
            }
        )
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        check_may_change_report(report=report, user=acting_user)
        check_version(
            expected=expected_version,
            current=report_version(report),
            message="Someone else changed this report's details after you opened the page. "
            "Your changes have been kept below: compare them with the saved details, then save "
            "again.",
        )
        for name, value in fields.items():
            setattr(report, name, value)
        report.full_clean(validate_constraints=False)
        report_save(report, acting_user=acting_user, reason=reason)
        if forces is not None:
            report.forces.set(forces)
    return report


#: The fields of a report that its details page edits (and that `report_version` covers).
REPORT_DETAIL_FIELDS = (
    "title",
    "hmicfrs_url",
    "published_on",
    "report_type",
    "inspection_type_label",
    "scope",
    "lead_inspectorate",
    "participating_inspectorates",
    "grading_framework",
    "summary",
)


def report_version(report: Report) -> str:
    """A short fingerprint of the report's details as saved (and the forces it covers).

    Reports carry no version counter, so an editor's page keeps this fingerprint and the save
    compares it with the one computed under the row lock: any change in between refuses the
    save rather than overwriting it (nothing lost when two people edit)."""
    values = [getattr(report, name) for name in REPORT_DETAIL_FIELDS]
    forces = sorted(report.forces.values_list("pk", flat=True))
    return fingerprint([values, forces])


_FINDING_FIELDS = ("position", "reference", "text", "addressees", "timescale_text")


def section_version(report: Report, kind: str) -> str:
    """Fingerprint of one section of a report (its findings of `kind`, or its graded
    judgements with `kind="judgements"`), as saved: see `report_version`."""
    if kind == "judgements":
        rows = list(
            GradedJudgement.objects.filter(report=report)
            .order_by("position", "id")
            .values_list("id", "position", "area", "grade")
        )
    else:
        rows = list(
            Finding.objects.filter(report=report, kind=kind)
            .order_by("position", "id")
            .values_list("id", *_FINDING_FIELDS, "cause_of_concern_id")
        )
    return fingerprint(rows)


@dataclass
class SectionItem:
    """One row of a section as the editor left it. `pk` is None for a new item; `delete`
    removes an existing one. The order of the list is the order of the section."""

    pk: int | None = None
    delete: bool = False
    values: dict = field(default_factory=dict)


def _check_section(report: Report, kind: str, expected_version: str | None, label: str):
    check_version(
        expected=expected_version,
        current=section_version(report, kind),
        message=_(
            "Someone else changed the %(label)s of this report after you opened the page. Your "
            "changes have been kept below: compare them with what is saved now, then save again."
        )
        % {"label": _(label)},
    )


def _positions(existing: list[int], count: int, start_after: int) -> list[int]:
    """Positions for `count` items of one section: the positions the section already uses,
    in order, then new ones after everything else in the report, so sections never swap."""
    positions = sorted(existing)[:count]
    while len(positions) < count:
        start_after = max([start_after, *positions]) + 1
        positions.append(start_after)
    return positions


def findings_save_section(
    *,
    report: Report,
    kind: str,
    items: list[SectionItem],
    acting_user,
    expected_version: str | None = None,
    reason: str = "",
    proposal: ReportCorrection | None = None,
) -> list[Finding]:
    """Save one section of a report (its key findings, causes of concern, recommendations,
    AFIs or practice) as the editor left it: add, change, remove and reorder in one
    transaction. Refused with `ConcurrentEditError` if the section changed since the editor
    opened it, and with `ValidationError` if it would remove a finding that a response has
    already answered (its explanation would be lost).

    When other bodies respond to the report, a change is a correction of shared findings:
    `reason` is required and the change is recorded (`_findings_changed`); `proposal`, an
    office's proposed findings correction of this report, is the correction it makes."""
    kind = Finding.Kind(kind)
    label = {
        Finding.Kind.KEY_FINDING: gettext_noop("key findings"),
        Finding.Kind.CAUSE_OF_CONCERN: gettext_noop("causes of concern"),
        Finding.Kind.RECOMMENDATION: gettext_noop("recommendations"),
        Finding.Kind.AREA_FOR_IMPROVEMENT: gettext_noop("areas for improvement"),
        Finding.Kind.PRACTICE: gettext_noop("innovative or promising practice"),
    }[kind]
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        check_may_change_report(report=report, user=acting_user)
        _check_section(report, kind, expected_version, label)
        current = {f.pk: f for f in Finding.objects.filter(report=report, kind=kind)}
        unknown = [i.pk for i in items if i.pk is not None and i.pk not in current]
        if unknown:
            raise ValidationError(
                _("Some of the %(label)s no longer exist: reload the page.") % {"label": label}
            )
        removed = [current[i.pk] for i in items if i.pk is not None and i.delete]
        kept = [i for i in items if not i.delete]
        _remove(removed, acting_user=acting_user, reason=reasons.FINDINGS_REMOVED(kind=kind.label))
        # In English whoever edits (inspections/reasons.py): the history, every response's
        # history and the public note show them in their reader's language.
        changes = [
            reasons.FINDING_REMOVED_CHANGE(kind=kind.label, finding=f.reference or _excerpt(f.text))
            for f in removed
        ]
        positions = _positions(
            [f.position for f in current.values()],
            len(kept),
            start_after=Finding.objects.filter(report=report).aggregate(m=Max("position"))["m"]
            or 0,
        )
        saved = []
        for item, position in zip(kept, positions, strict=True):
            values = {**item.values, "position": position}
            if "text" in values:
                values["text"] = (values["text"] or "").strip()
            if item.pk is None:
                finding = Finding(report=report, kind=kind, **values)
                what, change = reasons.FINDING_ADDED, reasons.FINDING_ADDED_CHANGE
            else:
                finding = current[item.pk]
                before = [getattr(finding, name) for name in values]
                for name, value in values.items():
                    setattr(finding, name, value)
                if before == [getattr(finding, name) for name in values]:
                    saved.append(finding)
                    continue
                changed = {
                    name
                    for name, old in zip(values, before, strict=True)
                    if old != getattr(finding, name)
                }
                moved_only = changed <= {"position"}
                what, change = (
                    (reasons.FINDING_MOVED, reasons.FINDING_MOVED_CHANGE)
                    if moved_only
                    else (reasons.FINDING_EDITED, reasons.FINDING_EDITED_CHANGE)
                )
            _apply_timescale(finding, report.published_on)
            finding.full_clean()
            attribute(finding, acting_user=acting_user, reason=what(kind=kind.label))
            finding.save()
            saved.append(finding)
            changes.append(
                change(kind=kind.label, finding=finding.reference or _excerpt(finding.text))
            )
        _findings_changed(report, acting_user, changes, reason=reason, proposal=proposal)
    return saved


def finding_remove(*, finding: Finding, acting_user, reason: str = "") -> None:
    """Remove one finding (the admin's report page). Refused with `ValidationError`, as on the
    report's section pages, if a response has answered it or it is being tracked. `reason`
    says why (required when other bodies respond to the report: `_findings_changed`)."""
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        what = f"{finding.get_kind_display()} removed"
        _remove([finding], acting_user=acting_user, reason=reason or what)
        _findings_changed(
            finding.report,
            acting_user,
            [f"{what}: {finding.reference or _excerpt(finding.text)}"],
            reason=reason,
        )


def _remove(findings: list[Finding], *, acting_user, reason: str) -> None:
    """Delete `findings`, or refuse with every reason none may go. Rooms above keep records
    that point at findings and must outlive them (a response's answer, tracking's progress):
    their foreign keys protect a finding (`on_delete`), and a protecting row may say why in
    its own words (`removal_refusal`). All of them are asked before anything is deleted."""
    refusals = removal_refusals(findings)
    if refusals:
        raise ValidationError(refusals)
    for finding in findings:
        attribute(finding, acting_user=acting_user, reason=reason)
        finding.delete()


def removal_refusals(findings: list[Finding]) -> list[str]:
    """Why `findings` cannot be removed, in words a person can act on (none: they can)."""
    if not findings:
        return []
    try:
        Collector(using=router.db_for_write(Finding)).collect(findings)
    except ProtectedError as error:
        return _refusals(findings, error.protected_objects)
    return []


def _refusals(findings: list[Finding], protected) -> list[str]:
    said = [obj.removal_refusal for obj in protected if hasattr(obj, "removal_refusal")]
    others = [obj for obj in protected if not hasattr(obj, "removal_refusal")]
    for finding in findings:
        count = sum(1 for obj in others if getattr(obj, "finding_id", None) == finding.pk)
        if count:
            said.append(
                _(
                    "%(reference)s cannot be removed: it is being tracked (%(count)s record(s) depend on it)."
                )
                % {"reference": finding.reference or _("A finding"), "count": count}
            )
    return said or ["A record that depends on it keeps it."]


def _excerpt(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 3].rstrip() + "..."


def _findings_changed(
    report: Report,
    acting_user,
    changes: list[str],
    *,
    reason: str = "",
    proposal: ReportCorrection | None = None,
) -> ReportCorrection | None:
    """Say that the report's findings changed ("report.findings_changed", config/events.py): a
    response submitted for approval, or approved, no longer answers them as they stand.

    When a body other than the acting person's own office responds to the report (a national
    or multi-force report, or the register maintainer changing any report), the change is a
    correction of shared findings, like a correction of the shared facts
    (docs/decisions/0009-report-facts-ownership.md): it needs a reason, it is recorded as a
    `ReportCorrection` (who, when, why, what changed), and "report.findings_corrected" follows
    (a line in every response's history, each office told, the public notes). Returns it."""
    if not changes:
        return None
    change = "; ".join(changes)
    emit(
        "report.findings_changed",
        report_id=report.pk,
        acting_user_id=getattr(acting_user, "pk", None),
        change=change,
        changed_at=timezone.now().isoformat(),
    )
    if not findings_shared(report=report, user=acting_user):
        return None  # only the acting office's own response follows these findings
    offices = _offices_of(acting_user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {
                "reason": "Say why the findings are being changed: every other office "
                "responding to this report sees it in its response's history."
            }
        )
    now = timezone.now()
    if proposal is not None:
        correction = ReportCorrection.objects.select_for_update().get(pk=proposal.pk)
        if (
            correction.report_id != report.pk
            or correction.status != ReportCorrection.Status.PROPOSED
            or not correction.findings_proposed
        ):
            raise ValidationError(
                _("That proposal is not an open findings correction of this report.")
            )
    else:
        covered = set(report.forces.values_list("pk", flat=True))
        correction = ReportCorrection(
            report=report,
            proposed_by=acting_user,
            proposed_by_office=next(
                (o for o in offices if report.scope == Scope.NATIONAL or o.force_id in covered),
                None,
            ),
        )
    correction.reason = reason
    correction.findings_changed = change
    correction.status = ReportCorrection.Status.APPLIED
    correction.decided_by = acting_user
    correction.decided_at = now
    attribute(correction, acting_user=acting_user, reason="Findings corrected")
    correction.save()
    emit("report.findings_corrected", correction_id=correction.pk)
    return correction


def findings_shared(*, report: Report, user) -> bool:
    """Does a body other than `user`'s own office(s) respond to `report`? Then a change of its
    findings is a correction of shared findings (`_findings_changed`): reason required."""
    return report.responses.exclude(policing_body__in=_offices_of(user)).exists()


def _offices_of(user) -> list:
    return [m.policing_body for m in active_memberships(user) if m.policing_body_id]


def judgements_save(
    *,
    report: Report,
    items: list[SectionItem],
    acting_user,
    expected_version: str | None = None,
) -> list[GradedJudgement]:
    """Save a report's graded judgements as the editor left them (add, change, remove,
    reorder), refused if they changed since the editor opened the page."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        check_may_change_report(report=report, user=acting_user)
        _check_section(report, "judgements", expected_version, gettext_noop("graded judgements"))
        current = {j.pk: j for j in GradedJudgement.objects.filter(report=report)}
        if any(i.pk is not None and i.pk not in current for i in items):
            raise ValidationError(_("Some of the judgements no longer exist: reload the page."))
        for item in items:
            if item.pk is not None and item.delete:
                judgement = current[item.pk]
                attribute(judgement, acting_user=acting_user, reason="Graded judgement removed")
                judgement.delete()
        saved = []
        for position, item in enumerate((i for i in items if not i.delete), start=1):
            values = {**item.values, "position": position}
            if item.pk is None:
                judgement = GradedJudgement(report=report, **values)
                reason = "Graded judgement added"
            else:
                judgement = current[item.pk]
                before = [getattr(judgement, name) for name in values]
                for name, value in values.items():
                    setattr(judgement, name, value)
                if before == [getattr(judgement, name) for name in values]:
                    saved.append(judgement)
                    continue
                reason = "Graded judgement edited"
            judgement.full_clean()
            attribute(judgement, acting_user=acting_user, reason=reason)
            judgement.save()
            saved.append(judgement)
    return saved


def finding_derive_timescale(finding: Finding, *, published_on: date | None = None) -> Finding:
    """Set a finding's timescale kind and target date from its timescale text (not saved).

    Only recommendations carry a timescale; relative periods run from the report's publication
    date (`published_on`, by default the finding's report's). Every write path (services, admin)
    calls this so the stored kind and date always match the text."""
    if finding.kind != Finding.Kind.RECOMMENDATION:
        finding.timescale_kind = Finding.TimescaleKind.NONE
        finding.target_date = None
        return finding
    if published_on is None:
        published_on = finding.report.published_on
    parsed = parse_timescale(finding.timescale_text, published_on=published_on)
    finding.timescale_kind = str(parsed.kind)
    finding.target_date = parsed.target_date
    return finding


def _apply_timescale(finding: Finding, published_on: date) -> None:
    finding_derive_timescale(finding, published_on=published_on)


def finding_add(
    *,
    report: Report,
    kind: str,
    text: str,
    acting_user,
    position: int | None = None,
    why: str = "",
    reason: str = "",
    **fields,
) -> Finding:
    """Add a finding; a recommendation's timescale text gives its kind and target date. `why`
    is required when other bodies respond to the report (`_findings_changed`)."""
    with transaction.atomic():
        if position is None:
            position = Finding.objects.filter(report=report).count() + 1
        finding = Finding(report=report, kind=kind, text=text.strip(), position=position, **fields)
        _apply_timescale(finding, report.published_on)
        finding.full_clean()
        reason = reason or f"{finding.get_kind_display()} added"
        attribute(finding, acting_user=acting_user, reason=reason)
        finding.save()
        _findings_changed(
            report, acting_user, [f"{reason}: {finding.reference or _excerpt(text)}"], reason=why
        )
    return finding


#: What a response answers and prints of a finding: a change to any of these is a change of
#: the report's findings (`core.events.FINDINGS_CHANGED`); derived fields are not.
_ANSWERED_FIELDS = ("kind", "reference", "text", "addressees", "timescale_text", "position")


def finding_update(*, finding: Finding, acting_user, reason: str = "", **fields) -> Finding:
    """Change one finding; `reason` is its history reason, and says why when other bodies
    respond to the report (then required: `_findings_changed`)."""
    with transaction.atomic():
        finding = Finding.objects.select_for_update().select_related("report").get(pk=finding.pk)
        before = [getattr(finding, name) for name in _ANSWERED_FIELDS]
        for name, value in fields.items():
            setattr(finding, name, value)
        _apply_timescale(finding, finding.report.published_on)
        finding.full_clean()
        what = f"{finding.get_kind_display()} edited"
        attribute(finding, acting_user=acting_user, reason=reason or what)
        finding.save()
        if before != [getattr(finding, name) for name in _ANSWERED_FIELDS]:
            _findings_changed(
                finding.report,
                acting_user,
                [f"{what}: {finding.reference or _excerpt(finding.text)}"],
                reason=reason,
            )
    return finding


def judgement_add(
    *,
    report: Report,
    area: str,
    grade: str,
    acting_user,
    position: int | None = None,
    reason: str = "Graded judgement added",
) -> GradedJudgement:
    with transaction.atomic():
        if position is None:
            position = GradedJudgement.objects.filter(report=report).count() + 1
        judgement = GradedJudgement(report=report, area=area, grade=grade, position=position)
        judgement.full_clean()
        attribute(judgement, acting_user=acting_user, reason=reason)
        judgement.save()
    return judgement


# --- Themes and the offices' plan priorities ----------------------------------------------------


def finding_set_themes(*, finding: Finding, acting_user, themes) -> Finding:
    """Tag a recommendation (or any finding) with themes from the maintained list. Themes are
    a fact every office shares, so whoever may change the report may tag it
    (`report_change_refusal`); a retired theme may stay but not be added."""
    themes = list(Theme.objects.filter(pk__in=[t.pk for t in themes]))  # as saved now
    check_may_change_report(report=finding.report, user=acting_user)
    with transaction.atomic():
        finding = Finding.objects.select_for_update().select_related("report").get(pk=finding.pk)
        kept = set(finding.themes.values_list("pk", flat=True))
        retired = [t.name for t in themes if not t.is_active and t.pk not in kept]
        if retired:
            raise ValidationError(_("No longer offered: %(join)s.") % {"join": ", ".join(retired)})
        finding.themes.set(themes)
        attribute(
            finding,
            acting_user=acting_user,
            reason=f"Themes: {', '.join(t.name for t in themes) or 'none'}",
        )
        finding.save()
    return finding


def finding_set_plan_priorities(*, finding: Finding, body, acting_user, priorities) -> Finding:
    """Tag a recommendation with `body`'s own Police and Crime Plan priorities (its staff only;
    other offices' tags on the same recommendation are theirs and stay as they are)."""
    priorities = list(PlanPriority.objects.filter(pk__in=[p.pk for p in priorities]))
    if not any(m.policing_body_id == body.pk for m in active_memberships(acting_user)):
        raise PermissionDenied(_("Only the office's staff can tag with its plan's priorities."))
    if any(p.policing_body_id != body.pk for p in priorities):
        raise ValidationError(_("Use your own office's Police and Crime Plan priorities."))
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        theirs = list(finding.plan_priorities.exclude(policing_body=body))
        kept = set(finding.plan_priorities.filter(policing_body=body).values_list("pk", flat=True))
        retired = [p.title for p in priorities if not p.is_active and p.pk not in kept]
        if retired:
            raise ValidationError(_("No longer offered: %(join)s.") % {"join": ", ".join(retired)})
        finding.plan_priorities.set([*theirs, *priorities])
        attribute(
            finding,
            acting_user=acting_user,
            reason=f"{body.short_name}'s plan priorities: "
            f"{', '.join(p.title for p in priorities) or 'none'}",
        )
        finding.save()
    return finding


def theme_save(*, acting_user, theme=None, name: str, description: str = "", is_active=True):
    """Add or change a theme of the maintained list (the register maintainer, or a superuser
    in the admin). Retiring keeps it on what it tagged."""
    if not (acting_user.is_superuser or is_register_maintainer(acting_user)):
        raise PermissionDenied(_("Only the register maintainer keeps the list of themes."))
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Enter the theme's name."))
    with transaction.atomic():
        if theme is None:
            last = Theme.objects.order_by("-position").first()
            theme = Theme(slug=slugify(name)[:50], position=(last.position + 1) if last else 1)
        else:
            theme = Theme.objects.select_for_update().get(pk=theme.pk)
        theme.name = name
        theme.description = (description or "").strip()
        theme.is_active = is_active
        theme.full_clean()
        attribute(theme, acting_user=acting_user, reason="Theme saved")
        theme.save()
    return theme


def judgement_update(
    *, judgement: GradedJudgement, acting_user, reason: str = "Graded judgement edited", **fields
) -> GradedJudgement:
    """Change one graded judgement's area, grade or position (the admin; the report's page
    saves the whole section with `judgements_save`)."""
    with transaction.atomic():
        judgement = GradedJudgement.objects.select_for_update().get(pk=judgement.pk)
        for name, value in fields.items():
            setattr(judgement, name, value)
        judgement.full_clean()
        attribute(judgement, acting_user=acting_user, reason=reason)
        judgement.save()
    return judgement


def judgement_remove(
    *, judgement: GradedJudgement, acting_user, reason: str = "Graded judgement removed"
) -> None:
    with transaction.atomic():
        judgement = GradedJudgement.objects.select_for_update().get(pk=judgement.pk)
        attribute(judgement, acting_user=acting_user, reason=reason)
        judgement.delete()

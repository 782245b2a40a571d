"""Corrections of the facts a report shares with every body that responds to it.

A report's publication date starts every body's 56 days (Police Act 1996 s55(5A)); its type,
scope and forces say what it is and whom it concerns. One office's correction can therefore move
another body's deadline, so these facts change only here, never by editing the report
(docs/decisions/0009-report-facts-ownership.md):

- `report_correct`: someone who may change the report (`inspections.services.
  report_change_refusal`: the register maintainer, or an office whose force a force-specific or
  multi-force report covers) makes the correction at once.
- `report_correction_propose`: any office that works with the report (a national one
  included) proposes a correction; `report_correction_decide`: someone who may change the report
  (for a national report, the register maintainer) makes it or declines it, with a note.

Making a correction records the facts before and after (`ReportCorrection.previous`), writes the
report's history, recomputes the recommendations' timescales and every response's due date, and
writes a history entry on every response to the report saying who corrected what and why, and
emits the event "report.corrected" (config/events.py lists what follows: every office with a
response is emailed, through `reminders`' `CorrectionNotice` rows, one per person, and the
public copies are refreshed, by `public`); each office's dashboard shows the notice
(`responses.dashboard`). The event's deliveries are recorded in the correction's transaction,
run in workers after commit, retried and replayed if they fail.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Force
from accounts.permissions import active_memberships
from core.dates import long_date
from core.events import emit
from core.history import attribute, reason_text
from inspections.models import Report, ReportCorrection, ReportType, Scope
from inspections.services import check_may_change_report, finding_update, report_save

from . import reasons
from .models import Response, Status
from .services import _locked, _save, _set_due_dates, responses_create_for_report

#: The shared facts a correction may change, in the order they are described.
FACTS = ("published_on", "report_type", "scope", "forces")


def _facts_of(report: Report) -> dict:
    """The report's shared facts as JSON-ready values (dates as ISO text, forces as ids)."""
    return {
        "published_on": report.published_on.isoformat(),
        "report_type": report.report_type,
        "scope": report.scope,
        "forces": sorted(report.forces.values_list("pk", flat=True)),
    }


def _wanted(*, published_on, report_type, scope, forces) -> dict:
    facts = {}
    if published_on is not None:
        facts["published_on"] = published_on
    if report_type:
        if report_type not in ReportType.values:
            raise ValidationError({"report_type": _("Choose a type of report.")})
        facts["report_type"] = report_type
    if scope:
        if scope not in Scope.values:
            raise ValidationError({"scope": _("Choose a scope.")})
        facts["scope"] = scope
    if forces is not None:
        facts["forces"] = sorted(getattr(f, "pk", f) for f in forces)
    return facts


def _changes(report: Report, wanted: dict) -> dict:
    """{fact: (before, after)} for the facts `wanted` really changes, as JSON-ready values."""
    before = _facts_of(report)
    after = {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in wanted.items()
    }
    return {name: (before[name], after[name]) for name in after if after[name] != before[name]}


def _check_facts(report: Report, wanted: dict) -> None:
    """The corrected facts must still describe a report: a force-specific report covers one
    force, a multi-force report two or more."""
    scope = wanted.get("scope", report.scope)
    forces = wanted.get("forces")
    count = len(forces) if forces is not None else report.forces.count()
    if scope == Scope.FORCE and count != 1:
        raise ValidationError({"forces": _("A force-specific report covers exactly one force.")})
    if scope == Scope.MULTI_FORCE and count < 2:
        raise ValidationError({"forces": _("A multi-force report covers two or more forces.")})
    if forces and Force.objects.filter(pk__in=forces).count() != len(set(forces)):
        raise ValidationError({"forces": _("Some of those forces do not exist.")})


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why the report is being corrected: every office responding sees it.")}
        )
    return reason


def _office_of(user, report: Report):
    """The user's office that works with `report` (covered by it, or any for a national one)."""
    forces = None
    for membership in active_memberships(user):
        if not membership.policing_body_id:
            continue
        if report.scope == Scope.NATIONAL:
            return membership.policing_body
        if forces is None:
            forces = set(report.forces.values_list("pk", flat=True))
        if membership.policing_body.force_id in forces:
            return membership.policing_body
    return None


def report_correct(
    *,
    report: Report,
    acting_user,
    reason: str,
    published_on: date | None = None,
    report_type: str = "",
    scope: str = "",
    forces=None,
) -> ReportCorrection:
    """Correct a report's shared facts at once (blank or None: unchanged). Refused with
    PermissionDenied unless `acting_user` may change the report, and with ValidationError
    without a reason or when nothing would change."""
    reason = _require_reason(reason)
    wanted = _wanted(published_on=published_on, report_type=report_type, scope=scope, forces=forces)
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        check_may_change_report(report=report, user=acting_user)
        correction = ReportCorrection(
            report=report,
            reason=reason,
            proposed_by=acting_user,
            proposed_by_office=_office_of(acting_user, report),
            **_as_fields(wanted),
        )
        _apply(correction, report=report, acting_user=acting_user)
    return correction


def _as_fields(wanted: dict) -> dict:
    return {
        "published_on": wanted.get("published_on"),
        "report_type": wanted.get("report_type", ""),
        "scope": wanted.get("scope", ""),
        "forces": wanted.get("forces"),
    }


def report_correction_propose(
    *,
    report: Report,
    acting_user,
    reason: str,
    published_on: date | None = None,
    report_type: str = "",
    scope: str = "",
    forces=None,
) -> ReportCorrection:
    """Propose a correction of a report the acting user's office works with (one covering its
    force, or a national report). Someone who may change the report decides it
    (`report_correction_decide`); for a national report, the register maintainer."""
    reason = _require_reason(reason)
    wanted = _wanted(published_on=published_on, report_type=report_type, scope=scope, forces=forces)
    office = _office_of(acting_user, report)
    if office is None:
        raise PermissionDenied(
            _("Only an office that works with this report can propose a correction.")
        )
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if not _changes(report, wanted):
            raise ValidationError(_("The proposal changes nothing: the report already says that."))
        _check_facts(report, wanted)
        correction = ReportCorrection(
            report=report,
            reason=reason,
            proposed_by=acting_user,
            proposed_by_office=office,
            **_as_fields(wanted),
        )
        attribute(correction, acting_user=acting_user, reason="Correction proposed")
        correction.save()
    return correction


def report_correction_decide(
    *, correction: ReportCorrection, acting_user, accept: bool, note: str = ""
) -> ReportCorrection:
    """Make a proposed correction (`accept`) or decline it; declining needs a note, which the
    proposer sees. Only someone who may change the report decides."""
    note = (note or "").strip()
    if not accept and not note:
        raise ValidationError({"note": _("Say why the correction is not being made.")})
    with transaction.atomic():
        correction = ReportCorrection.objects.select_for_update().get(pk=correction.pk)
        report = Report.objects.select_for_update().get(pk=correction.report_id)
        check_may_change_report(report=report, user=acting_user)
        if correction.status != ReportCorrection.Status.PROPOSED:
            raise ValidationError(
                _("This correction has already been decided: %(get_status_display)s.")
                % {"get_status_display": correction.get_status_display()}
            )
        correction.decision_note = note
        if accept and correction.findings_proposed:
            raise ValidationError(
                _(
                    "A correction of the findings is made in the report's sections: open the section from this proposal, change it and save, and the proposal is made."
                )
            )
        if accept:
            _apply(correction, report=report, acting_user=acting_user)
        else:
            correction.status = ReportCorrection.Status.REJECTED
            correction.decided_by = acting_user
            correction.decided_at = timezone.now()
            attribute(correction, acting_user=acting_user, reason=f"Not made: {note}")
            correction.save()
    return correction


def _apply(correction: ReportCorrection, *, report: Report, acting_user) -> None:
    """Make `correction` on the locked `report`: the report, its recommendations' timescales,
    every response's due date and history, the correction's record; hooks after commit."""
    wanted = correction.proposed_facts()
    changes = _changes(report, wanted)
    if not changes:
        raise ValidationError(_("The correction changes nothing: the report already says that."))
    _check_facts(report, wanted)
    correction.previous = _facts_of(report)
    for name in ("published_on", "report_type", "scope"):
        if name in wanted:
            setattr(report, name, wanted[name])
    report.full_clean(validate_constraints=False)
    # A correction must not turn the report into a second record of another (same title, date
    # and type, or address): refused, naming the record to use.
    report_save(report, acting_user=acting_user, reason=f"Corrected: {correction.reason}")
    if "forces" in wanted:
        report.forces.set(wanted["forces"])
    if "published_on" in changes:
        for finding in report.findings.recommendations():
            finding_update(finding=finding, acting_user=acting_user, reason="Timescale recomputed")
    leaving = _no_longer_concerned(report, correction) if {"scope", "forces"} & set(changes) else {}
    if {"report_type", "scope", "forces"} & set(changes):
        # A wider report concerns more bodies: each gets its response, as when it was recorded.
        responses_create_for_report(report=report, acting_user=acting_user)

    correction.status = ReportCorrection.Status.APPLIED
    correction.decided_by = acting_user
    correction.decided_at = timezone.now()
    attribute(correction, acting_user=acting_user, reason="Correction made")
    correction.save()

    for response in Response.objects.filter(report=report).order_by("pk"):
        response = _locked(response)
        fields = []
        reason = f"Report corrected: {correction.reason}"
        if "published_on" in changes:
            _set_due_dates(response, report.published_on)
            fields = ["due_date", "publish_by"]
        if response.pk in leaving:
            response.status = Status.NOT_REQUIRED
            response.not_required_reason = leaving[response.pk]
            fields += ["status", "not_required_reason"]
            reason = f"{reason} Closed as not required: no longer concerned."
        _save(response, acting_user=acting_user, reason=reason, fields=fields)
    # What follows (each office told, the public copies refreshed) is in config/events.py.
    emit("report.corrected", correction_id=correction.pk)


def record_findings_correction(*, correction_id: int) -> int:
    """Subscriber of "report.findings_corrected" (config/events.py): a correction of a report's
    findings was made in the report's sections (`inspections.services._findings_changed`,
    which cannot reach the responses). Every response to the report, whatever its status (not
    started, published and not required included), gets a history line saying who changed
    which findings and why. A published response's text is not touched: its public page keeps
    the findings it answered and notes the correction (`public.services`). Idempotent: a
    response whose history already has the line is skipped. Returns how many were written."""
    correction = (
        ReportCorrection.objects.select_related("decided_by")
        .filter(pk=correction_id, status=ReportCorrection.Status.APPLIED)
        .exclude(findings_changed="")
        .first()
    )
    if correction is None:
        return 0
    reason = findings_history_reason(correction)
    written = 0
    for response in Response.objects.filter(report_id=correction.report_id).order_by("pk"):
        if response.history.filter(
            history_change_reason=reason, history_date__gte=correction.decided_at
        ).exists():
            continue
        _save(_locked(response), acting_user=correction.decided_by, reason=reason, fields=[])
        written += 1
    return written


def findings_history_reason(correction: ReportCorrection) -> str:
    """The line a findings correction writes in every response's history."""
    return reasons.FINDINGS_CORRECTED_HISTORY(
        changes=correction.findings_changed, reason=correction.reason
    )


def report_findings_correction_propose(
    *, report: Report, acting_user, findings: str, reason: str
) -> ReportCorrection:
    """Propose a correction of the findings of a report the acting user's office works with
    but may not change (a national report, or one of another office's force): `findings` says
    what is wrong in them, `reason` why. Nothing changes yet: someone who may change the
    report makes it in the report's sections, naming the proposal (`inspections.services.
    findings_save_section(proposal=...)`), or declines it with a note
    (`report_correction_decide`)."""
    reason = _require_reason(reason)
    findings = (findings or "").strip()
    if not findings:
        raise ValidationError(
            {"findings": _("Say what is wrong in the findings: which one, and what it should say.")}
        )
    office = _office_of(acting_user, report)
    if office is None:
        raise PermissionDenied(
            _("Only an office that works with this report can propose a correction.")
        )
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        correction = ReportCorrection(
            report=report,
            reason=reason,
            findings_proposed=findings,
            proposed_by=acting_user,
            proposed_by_office=office,
        )
        attribute(correction, acting_user=acting_user, reason="Findings correction proposed")
        correction.save()
    return correction


def has_work(response: Response) -> bool:
    """Has the office done anything on `response`? Anything past "not started" (the force
    invited, drafting, approval, publication), or any text written in it while not started."""
    if response.status != Status.NOT_STARTED:
        return True
    texts = (
        response.office_comments,
        response.reply_to_force,
        response.force_comments,
        response.internal_notes,
    )
    return any(t.strip() for t in texts) or (
        response.explanations.exclude(text="", force_comment="").exists()
    )


def closed_as_not_concerned(response: Response) -> bool:
    """Was `response` closed because its report, corrected, no longer concerns its body?"""
    return (
        response.status == Status.NOT_REQUIRED
        and not response.report.bodies_concerned().filter(pk=response.policing_body_id).exists()
    )


def _no_longer_concerned(report: Report, correction: ReportCorrection) -> dict[int, str]:
    """{response id: why it is closed} for the open responses of bodies the narrowed report
    (its scope or forces corrected) no longer concerns. Only a response nobody has worked on is
    closed, as not required with the correction's reason; if any such body's office has worked
    on its response (or published it), the correction is refused, saying which and why: that
    office decides first (marks its response not required, or asks for the force to stay)."""
    concerned = report.bodies_concerned().values("pk")
    leaving = list(
        Response.objects.filter(report=report)
        .exclude(policing_body__in=concerned)
        .exclude(status=Status.NOT_REQUIRED)
        .select_related("policing_body__force")
        .order_by("policing_body__name")
    )
    busy = [r for r in leaving if has_work(r)]
    if busy:
        raise ValidationError(
            [
                _(
                    "The corrected report would no longer concern %(name)s, but %(short_name)s has already worked on its response (%(lower)s). Ask the office to mark its response not required first, or keep the force in the report."
                )
                % {
                    "name": r.policing_body.force.name,
                    "short_name": r.policing_body.short_name,
                    "lower": r.get_status_display().lower(),
                }
                for r in busy
            ]
        )
    return {
        r.pk: f"The report no longer concerns {r.policing_body.force.name} (corrected: "
        f"{correction.reason})"
        for r in leaving
    }


# --- words ---------------------------------------------------------------------------------


def _fact_text(name: str, value, forces_by_id: dict) -> str:
    if value in (None, ""):
        return "(none)"
    if name == "published_on":
        return long_date(date.fromisoformat(value), weekday=True)
    if name == "report_type":
        return str(ReportType(value).label)
    if name == "scope":
        return str(Scope(value).label)
    if name == "forces":
        return ", ".join(forces_by_id.get(pk, f"force {pk}") for pk in value) or "(none)"
    return str(value)


_FACT_LABELS = {
    "published_on": gettext_lazy("Date published"),
    "report_type": gettext_lazy("Type of report"),
    "scope": gettext_lazy("Scope"),
    "forces": gettext_lazy("Forces covered"),
}


def correction_changes(correction: ReportCorrection) -> list[tuple[str, str, str]]:
    """(fact, before, after) in words: for a made correction, what it changed; for a proposal,
    what it would change now."""
    if correction.status == ReportCorrection.Status.APPLIED and correction.previous:
        before = correction.previous
    else:
        before = _facts_of(correction.report)
    after = {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in correction.proposed_facts().items()
    }
    ids = set(before.get("forces") or []) | set(after.get("forces") or [])
    forces_by_id = dict(Force.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    return [
        (
            _FACT_LABELS[name],
            _fact_text(name, before.get(name), forces_by_id),
            _fact_text(name, after[name], forces_by_id),
        )
        for name in FACTS
        if name in after and after[name] != before.get(name)
    ]


def correction_summary(correction: ReportCorrection) -> str:
    """One sentence for emails, dashboards and the public page: 'Date published corrected
    from Tuesday 7 January 2020 to Wednesday 8 January 2020.', or 'Findings corrected:
    Recommendation edited: R3.' (for a proposal of the findings, 'Findings correction
    proposed: ...'). In English whatever the active language (responses/reasons.py): each
    reader's copy is `core.history.reason_text` of it."""
    if correction.findings_changed:
        return reasons.FINDINGS_CORRECTED(changes=correction.findings_changed)
    if correction.findings_proposed:
        return reasons.FINDINGS_PROPOSED(proposal=correction.findings_proposed)
    with translation.override(settings.LANGUAGE_CODE):
        parts = [
            reasons.FACT_CORRECTED(fact=fact, before=before, after=after)
            for fact, before, after in correction_changes(correction)
        ]
    return "; ".join(parts) + "." if parts else "No change."


def correction_summary_text(correction: ReportCorrection) -> str:
    """`correction_summary` in the active language, for the reader of an email or a page."""
    summary = correction_summary(correction)
    if not (correction.findings_changed or correction.findings_proposed):
        args = reasons.FACTS_CORRECTED.match(summary)
        if args is not None:
            return reasons.FACTS_CORRECTED.render(args)
    return reason_text(summary)

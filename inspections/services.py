"""State changes to inspection reports and their findings."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from core.history import attribute

from .models import Finding, GradedJudgement, Report, ReportType
from .timescales import parse_timescale


def report_create(*, acting_user, forces=(), reason: str = "Report recorded", **fields) -> Report:
    """Record a report. Fire and rescue reports never attract s55."""
    if fields.get("report_type") == ReportType.FIRE:
        fields["s55_applies"] = False
    report = Report(**fields)
    report.full_clean()
    with transaction.atomic():
        attribute(report, acting_user=acting_user, reason=reason)
        report.save()
        if forces:
            report.forces.set(forces)
    return report


def report_update(
    *, report: Report, acting_user, reason: str = "Report edited", **fields
) -> Report:
    """Edit a report's details. A change of publication date goes through
    `report_correct_publication_date`, because it moves the statutory deadlines."""
    if "published_on" in fields and fields["published_on"] != report.published_on:
        raise ValidationError(
            {
                "published_on": "Correct the publication date with its own action: it moves deadlines."
            }
        )
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        for name, value in fields.items():
            setattr(report, name, value)
        if report.report_type == ReportType.FIRE:
            report.s55_applies = False
        report.full_clean()
        attribute(report, acting_user=acting_user, reason=reason)
        report.save()
    return report


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
    *, report: Report, kind: str, text: str, acting_user, position: int | None = None, **fields
) -> Finding:
    """Add a finding; a recommendation's timescale text gives its kind and target date."""
    with transaction.atomic():
        if position is None:
            position = Finding.objects.filter(report=report).count() + 1
        finding = Finding(report=report, kind=kind, text=text.strip(), position=position, **fields)
        _apply_timescale(finding, report.published_on)
        finding.full_clean()
        attribute(finding, acting_user=acting_user, reason=f"{finding.get_kind_display()} added")
        finding.save()
    return finding


def finding_update(*, finding: Finding, acting_user, reason: str = "", **fields) -> Finding:
    with transaction.atomic():
        finding = Finding.objects.select_for_update().select_related("report").get(pk=finding.pk)
        for name, value in fields.items():
            setattr(finding, name, value)
        _apply_timescale(finding, finding.report.published_on)
        finding.full_clean()
        attribute(
            finding,
            acting_user=acting_user,
            reason=reason or f"{finding.get_kind_display()} edited",
        )
        finding.save()
    return finding


def judgement_add(*, report: Report, area: str, grade: str, acting_user) -> GradedJudgement:
    with transaction.atomic():
        position = GradedJudgement.objects.filter(report=report).count() + 1
        judgement = GradedJudgement(report=report, area=area, grade=grade, position=position)
        judgement.full_clean()
        attribute(judgement, acting_user=acting_user, reason="Graded judgement added")
        judgement.save()
    return judgement


def report_correct_publication_date(
    *, report: Report, published_on: date, reason: str, acting_user
) -> Report:
    """Correct the publication date and move every response's statutory deadline with it
    (s55(5A) counts from the day the report is published)."""
    from responses.services import response_recompute_due_date

    if not reason.strip():
        raise ValidationError({"published_on": "Say why the publication date is being corrected."})
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        old = report.published_on
        report.published_on = published_on
        attribute(
            report,
            acting_user=acting_user,
            reason=f"Publication date corrected from {old:%-d %B %Y}: {reason}",
        )
        report.save(update_fields=["published_on"])
        for finding in report.findings.recommendations():
            finding_update(finding=finding, acting_user=acting_user, reason="Timescale recomputed")
        for response in report.responses.all():
            response_recompute_due_date(response=response, acting_user=acting_user, reason=reason)
    return report

"""Reads about reports for pages and checks."""

import ast
from dataclasses import replace
from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.selectors import person_namer
from core.dates import long_date
from core.history import FieldChange, field_label, timeline

from .models import Addressee, Finding, GradedJudgement, Report


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
                _(
                    "The cause of concern %(label)s has no recommendation linked to it. HMICFRS always makes at least one: check the report and link or add it."
                )
                % {"label": label}
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


# --- Pages -------------------------------------------------------------------------------------

#: The order the sections of a report are shown and edited in (HMICFRS's own order).
SECTION_KINDS = (
    Finding.Kind.KEY_FINDING,
    Finding.Kind.CAUSE_OF_CONCERN,
    Finding.Kind.RECOMMENDATION,
    Finding.Kind.AREA_FOR_IMPROVEMENT,
    Finding.Kind.PRACTICE,
)


def report_years(*, office=None) -> list[int]:
    """Years in which the office's reports were published, newest first (one query)."""
    reports = (
        Report.objects.all() if office is None else Report.objects.covering_force(office.force)
    )
    dates = reports.dates("published_on", "year", order="DESC")
    return [d.year for d in dates]


def reports_visible_to_office(office):
    """The reports an office may open: those covering its force and national reports."""
    if office is None:
        return Report.objects.all()
    return Report.objects.covering_force(office.force)


class ReportPage:
    """Everything the report page shows of the report, read in a fixed number of queries
    whatever the number of findings: the report with its forces, its judgements, its findings
    (one query, grouped here by kind) and the data-quality warnings. (The office's response
    beside it is the responses room's: `responses.selectors.report_page`.)"""

    def __init__(self, report: Report):
        self.report = report
        self.forces = list(report.forces.all())
        self.judgements = list(report.judgements.all())
        findings = list(
            Finding.objects.filter(report=report)
            .prefetch_related("themes")
            .order_by("position", "id")
        )
        self.by_kind = {kind: [f for f in findings if f.kind == kind] for kind in SECTION_KINDS}
        causes = {f.pk: f for f in self.by_kind[Finding.Kind.CAUSE_OF_CONCERN]}
        self.recommendations_by_cause = {pk: [] for pk in causes}
        for rec in self.by_kind[Finding.Kind.RECOMMENDATION]:
            rec.cause = causes.get(rec.cause_of_concern_id)
            if rec.cause is not None:
                self.recommendations_by_cause[rec.cause.pk].append(rec)
        for cause in causes.values():
            cause.linked_recommendations = self.recommendations_by_cause[cause.pk]
        self.warnings = report_data_warnings(report)

    @property
    def sections(self) -> list[tuple[str, str, list[Finding]]]:
        """(kind, plural heading, findings) in HMICFRS's order."""
        return [(kind, SECTION_HEADINGS[kind], self.by_kind[kind]) for kind in SECTION_KINDS]


SECTION_HEADINGS = {
    Finding.Kind.KEY_FINDING: gettext_lazy("Key findings"),
    Finding.Kind.CAUSE_OF_CONCERN: gettext_lazy("Causes of concern"),
    Finding.Kind.RECOMMENDATION: "Recommendations",
    Finding.Kind.AREA_FOR_IMPROVEMENT: gettext_lazy("Areas for improvement"),
    Finding.Kind.PRACTICE: gettext_lazy("Innovative or promising practice"),
}


def report_history(report: Report, *, viewer):
    """The report's timeline for `viewer`: each finding named by its kind and reference
    ("Recommendation R2"), addressees by their names, dates written out, and people named as
    `person_namer` says (a national report is shared by every office, so another office's
    staff appear as their office). Four queries."""
    records = list(report.history.select_related("history_user"))
    finding_records = list(
        Finding.history.filter(report_id=report.pk).select_related("history_user")
    )
    judgement_records = list(
        GradedJudgement.history.filter(report_id=report.pk).select_related("history_user")
    )
    name = person_namer(
        viewer=viewer,
        people={r.history_user for r in (*records, *finding_records, *judgement_records)},
    )
    entries = timeline(records, what=_("Report details"), name=name)
    by_finding: dict[int, list] = {}
    for record in finding_records:
        by_finding.setdefault(record.id, []).append(record)
    for versions in by_finding.values():
        latest = max(versions, key=lambda r: (r.history_date, r.history_id))
        kind = Finding.Kind(latest.kind).label if latest.kind in Finding.Kind.values else "Finding"
        entries += with_first_values(
            timeline(versions, what=f"{kind} {latest.reference}".strip(), name=name),
            versions,
            ("text", "addressees", "timescale_text"),
        )
    entries += timeline(judgement_records, what=_("Graded judgement"), name=name)
    entries = readable_entries(entries)
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def with_first_values(entries, records, fields):
    """The timeline shows what changed between versions; for the version that created an
    object it shows nothing. Add what it was created with (its non-empty `fields`), so the
    history says what was written, not only that something was."""
    first = min(records, key=lambda r: (r.history_date, r.history_id))
    if first.history_type != "+":
        return entries
    changes = []
    for name in fields:
        value = getattr(first, name)
        if value in (None, "", []):
            continue
        model_field = first.instance_type._meta.get_field(name)
        shown = (
            str(dict(model_field.flatchoices).get(value, value))
            if model_field.choices
            else str(value)
        )
        changes.append(
            FieldChange(name, field_label(model_field.verbose_name), _("(blank)"), shown)
        )
    return [
        replace(entry, changes=changes)
        if entry.action == "Created" and entry.when == first.history_date and not entry.changes
        else entry
        for entry in entries
    ]


def readable_entries(entries, *, user_names: dict | None = None):
    """Rewrite timeline values a person would otherwise have to decode: ISO dates and times
    written out, addressee codes as names, user ids (fields ending in "_by") as names."""
    return [
        replace(entry, changes=[_readable(c, user_names or {}) for c in entry.changes])
        for entry in entries
    ]


def _readable(change, user_names: dict):
    old, new = change.old, change.new
    if change.field == "addressees":
        labels = dict(Addressee.choices)
        old, new = _addressee_text(old, labels), _addressee_text(new, labels)
    elif change.field.endswith("_by") and user_names:
        old, new = user_names.get(old, old), user_names.get(new, new)
    return replace(change, old=_written_out(old), new=_written_out(new))


def _addressee_text(value: str, labels: dict) -> str:
    try:
        codes = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return value
    if not isinstance(codes, list):
        return value
    return ", ".join(str(labels.get(c, c)) for c in codes) or _("(none)")


def _written_out(value: str) -> str:
    """'2020-01-07' -> '7 January 2020'; a stored date-time -> '3 February 2020 at 10:15'
    (in the site's time zone), so a reader need not decode ISO formats."""
    if len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if len(value) == 10:
            return long_date(moment)
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return f"{long_date(moment)} at {moment:%H:%M}"
    return value

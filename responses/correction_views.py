"""Staff pages for corrections of a report's shared facts (publication date, type, scope,
forces): proposing or making one, the list, one correction and deciding it. Every change goes
through `responses.corrections`; who may change a report is `inspections.services.
report_change_refusal` (docs/decisions/0009-report-facts-ownership.md).

Office staff see the corrections of the reports their office works with (those covering its
force, and national ones); the register maintainer sees every report and correction. Any other
id gives 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Q, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.permissions import is_register_maintainer, office_or_maintainer_required
from accounts.selectors import person_namer
from inspections.models import Report, ReportCorrection, Scope
from inspections.selectors import reports_visible_to_office
from inspections.services import report_change_refusal

from .corrections import (
    correction_changes,
    report_correct,
    report_correction_decide,
    report_correction_propose,
    report_findings_correction_propose,
)
from .forms import CorrectionDecisionForm, FindingsCorrectionForm, ReportCorrectionForm

REPORTS_PER_PAGE = 25


def _reports(request):
    if is_register_maintainer(request.user):
        return Report.objects.all()
    return reports_visible_to_office(request.office)


def _named(request, corrections):
    """Name who proposed and decided each correction as every page names people to this
    viewer (`accounts.selectors.person_namer`: another organisation's people as its name)."""
    corrections = list(corrections)
    people = {c.proposed_by for c in corrections} | {c.decided_by for c in corrections}
    name = person_namer(viewer=request.user, people=people - {None})
    for correction in corrections:
        correction.proposer_name = name(correction.proposed_by)
        correction.decider_name = name(correction.decided_by) if correction.decided_by else ""
    return corrections


def _corrections(request):
    return ReportCorrection.objects.filter(report__in=_reports(request)).select_related(
        "report", "proposed_by", "proposed_by_office", "decided_by"
    )


@office_or_maintainer_required
def correction_list(request):
    """Proposals awaiting a decision and corrections made, newest first; for the register
    maintainer also the reports, national first, to correct one."""
    corrections = _corrections(request)
    maintainer = is_register_maintainer(request.user)
    context = {
        "page_title": _("Corrections to reports"),
        "proposed": _named(request, corrections.filter(status=ReportCorrection.Status.PROPOSED)),
        "decided": _named(
            request, corrections.exclude(status=ReportCorrection.Status.PROPOSED)[:50]
        ),
        "maintainer": maintainer,
    }
    if maintainer:
        query = request.GET.get("q", "").strip()
        reports = Report.objects.all()
        for word in query.split():
            reports = reports.filter(Q(title__icontains=word))
        # National reports first: only the register maintainer can correct them.
        reports = reports.annotate(
            national_first=Case(When(scope=Scope.NATIONAL, then=Value(0)), default=Value(1))
        ).order_by("national_first", "-published_on", "title")
        context["query"] = query
        context["reports"] = Paginator(reports, REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "corrections/list.html", context)


@office_or_maintainer_required
def correction_new(request, pk):
    """Correct the report (someone who may change it) or propose a correction (any other
    office that works with it)."""
    report = get_object_or_404(_reports(request), pk=pk)
    refusal = report_change_refusal(report=report, user=request.user)
    form = ReportCorrectionForm(request.POST or None, report=report)
    problems = []
    if request.method == "POST" and form.is_valid():
        facts = form.changed_facts()
        service = report_correction_propose if refusal else report_correct
        try:
            correction = service(
                report=report,
                acting_user=request.user,
                reason=form.cleaned_data["reason"],
                **facts,
            )
        except (ValidationError, PermissionDenied) as error:
            problems = error.messages if isinstance(error, ValidationError) else [str(error)]
        else:
            if refusal:
                messages.success(
                    request,
                    _(
                        "Correction proposed. The register maintainer decides it; you will see the decision here."
                    ),
                )
            else:
                messages.success(
                    request,
                    _(
                        "Correction made. Every response to the report has it in its history, and each office is being told by email and on its dashboard."
                    ),
                )
            return redirect("corrections:detail", pk=correction.pk)
    return render(
        request,
        "corrections/new.html",
        {
            "page_title": f"Correct {report.title}",
            "report": report,
            "form": form,
            "problems": problems,
            "refusal": refusal,
            "affected": report.responses.select_related("policing_body").order_by(
                "policing_body__name"
            ),
        },
    )


@office_or_maintainer_required
def correction_new_findings(request, pk):
    """Propose a correction of a report's findings (an office that may not change them: a
    national report, or another office's). Someone who may change the report is sent to the
    report's sections, where a change is recorded as the correction."""
    report = get_object_or_404(_reports(request), pk=pk)
    refusal = report_change_refusal(report=report, user=request.user)
    if not refusal:
        messages.info(
            request, _("You can change this report's findings yourself: open a section below.")
        )
        return redirect("inspections:report-detail", pk=report.pk)
    form = FindingsCorrectionForm(request.POST or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            correction = report_findings_correction_propose(
                report=report,
                acting_user=request.user,
                findings=form.cleaned_data["findings"],
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, PermissionDenied) as error:
            problems = error.messages if isinstance(error, ValidationError) else [str(error)]
        else:
            messages.success(
                request,
                _(
                    "Correction of the findings proposed. The register maintainer decides it; you will see the decision here."
                ),
            )
            return redirect("corrections:detail", pk=correction.pk)
    return render(
        request,
        "corrections/new_findings.html",
        {
            "page_title": _("Propose a correction to the findings of %(title)s")
            % {"title": report.title},
            "report": report,
            "form": form,
            "problems": problems,
            "refusal": refusal,
        },
    )


#: The report's sections a findings correction can be made in (slug, heading).
FINDINGS_SECTIONS = (
    ("recommendations", "Recommendations"),
    ("areas-for-improvement", gettext_lazy("Areas for improvement")),
    ("causes-of-concern", gettext_lazy("Causes of concern")),
    ("key-findings", gettext_lazy("Key findings")),
    ("practice", gettext_lazy("Innovative or promising practice")),
)


def _decision_context(request, correction, form=None, problems=()):
    may_decide = (
        correction.status == ReportCorrection.Status.PROPOSED
        and not report_change_refusal(report=correction.report, user=request.user)
    )
    _named(request, [correction])
    return {
        "page_title": _("Correction of %(title)s") % {"title": correction.report.title},
        "correction": correction,
        "changes": correction_changes(correction),
        "may_decide": may_decide,
        "sections": FINDINGS_SECTIONS if may_decide and correction.findings_proposed else (),
        "form": form
        or (CorrectionDecisionForm(findings=correction.is_findings) if may_decide else None),
        "problems": list(problems),
    }


@office_or_maintainer_required
def correction_detail(request, pk):
    correction = get_object_or_404(_corrections(request), pk=pk)
    return render(request, "corrections/detail.html", _decision_context(request, correction))


@office_or_maintainer_required
@require_POST
def correction_decide(request, pk):
    correction = get_object_or_404(_corrections(request), pk=pk)
    if report_change_refusal(report=correction.report, user=request.user):
        raise PermissionDenied(_("Only the register maintainer can decide this correction."))
    form = CorrectionDecisionForm(request.POST, findings=correction.is_findings)
    problems = []
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            report_correction_decide(
                correction=correction,
                acting_user=request.user,
                accept=accept,
                note=form.cleaned_data["note"],
            )
        except (ValidationError, PermissionDenied) as error:
            problems = error.messages if isinstance(error, ValidationError) else [str(error)]
        else:
            messages.success(
                request,
                _("Correction made: each office responding is being told.")
                if accept
                else _("Correction declined: the office that proposed it can see your note."),
            )
            return redirect("corrections:detail", pk=correction.pk)
    context = _decision_context(request, correction, form=form, problems=problems)
    return render(request, "corrections/detail.html", context, status=400)

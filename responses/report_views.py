"""The report pages that show, or open, an office's Section 55 responses: the list of reports
(with "Our response"), recording a report (which opens the responses it calls for), the report
page (with the office's response) and starting a response from it.

They live here, not in `inspections`, because they read and write responses, and responses
depend on reports, never the other way round. They keep the report pages' addresses and names
(/reports/, `inspections:report-detail`): config/urls.py mounts them in the `inspections`
namespace beside the pages that change only the report (inspections/views.py).
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import office_or_maintainer_required, office_required
from core.dates import long_date
from core.errors import DomainError
from inspections import selectors as report_selectors
from inspections.forms import SLUG_FOR_KIND, ReportForm
from inspections.models import ReportType, Scope
from inspections.services import DuplicateReportError, report_change_refusal
from inspections.views import posted, report_for

from . import selectors
from .forms import ReportFilterForm
from .models import Response
from .services import report_record, response_create

REPORTS_PER_PAGE = 25


@dataclass(frozen=True)
class ReportRow:
    """One report in the list, its words made in Python (see `report_rows`)."""

    report: object
    url: str
    published_on: str
    report_type: str
    scope: str


def report_rows(reports) -> list[ReportRow]:
    """The list's rows. Each label is translated once a page: `get_report_type_display`
    translated all twelve report types to find one (it hashes the lazy labels), twice a row,
    which was a quarter of the page's CPU (bench/staff_load.py)."""
    types = {value: str(label) for value, label in ReportType.choices}
    scopes = {value: str(label) for value, label in Scope.choices}
    address = reverse("inspections:report-detail", args=[0])
    return [
        ReportRow(
            report=report,
            url=address.replace("/0/", f"/{report.pk}/"),
            published_on=long_date(report.published_on),
            report_type=types.get(report.report_type, report.report_type),
            scope=scopes.get(report.scope, report.scope),
        )
        for report in reports
    ]


@office_required()
def report_list(request):
    office = request.office
    years = report_selectors.report_years(office=office)
    filters = ReportFilterForm(request.GET or None, years=years)
    criteria = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    reports = selectors.reports_for_office(
        office=office,
        year=criteria.get("year"),
        report_type=criteria.get("report_type", ""),
        response_status=criteria.get("status", ""),
        search=criteria.get("q", ""),
    )
    page = Paginator(reports, REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/report_list.html",
        {
            "page_title": "Reports",
            "filters": filters,
            "page": page,
            "rows": report_rows(page.object_list),
            "filtered": bool(criteria and any(criteria.values())),
        },
    )


@office_required()
def report_create_view(request):
    form = ReportForm(posted(request), office=request.office)
    problems, duplicate = [], None
    if request.method == "POST" and form.is_valid():
        try:
            report = report_record(
                acting_user=request.user,
                forces=form.cleaned_data["forces"],
                **form.detail_fields(),
            )
        except DuplicateReportError as error:
            problems = error.messages
            duplicate = {
                "report": error.report,
                "response": Response.objects.filter(
                    report=error.report, policing_body=request.office
                ).first(),
            }
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(
                request,
                _(
                    "Report recorded. Now add its graded judgements and findings: each section has its own page below."
                ),
            )
            return redirect("inspections:report-detail", pk=report.pk)
    return render(
        request,
        "inspections/report_form.html",
        {
            "page_title": _("Record a report"),
            "form": form,
            "problems": problems,
            "report": None,
            "duplicate": duplicate,
        },
    )


def _report_page_context(request, report, **extra):
    page = selectors.report_page(report, office=request.office)
    refusal = report_change_refusal(report=report, user=request.user)
    return {
        "may_change": not refusal,
        "refusal": refusal,
        "page_title": report.title,
        "report": report,
        "page": page,
        "sections": [
            (kind, heading, findings, SLUG_FOR_KIND[kind])
            for kind, heading, findings in page.sections
        ],
        "tab": "report",
        **extra,
    }


@office_or_maintainer_required
def report_detail(request, pk):
    report = report_for(request, pk)
    return render(request, "inspections/report_detail.html", _report_page_context(request, report))


@office_required()
@require_POST
def report_start_response(request, pk):
    """Open this office's Section 55 response to the report (`response_create`): for a
    report recorded before responses were opened with it, or one that does not list its force."""
    report = report_for(request, pk)
    try:
        response = response_create(
            report=report, policing_body=request.office, acting_user=request.user
        )
    except DomainError as error:
        existing = Response.objects.filter(report=report, policing_body=request.office).first()
        if existing is not None:
            return redirect("responses:detail", pk=existing.pk)
        context = _report_page_context(request, report, problems=error.problems)
        return render(request, "inspections/report_detail.html", context, status=400)
    messages.success(request, _("Response started. The 56-day clock is shown below."))
    return redirect("responses:detail", pk=response.pk)

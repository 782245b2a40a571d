"""Staff pages that change a report: its details, its sections, and its history. Every change
goes through `inspections.services`; every read of a page through `inspections.selectors`. The
report pages that show or open responses (the list, recording a report, the report page) are
the responses room's (responses/report_views.py), under the same /reports/ addresses.

An office sees the reports covering its force and national reports; any other id gives 404.
The register maintainer (no office) opens and changes any report's page, details and sections
(for national reports, only they can: `inspections.services.report_change_refusal`).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.permissions import office_or_maintainer_required
from core.errors import DomainError
from core.locking import ConcurrentEditError

from . import links, selectors
from .forms import (
    ITEM_NOUN,
    REFERENCE_PREFIX,
    SECTION_SLUGS,
    PasteForm,
    ReportForm,
    TagsForm,
    _plural,
    _singular,
    section_formset,
    split_pasted,
)
from .links import finding_link_create, finding_link_remove
from .models import Addressee, Finding, FindingLink, GradedJudgement, ReportCorrection
from .services import (
    SectionItem,
    finding_set_plan_priorities,
    finding_set_themes,
    findings_save_section,
    findings_shared,
    judgements_save,
    report_change_refusal,
    report_update,
    report_version,
    section_version,
)


def posted(request):
    """The submitted data on a POST (even when every field was left empty), else None."""
    return request.POST if request.method == "POST" else None


def report_for(request, pk):
    """The report `pk` if the request's office may open it (else 404)."""
    return get_object_or_404(selectors.reports_visible_to_office(request.office), pk=pk)


def _refused(request, report):
    """The page saying why this office may not change the report (403), or None if it may
    (`inspections.services.report_change_refusal`, the one rule)."""
    refusal = report_change_refusal(report=report, user=request.user)
    if not refusal:
        return None
    return render(
        request,
        "inspections/report_locked.html",
        {
            "page_title": _("You cannot change %(title)s") % {"title": report.title},
            "report": report,
            "refusal": refusal,
        },
        status=403,
    )


@office_or_maintainer_required
def report_edit(request, pk):
    """The report's descriptive details. Its shared facts (publication date, type, scope,
    forces) change through a correction (corrections:new), shown read-only here."""
    report = report_for(request, pk)
    refused = _refused(request, report)
    if refused is not None:
        return refused
    version = report_version(report)
    form = ReportForm(posted(request), instance=_fresh(report), initial={"version": version})
    problems, conflict = [], None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = form.detail_fields()
        try:
            report_update(
                report=report,
                acting_user=request.user,
                expected_version=data["version"] or None,
                **fields,
            )
        except PermissionDenied as error:
            problems = [str(error)]
        except ConcurrentEditError as error:
            conflict = {"message": str(error), "current": _fresh(report)}
            data = request.POST.copy()
            data["version"] = report_version(report)
            form = ReportForm(data, instance=_fresh(report))
            form.is_valid()
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(request, _("Report details saved."))
            return redirect("inspections:report-detail", pk=report.pk)
    return render(
        request,
        "inspections/report_form.html",
        {
            "page_title": f"Edit {report.title}",
            "form": form,
            "problems": problems,
            "report": report,
            "conflict": conflict,
        },
    )


def _fresh(report):
    """A separate copy of the report: a bound model form changes its instance while checking."""
    return type(report).objects.get(pk=report.pk)


@office_or_maintainer_required
def report_history(request, pk):
    report = report_for(request, pk)
    return render(
        request,
        "inspections/report_history.html",
        {
            "page_title": _("History of %(title)s") % {"title": report.title},
            "report": report,
            "entries": selectors.report_history(report, viewer=request.user),
            "tab": "history",
        },
    )


# --- Sections: graded judgements and each kind of finding ----------------------------------

MAX_EXTRA_ROWS = 20


def _section_rows(report, kind):
    if kind == "judgements":
        return list(GradedJudgement.objects.filter(report=report).order_by("position", "id"))
    return list(Finding.objects.filter(report=report, kind=kind).order_by("position", "id"))


def _initial(kind, rows):
    if kind == "judgements":
        return [{"pk": j.pk, "area": j.area, "grade": j.grade} for j in rows]
    return [
        {
            "pk": f.pk,
            "reference": f.reference,
            "text": f.text,
            "addressees": f.addressees,
            "timescale_text": f.timescale_text,
            "cause_of_concern": f.cause_of_concern_id,
        }
        for f in rows
    ]


def _items(kind, formset, pasted: list[str]) -> list[SectionItem]:
    """What the editor left, in order: kept rows (sorted by their position box), removed rows,
    then the pasted items."""
    items = []
    for form in formset.ordered_forms:
        data = form.cleaned_data
        if kind == "judgements":
            values = {"area": data["area"].strip(), "grade": data["grade"]}
        else:
            values = {"reference": data["reference"].strip(), "text": data["text"]}
            if kind == Finding.Kind.RECOMMENDATION:
                values["addressees"] = list(data["addressees"])
                values["timescale_text"] = data["timescale_text"].strip()
                if "cause_of_concern" in data:
                    values["cause_of_concern_id"] = data["cause_of_concern"]
        items.append(SectionItem(pk=data.get("pk"), values=values))
    for form in formset.deleted_forms:
        pk = form.cleaned_data.get("pk")
        if pk:
            items.append(SectionItem(pk=pk, delete=True))
    for text in pasted:
        values = {"text": text, "reference": ""}
        if kind == Finding.Kind.RECOMMENDATION:
            values["addressees"] = [Addressee.FORCE.value]
        items.append(SectionItem(values=values))
    if kind in REFERENCE_PREFIX:
        _number_blank_references(items, REFERENCE_PREFIX[kind])
    return items


def _number_blank_references(items: list[SectionItem], prefix: str) -> None:
    """Give items without a reference the next free "R3"-style one, by their place in order."""
    kept = [i for i in items if not i.delete]
    used = {i.values.get("reference") for i in kept if i.values.get("reference")}
    for number, item in enumerate(kept, start=1):
        if item.values.get("reference"):
            continue
        candidate, n = f"{prefix}{number}", number
        while candidate in used:
            n += 1
            candidate = f"{prefix}{n}"
        item.values["reference"] = candidate
        used.add(candidate)


@office_or_maintainer_required
def report_section(request, pk, section):
    report = report_for(request, pk)
    refused = _refused(request, report)
    if refused is not None:
        return refused
    if section == "judgements":
        kind, noun, heading = "judgements", "judgement", _("Graded judgements")
    elif section in SECTION_SLUGS:
        kind = SECTION_SLUGS[section]
        noun, heading = ITEM_NOUN[kind], selectors.SECTION_HEADINGS[kind]
    else:
        raise Http404(_("No such section"))
    rows = _section_rows(report, kind)
    try:
        more = min(max(int(request.GET.get("add", "0")), 0), MAX_EXTRA_ROWS)
    except ValueError:
        more = 0
    extra = (0 if rows else 2) + 1 + more
    formset_class = section_formset(kind, extra=extra)
    if kind == "judgements":
        form_kwargs = {"framework": report.grading_framework}
    else:
        causes = [] if kind != Finding.Kind.RECOMMENDATION else _causes(report)
        form_kwargs = {"kind": kind, "causes": causes}
    initial = _initial(kind, rows)
    problems, conflict = [], None
    shared = kind != "judgements" and findings_shared(report=report, user=request.user)
    proposal = _findings_proposal(
        report, request.POST.get("proposal") or request.GET.get("proposal")
    )
    options = {"noun": noun, "allow_paste": kind != "judgements", "shared": shared}

    if request.method == "POST":
        formset = formset_class(request.POST, initial=initial, form_kwargs=form_kwargs)
        paste = PasteForm(request.POST, **options)
        if formset.is_valid() and paste.is_valid():
            items = _items(kind, formset, split_pasted(paste.cleaned_data.get("paste", "")))
            expected = paste.cleaned_data["version"] or None
            try:
                if kind == "judgements":
                    judgements_save(
                        report=report,
                        items=items,
                        acting_user=request.user,
                        expected_version=expected,
                    )
                else:
                    findings_save_section(
                        report=report,
                        kind=kind,
                        items=items,
                        acting_user=request.user,
                        expected_version=expected,
                        reason=paste.cleaned_data.get("reason", ""),
                        proposal=proposal if shared else None,
                    )
            except ConcurrentEditError as error:
                data = request.POST.copy()
                data["version"] = section_version(report, kind)
                formset = formset_class(data, initial=initial, form_kwargs=form_kwargs)
                paste = PasteForm(data, **options)
                conflict = {
                    "message": str(error),
                    "current": _section_rows(report, kind),
                }
            except ValidationError as error:
                if "reason" in getattr(error, "error_dict", {}) and "reason" in paste.fields:
                    # Linked from the error summary to the field to fill in.
                    paste.add_error("reason", error.error_dict["reason"])
                else:
                    problems = error.messages
            else:
                if shared:
                    messages.success(
                        request,
                        _(
                            "%(heading)s saved. The change is recorded as a correction of the findings: every response to the report has it in its history, and each office is being told."
                        )
                        % {"heading": heading},
                    )
                else:
                    messages.success(request, _("%(heading)s saved.") % {"heading": heading})
                if proposal is not None and shared:
                    return redirect("corrections:detail", pk=proposal.pk)
                if "add_another" in request.POST:
                    url = reverse("inspections:report-section", args=[report.pk, section])
                    return redirect(f"{url}?add=1#add-{section}")
                return redirect(
                    f"{reverse('inspections:report-detail', args=[report.pk])}#{section}"
                )
    else:
        formset = formset_class(initial=initial, form_kwargs=form_kwargs)
        initial_paste = {"version": section_version(report, kind)}
        if proposal is not None:
            initial_paste.update(reason=proposal.reason, proposal=proposal.pk)
        paste = PasteForm(initial=initial_paste, **options)
    saved = {row.pk: row for row in rows}
    for form in formset.forms:
        form.saved = saved.get(form.initial.get("pk")) if kind != "judgements" else None
    return render(
        request,
        "inspections/report_section.html",
        {
            "page_title": f"{heading} - {report.title}",
            "report": report,
            "section": section,
            "kind": kind,
            "heading": heading,
            "noun": _singular(noun),
            "nouns": _plural(noun),
            "formset": formset,
            "paste": paste,
            "problems": problems,
            "conflict": conflict,
            "is_recommendations": kind == Finding.Kind.RECOMMENDATION,
            "shared": shared,
            "proposal": proposal if shared else None,
        },
    )


def _findings_proposal(report, pk):
    """The open proposal of a findings correction of `report` named by the page, if any."""
    try:
        pk = int(pk or 0)
    except ValueError:
        return None
    if not pk:
        return None
    return (
        ReportCorrection.objects.filter(
            pk=pk, report=report, status=ReportCorrection.Status.PROPOSED
        )
        .exclude(findings_proposed="")
        .select_related("proposed_by_office")
        .first()
    )


def _causes(report):
    return list(
        Finding.objects.filter(report=report, kind=Finding.Kind.CAUSE_OF_CONCERN).order_by(
            "position", "id"
        )
    )


# --- The same recommendation in other reports ----------------------------------------------------


@office_or_maintainer_required
def finding_links(request, pk, finding_pk):
    """A recommendation's links to the same recommendation in other reports, and suggestions
    (same force, similar text) for a person to confirm: nothing is linked until they do. POST
    confirms a link (`linked_to`, `kind`) or removes one (`remove`, `reason`)."""
    report = report_for(request, pk)
    finding = get_object_or_404(
        Finding.objects.recommendations().select_related("report"), pk=finding_pk, report=report
    )
    problems = []
    if request.method == "POST":
        try:
            if request.POST.get("remove"):
                link = get_object_or_404(
                    FindingLink.objects.filter(Q(finding=finding) | Q(linked_to=finding)),
                    pk=request.POST["remove"],
                )
                finding_link_remove(
                    link=link, acting_user=request.user, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("The link has been removed."))
            else:
                other = get_object_or_404(
                    links.suggestion_candidates(finding), pk=request.POST.get("linked_to") or 0
                )
                finding_link_create(
                    finding=finding,
                    linked_to=other,
                    kind=request.POST.get("kind", ""),
                    acting_user=request.user,
                )
                messages.success(
                    request,
                    _("%(reference)s is now linked to %(other_reference)s of %(title)s.")
                    % {
                        "reference": finding.reference or "The recommendation",
                        "other_reference": other.reference or "a recommendation",
                        "title": other.report.title,
                    },
                )
            return redirect("inspections:finding-links", pk=report.pk, finding_pk=finding.pk)
        except DomainError as error:
            problems = error.problems
    return render(
        request,
        "inspections/finding_links.html",
        {
            "page_title": _("Links of %(reference)s")
            % {"reference": finding.reference or _("a recommendation")},
            "report": report,
            "finding": finding,
            "links": links.links_of(finding),
            "suggestions": links.link_suggestions(finding),
            "kinds": FindingLink.Kind.choices,
            "problems": problems,
        },
        status=400 if problems else 200,
    )


@office_or_maintainer_required
def finding_tags(request, pk, finding_pk):
    """A recommendation's themes (a shared fact: whoever may change the report) and the acting
    office's own plan priorities."""
    report = report_for(request, pk)
    finding = get_object_or_404(
        Finding.objects.select_related("report"), pk=finding_pk, report=report
    )
    office = request.office
    may_theme = not report_change_refusal(report=report, user=request.user)
    mine = list(finding.plan_priorities.filter(policing_body=office)) if office else []
    form = TagsForm(
        request.POST or None,
        with_themes=may_theme,
        chosen_themes=list(finding.themes.all()),
        body=office,
        chosen_priorities=mine,
    )
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            if may_theme:
                finding_set_themes(
                    finding=finding, acting_user=request.user, themes=form.cleaned_data["themes"]
                )
            if office is not None:
                finding_set_plan_priorities(
                    finding=finding,
                    body=office,
                    acting_user=request.user,
                    priorities=form.cleaned_data["priorities"],
                )
        except (ValidationError, PermissionDenied) as error:
            problems = list(getattr(error, "messages", None) or [str(error)])
        else:
            messages.success(request, _("The tags have been saved."))
            return redirect(
                reverse("inspections:report-detail", args=[report.pk]) + f"#finding-{finding.pk}"
            )
    return render(
        request,
        "inspections/finding_tags.html",
        {
            "page_title": f"Themes and priorities of {finding.reference or 'a finding'}",
            "report": report,
            "finding": finding,
            "form": form,
            "may_theme": may_theme,
            "themes": list(finding.themes.all()),
            "problems": problems,
        },
        status=400 if problems else 200,
    )

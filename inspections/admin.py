"""Back-office admin for HMICFRS reports, their graded judgements and findings.

A recommendation's timescale kind and target date are always derived from its timescale text
(`inspections.services.finding_derive_timescale`), never typed in. A report's shared facts
(publication date, type, scope, forces) are read-only on an existing report's change page: they
change only through a correction (/corrections/, `responses.corrections`), which moves every
response's deadline, writes each response's history and tells each office
(docs/decisions/0009-report-facts-ownership.md). Saving a new report opens the responses of the
bodies it concerns (`responses_create_for_report`), as the report pages do.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin import AttributedHistoryAdmin, admin_reason, save_formset_attributed
from core.history import attribute
from responses.services import responses_create_for_report

from .models import (
    Addressee,
    Finding,
    FindingLink,
    GradedJudgement,
    Inspectorate,
    Report,
    ReportCorrection,
    Theme,
)
from .selectors import report_data_warnings
from .services import finding_derive_timescale, finding_remove, theme_save


class FindingForm(forms.ModelForm):
    addressees = forms.MultipleChoiceField(
        choices=Addressee.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Recommendations only: who it is addressed to."),
    )

    class Meta:
        model = Finding
        fields = [
            "report",
            "kind",
            "position",
            "reference",
            "text",
            "addressees",
            "timescale_text",
            "cause_of_concern",
        ]

    def clean(self):
        cleaned = super().clean()
        cause = cleaned.get("cause_of_concern")
        report = cleaned.get("report")
        report_id = report.pk if report is not None else self.instance.report_id
        if cause is not None and cause.report_id != report_id:
            self.add_error("cause_of_concern", _("Choose a cause of concern from the same report."))
        return cleaned


def _causes_of_concern(report, *, when_unknown):
    """The causes of concern a recommendation in `report` may belong to: its own report's."""
    queryset = Finding.objects.causes_of_concern().select_related("report")
    if report is None or report.pk is None:
        return when_unknown(queryset)
    return queryset.filter(report=report)


def _save_findings(request, formset) -> list[str]:
    """Save finding rows with their timescale derived from the text, as `finding_add` does;
    removals go through `finding_remove`, which refuses a finding a response has answered.
    Returns what was refused."""
    instances = formset.save(commit=False)
    refused = []
    for obj in formset.deleted_objects:
        try:
            finding_remove(finding=obj, acting_user=request.user, reason="Deleted in the admin")
        except ValidationError as error:
            refused.extend(error.messages)
    forms_by_instance = {id(form.instance): form for form in formset.forms}
    for finding in instances:
        finding_derive_timescale(finding)
        form = forms_by_instance.get(id(finding))
        attribute(
            finding,
            acting_user=request.user,
            reason=admin_reason(form, change=not finding._state.adding),
        )
        finding.save()
    formset.save_m2m()
    return refused


class GradedJudgementInline(admin.TabularInline):
    model = GradedJudgement
    fields = ["position", "area", "grade"]
    extra = 0


class FindingInline(admin.TabularInline):
    model = Finding
    form = FindingForm
    fk_name = "report"
    fields = [
        "kind",
        "position",
        "reference",
        "text",
        "addressees",
        "timescale_text",
        "timescale_kind",
        "target_date",
        "cause_of_concern",
    ]
    readonly_fields = ["timescale_kind", "target_date"]
    extra = 0
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        # Read by formfield_for_foreignkey while this formset is built, for this request only.
        request._inspections_admin_report = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "cause_of_concern":
            kwargs["queryset"] = _causes_of_concern(
                getattr(request, "_inspections_admin_report", None),
                when_unknown=lambda qs: qs.none(),  # a new report has none yet
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReportAdminForm(forms.ModelForm):
    participating_inspectorates = forms.MultipleChoiceField(
        choices=Inspectorate.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("The other inspectorates in a joint inspection."),
    )

    class Meta:
        model = Report
        fields = [
            "title",
            "hmicfrs_url",
            "summary",
            "published_on",
            "report_type",
            "inspection_type_label",
            "scope",
            "forces",
            "lead_inspectorate",
            "participating_inspectorates",
            "grading_framework",
        ]


@admin.register(Report)
class ReportAdmin(AttributedHistoryAdmin):
    form = ReportAdminForm
    list_display = ["title", "published_on", "report_type", "scope"]
    list_filter = ["report_type", "scope", "lead_inspectorate"]
    date_hierarchy = "published_on"
    search_fields = ["title"]
    autocomplete_fields = ["forces"]
    readonly_fields = ["data_warnings"]
    inlines = [GradedJudgementInline, FindingInline]
    fieldsets = [
        (None, {"fields": ["data_warnings", "title", "hmicfrs_url", "summary"]}),
        (
            "Publication",
            {"fields": ["published_on", "shared_facts_correction"]},
        ),
        (
            "Type and scope",
            {
                "fields": [
                    "report_type",
                    "inspection_type_label",
                    "scope",
                    "forces",
                    "lead_inspectorate",
                    "participating_inspectorates",
                    "grading_framework",
                ]
            },
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is not None:
            return self.fieldsets
        # Nothing to correct or warn about on a report that does not exist yet.
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in self._change_only]})
            for name, opts in self.fieldsets
        ]

    _change_only = ("data_warnings", "shared_facts_correction")

    #: Shared by every body that responds: changed only through a correction.
    _shared_facts = ("published_on", "report_type", "scope", "forces")

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), "shared_facts_correction"]
        if obj is not None:
            fields += self._shared_facts
        return fields

    @admin.display(description="Correcting the date, type, scope or forces")
    def shared_facts_correction(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        return format_html(
            '<a href="{}">Correct them here</a>: the correction moves every response\'s due '
            "date, is recorded in each response's history and is sent to each office.",
            reverse("corrections:new", args=[obj.pk]),
        )

    @admin.display(description="Data warnings")
    def data_warnings(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        warnings = report_data_warnings(obj)
        if not warnings:
            return "None"
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((w,) for w in warnings))
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # As the report pages: the bodies the report concerns get their responses.
        responses_create_for_report(report=form.instance, acting_user=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is Finding:
            for problem in _save_findings(request, formset):
                self.message_user(request, f"Not removed: {problem}", messages.ERROR)
        else:
            save_formset_attributed(request, formset, change)


@admin.register(Finding)
class FindingAdmin(AttributedHistoryAdmin):
    form = FindingForm
    list_display = ["__str__", "kind", "report", "position", "timescale_kind", "target_date"]
    list_filter = ["kind", "report__report_type", "timescale_kind"]
    list_select_related = ["report"]
    search_fields = ["text", "reference", "report__title"]
    autocomplete_fields = ["report"]
    readonly_fields = ["timescale_kind", "target_date"]
    fields = [
        "report",
        "kind",
        "position",
        "reference",
        "text",
        "addressees",
        "timescale_text",
        "timescale_kind",
        "target_date",
        "cause_of_concern",
    ]

    def get_form(self, request, obj=None, **kwargs):
        request._inspections_admin_report = obj.report if obj is not None else None
        return super().get_form(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "cause_of_concern":
            # A new finding's report is not chosen yet: offer all, and the form checks the match.
            kwargs["queryset"] = _causes_of_concern(
                getattr(request, "_inspections_admin_report", None), when_unknown=lambda qs: qs
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        finding_derive_timescale(obj)
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        # Removed on its report's page, through `finding_remove` (never an answered one).
        return False


@admin.register(GradedJudgement)
class GradedJudgementAdmin(AttributedHistoryAdmin):
    list_display = ["area", "grade", "report", "position"]
    list_filter = ["grade", "report__report_type"]
    list_select_related = ["report"]
    search_fields = ["area", "report__title"]
    autocomplete_fields = ["report"]


@admin.register(ReportCorrection)
class ReportCorrectionAdmin(SimpleHistoryAdmin):
    """Read-only: corrections are proposed, made and decided at /corrections/ through
    `responses.corrections`, which also moves the deadlines and tells each office."""

    list_display = ["report", "status", "proposed_by", "proposed_by_office", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["report", "proposed_by", "proposed_by_office"]
    search_fields = ["report__title", "reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Theme)
class ThemeAdmin(SimpleHistoryAdmin):
    """The maintained list of themes, saved through `theme_save` (the register maintainer's
    or a superuser's). Never deleted: retire a theme instead (it stays on what it tagged)."""

    list_display = ["name", "slug", "position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "description"]
    fields = ["name", "description", "is_active"]

    def save_model(self, request, obj, form, change):
        saved = theme_save(
            acting_user=request.user,
            theme=obj if change else None,
            name=form.cleaned_data["name"],
            description=form.cleaned_data.get("description", ""),
            is_active=form.cleaned_data.get("is_active", True),
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FindingLink)
class FindingLinkAdmin(SimpleHistoryAdmin):
    """Read-only: links are confirmed and removed (with a reason) on the recommendation's page,
    through `inspections.links`, which refuses self-links, duplicates and cycles."""

    list_display = ["finding", "kind", "linked_to", "created_by", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["finding", "linked_to", "created_by"]
    search_fields = ["finding__text", "linked_to__text", "finding__report__title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

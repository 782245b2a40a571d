"""The admin of HMICFRS reports, with their graded judgements and findings as inlines. It lives
in the responses room because recording a report opens the responses of the bodies it concerns,
as the report pages do; `inspections` cannot open responses.

One write path: a new report is recorded with `report_create` and, once its judgements and
findings are saved, its responses are opened with `responses_create_for_report` (what
`report_record` does for the report pages), all in the admin's one transaction. A change to
its details goes through `inspections.services.report_update`, refused if the report changed
since the page was opened (its `report_version`), with a history reason naming the fields;
judgements and findings are saved through the services (inspections/admin.py), so a change of
findings says so ("report.findings_changed", config/events.py). A report's shared facts
(publication date, type, scope, forces) are read-only once it exists: they change only through
a correction (/corrections/, `responses.corrections`), which moves every response's deadline,
writes each response's history and tells each office
(docs/decisions/0009-report-facts-ownership.md).
"""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy

from accounts.admin import admin_reason
from core.admin import HistoryAdmin
from core.locking import check_version
from inspections.admin import (
    FINDING_ADMIN_FIELDS,
    FindingForm,
    causes_of_concern_choices,
    findings_editable_here,
    findings_formset_save,
    judgements_formset_save,
    with_removal_refusals,
)
from inspections.models import Finding, GradedJudgement, Inspectorate, Report
from inspections.selectors import report_data_warnings
from inspections.services import (
    REPORT_DETAIL_FIELDS,
    DuplicateReportError,
    duplicate_of,
    report_create,
    report_update,
    report_version,
)

from .services import responses_create_for_report

CONFLICT = (
    "Someone else changed this report after you opened the page: open it again to see their "
    "changes, then make yours."
)


class GradedJudgementInline(admin.TabularInline):
    model = GradedJudgement
    fields = ["position", "area", "grade"]
    extra = 0


class FindingInline(admin.TabularInline):
    model = Finding
    form = FindingForm
    fk_name = "report"
    fields = FINDING_ADMIN_FIELDS
    readonly_fields = ["timescale_kind", "target_date"]
    extra = 0
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        # Read by formfield_for_foreignkey while this formset is built, for this request only.
        request._inspections_admin_report = obj
        return with_removal_refusals(super().get_formset(request, obj, **kwargs))

    # Read-only while another body responds to the report (`findings_editable_here`).
    def has_add_permission(self, request, obj=None):
        return findings_editable_here(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return findings_editable_here(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return findings_editable_here(request, obj) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "cause_of_concern":
            kwargs["queryset"] = causes_of_concern_choices(
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

    #: The report's version when the page was opened (`report_version`): a save over someone
    #: else's change is refused, here and again by `report_update` under the row lock.
    version = forms.CharField(required=False, widget=forms.HiddenInput)

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = report_version(self.instance)

    def clean(self):
        cleaned = super().clean()
        # The services refuse a second record of a shared report; here so the form says so.
        candidate = Report(
            pk=self.instance.pk,
            **{name: cleaned.get(name) or "" for name in ("title", "hmicfrs_url")},
            **{
                name: cleaned.get(name, getattr(self.instance, name))
                for name in ("published_on", "report_type", "scope")
            },
        )
        if (existing := duplicate_of(candidate)) is not None:
            raise forms.ValidationError(DuplicateReportError(existing).messages)
        if self.instance.pk:
            # Checked again by `report_update` under the row lock; here so the form shows it.
            check_version(
                expected=cleaned.get("version") or None,
                current=report_version(Report.objects.get(pk=self.instance.pk)),
                message=CONFLICT,
                error=forms.ValidationError,
            )
        return cleaned


@admin.register(Report)
class ReportAdmin(HistoryAdmin):
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

    def save_model(self, request, obj, form, change):
        if change:
            fields = {
                name: form.cleaned_data[name]
                for name in form.changed_data
                if name in REPORT_DETAIL_FIELDS and name not in self._shared_facts
            }
            saved = report_update(
                report=obj,
                acting_user=request.user,
                reason=admin_reason(form, change=True),
                expected_version=form.cleaned_data.get("version") or None,
                **fields,
            )
        else:
            saved = report_create(
                acting_user=request.user,
                reason=admin_reason(form, change=False),
                forces=form.cleaned_data.get("forces") or (),
                **{name: form.cleaned_data[name] for name in REPORT_DETAIL_FIELDS},
            )
        obj.pk, obj._state.adding = saved.pk, False

    def save_related(self, request, form, formsets, change):
        # The report's forces were saved by the service (and are read-only once it exists).
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        if not change:
            # Recording a report opens the responses of the bodies it concerns, as the report
            # pages do (`report_record`), in the admin's one transaction: after its judgements
            # and findings, which are then the report as recorded, not a change to it.
            responses_create_for_report(report=form.instance, acting_user=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is Finding:
            refused = findings_formset_save(request, formset, report=form.instance)
            for problem in refused:
                self.message_user(request, f"Not removed: {problem}", messages.ERROR)
        else:
            judgements_formset_save(request, formset, report=form.instance)

    def has_delete_permission(self, request, obj=None):
        # Responses, tracking and corrections keep records of a report: it is never deleted.
        return False

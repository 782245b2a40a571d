"""Back-office admin for the findings and graded judgements of HMICFRS reports, and the record
of corrections to reports. One write path: every save and removal goes through
`inspections.services`, as on the report pages, so it writes the history reason, derives a
recommendation's timescale kind and target date from its text (never typed in), refuses to
remove a finding a response has answered, and says the findings changed
("report.findings_changed", config/events.py).

The report itself, with these as inlines, is administered in responses/report_admin.py, because
recording a report opens the responses of the bodies it concerns; it saves its inlines through
`findings_formset_save` and `judgements_formset_save` below.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin import admin_reason
from core.admin import HistoryAdmin, ReadOnlyAdminMixin

from .models import Addressee, Finding, FindingLink, GradedJudgement, ReportCorrection, Theme
from .services import (
    finding_add,
    finding_remove,
    finding_update,
    findings_shared,
    judgement_add,
    judgement_remove,
    judgement_update,
    removal_refusals,
    theme_save,
)

#: The fields of a finding a person types in the admin (its timescale kind and target date are
#: derived from the text by the services).
FINDING_FIELDS = (
    "kind",
    "position",
    "reference",
    "text",
    "addressees",
    "timescale_text",
    "cause_of_concern",
)
#: What the admin shows of a finding: those, with the derived ones beside the timescale.
FINDING_ADMIN_FIELDS = [*FINDING_FIELDS[:-1], "timescale_kind", "target_date", FINDING_FIELDS[-1]]


class FindingForm(forms.ModelForm):
    addressees = forms.MultipleChoiceField(
        choices=Addressee.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Recommendations only: who it is addressed to."),
    )

    class Meta:
        model = Finding
        fields = ["report", *FINDING_FIELDS]

    def clean(self):
        cleaned = super().clean()
        cause = cleaned.get("cause_of_concern")
        report = cleaned.get("report")
        report_id = report.pk if report is not None else self.instance.report_id
        if cause is not None and cause.report_id != report_id:
            self.add_error("cause_of_concern", _("Choose a cause of concern from the same report."))
        return cleaned


def causes_of_concern_choices(report, *, when_unknown):
    """The causes of concern a recommendation in `report` may belong to: its own report's."""
    queryset = Finding.objects.causes_of_concern().select_related("report")
    if report is None or report.pk is None:
        return when_unknown(queryset)
    return queryset.filter(report=report)


JUDGEMENT_FIELDS = ("position", "area", "grade")


def finding_save_from_form(request, form, finding: Finding, *, report) -> Finding:
    """Add or change one finding from an admin form through the services (`finding_add`,
    `finding_update`); a change names the fields changed in the history reason."""
    values = {name: form.cleaned_data[name] for name in FINDING_FIELDS if name in form.cleaned_data}
    if finding.pk is None:
        return finding_add(
            report=report,
            kind=values.pop("kind"),
            text=values.pop("text"),
            position=values.pop("position", None),
            acting_user=request.user,
            reason=admin_reason(form, change=False),
            **values,
        )
    changed = {name: values[name] for name in form.changed_data if name in values}
    return finding_update(
        finding=finding,
        acting_user=request.user,
        reason=admin_reason(form, change=True),
        **changed,
    )


def with_removal_refusals(formset):
    """The admin's inline formset for findings, refusing a removal in the services' words
    (`removal_refusals`: "R1 cannot be removed: Norfolk OPCC's response has already answered
    it.") rather than the admin's list of protected objects."""
    form = formset.form

    def hand_clean_DELETE(self):  # noqa: N802 - the admin's name
        try:
            form.hand_clean_DELETE(self)
        except ValidationError as error:
            if error.code != "deleting_protected":
                raise
            raise ValidationError(removal_refusals([self.instance])) from error

    formset.form = type(form.__name__, (form,), {"hand_clean_DELETE": hand_clean_DELETE})
    return formset


def findings_editable_here(request, report) -> bool:
    """A report's findings are changed in the admin only while no other body responds to it.
    Otherwise a change is a correction of shared findings that needs its reason
    (`inspections.services.findings_shared`): it is made on the report's section pages, which
    ask for it, and the admin shows the findings read-only."""
    return report is None or not findings_shared(report=report, user=request.user)


def findings_formset_save(request, formset, *, report) -> list[str]:
    """Save the findings inline of a report through the services; returns the removals the
    services refused (a finding a response has answered, or one being tracked)."""
    changed = formset.save(commit=False)
    refused = []
    for finding in formset.deleted_objects:
        try:
            finding_remove(finding=finding, acting_user=request.user, reason="Deleted in the admin")
        except ValidationError as error:
            refused.extend(error.messages)
    forms_by_instance = {id(form.instance): form for form in formset.forms}
    for finding in changed:
        saved = finding_save_from_form(
            request, forms_by_instance[id(finding)], finding, report=report
        )
        finding.pk, finding._state.adding = saved.pk, False
    return refused


def judgement_save_from_form(request, form, judgement: GradedJudgement, *, report):
    values = {
        name: form.cleaned_data[name] for name in JUDGEMENT_FIELDS if name in form.cleaned_data
    }
    if judgement.pk is None:
        return judgement_add(
            report=report,
            acting_user=request.user,
            reason=admin_reason(form, change=False),
            **values,
        )
    return judgement_update(
        judgement=judgement,
        acting_user=request.user,
        reason=admin_reason(form, change=True),
        **{name: values[name] for name in form.changed_data if name in values},
    )


def judgements_formset_save(request, formset, *, report) -> None:
    """Save the graded judgements inline of a report through the services."""
    changed = formset.save(commit=False)
    for judgement in formset.deleted_objects:
        judgement_remove(
            judgement=judgement, acting_user=request.user, reason="Deleted in the admin"
        )
    forms_by_instance = {id(form.instance): form for form in formset.forms}
    for judgement in changed:
        saved = judgement_save_from_form(
            request, forms_by_instance[id(judgement)], judgement, report=report
        )
        judgement.pk, judgement._state.adding = saved.pk, False


@admin.register(Finding)
class FindingAdmin(HistoryAdmin):
    form = FindingForm
    list_display = ["__str__", "kind", "report", "position", "timescale_kind", "target_date"]
    list_filter = ["kind", "report__report_type", "timescale_kind"]
    list_select_related = ["report"]
    search_fields = ["text", "reference", "report__title"]
    autocomplete_fields = ["report"]
    fields = ["report", *FINDING_ADMIN_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        # A finding stays in the report it was recorded in.
        return ["timescale_kind", "target_date", *(["report"] if obj is not None else [])]

    def get_form(self, request, obj=None, **kwargs):
        request._inspections_admin_report = obj.report if obj is not None else None
        return super().get_form(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "cause_of_concern":
            # A new finding's report is not chosen yet: offer all, and the form checks the match.
            kwargs["queryset"] = causes_of_concern_choices(
                getattr(request, "_inspections_admin_report", None), when_unknown=lambda qs: qs
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        report = obj.report if change else form.cleaned_data["report"]
        saved = finding_save_from_form(request, form, obj, report=report)
        obj.pk, obj._state.adding = saved.pk, False

    def save_related(self, request, form, formsets, change):
        pass  # a finding has no many-to-many fields or inlines: the service saved everything

    def has_change_permission(self, request, obj=None):
        if obj is not None and findings_shared(report=obj.report, user=request.user):
            return False  # see `findings_editable_here`
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Removed on its report's page, through `finding_remove` (never an answered one).
        return False


@admin.register(GradedJudgement)
class GradedJudgementAdmin(HistoryAdmin):
    list_display = ["area", "grade", "report", "position"]
    list_filter = ["grade", "report__report_type"]
    list_select_related = ["report"]
    search_fields = ["area", "report__title"]
    autocomplete_fields = ["report"]

    def get_readonly_fields(self, request, obj=None):
        return ["report"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        report = obj.report if change else form.cleaned_data["report"]
        saved = judgement_save_from_form(request, form, obj, report=report)
        obj.pk, obj._state.adding = saved.pk, False

    def save_related(self, request, form, formsets, change):
        pass

    def delete_model(self, request, obj):
        judgement_remove(judgement=obj, acting_user=request.user, reason="Deleted in the admin")

    def delete_queryset(self, request, queryset):
        for judgement in queryset:
            self.delete_model(request, judgement)


@admin.register(ReportCorrection)
class ReportCorrectionAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    """Read-only: corrections are proposed, made and decided at /corrections/ through
    `responses.corrections`, which also moves the deadlines and tells each office."""

    list_display = ["report", "status", "proposed_by", "proposed_by_office", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["report", "proposed_by", "proposed_by_office"]
    search_fields = ["report__title", "reason"]


@admin.register(Theme)
class ThemeAdmin(HistoryAdmin):
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
class FindingLinkAdmin(HistoryAdmin):
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

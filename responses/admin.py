"""Back-office admin for Section 55 responses: a view like any other, writing only through
the services in `responses/services.py`.

Everything a workflow step sets (status, statutory dates, the force's comments, approval,
publication, copies) is read-only here; the admin actions call the guarded services, whose
refusals (`WorkflowError`) are shown as error messages. A new response is opened with
`response_create`, which stores the s55(5A) due date. The office's text and internal notes are
saved with `response_update_text`, which checks the version the page was opened at (so a staff
editor open at the same time sees the conflict), bumps it, and refuses the office's text once
the response leaves drafting. Explanations are saved with `explanation_save`. Reports, which
open responses when recorded, are administered in responses/report_admin.py.
"""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin import AttributedHistoryAdmin, admin_reason, save_formset_attributed
from core.admin import HistoryAdmin, ReadOnlyAdminMixin
from core.locking import check_version
from inspections.models import Finding

from . import report_admin  # noqa: F401 - registers the report admin (responses/report_admin.py)
from .models import Explanation, Redaction, Response, ResponseVersion, ScheduledPublication
from .services import (
    check_report_attracts_s55,
    explanation_save,
    response_amend,
    response_create,
    response_mark_not_required,
    response_reinstate,
    response_send_back,
    response_start_drafting,
    response_submit_for_approval,
    response_update_text,
)
from .workflow import EDITABLE_STATUSES, WorkflowError

#: Set only by services: never editable in the admin.
SERVICE_FIELDS = [
    "report",
    "policing_body",
    "status",
    "due_date",
    "publish_by",
    "lock_version",
    "force_invited_on",
    "force_reply_by",
    "force_comments_submitted_at",
    "submitted_for_approval_by",
    "submitted_for_approval_at",
    "approved_by",
    "approved_at",
    "signatory_name",
    "signatory_title",
    "published_on",
    "late_reason",
    "not_required_reason",
    "amendment_reason",
    "published_url",
    "imported",
    # The force's comments: recorded by the force or the office on the staff pages
    # (`response_save_force_draft`, `response_record_force_comments`), which move the status.
    "force_comments",
    "force_comments_received_on",
    "force_comments_author_name",
    "force_comments_author_role",
    "force_comments_none_submitted",
    "created_at",
    "updated_at",
]

#: The office's own text: editable only while the response is being drafted.
CONTENT_FIELDS = [
    "office_comments",
    "reply_to_force",
]

#: s55(6) copies belong to each published version; recorded on the staff page's "Copies sent"
#: (`response_record_copies`), shown here read-only with their version.
COPY_FIELDS = [
    "copy_hmicfrs_on",
    "copy_home_secretary_on",
    "copy_panel_on",
    "copy_chief_officer_on",
]


def _is_editable(response) -> bool:
    return response is not None and response.status in EDITABLE_STATUSES


class ExplanationInlineForm(forms.ModelForm):
    class Meta:
        model = Explanation
        fields = ["finding", "kind", "text", "force_comment"]

    def clean_finding(self):
        finding = self.cleaned_data["finding"]
        if self.instance.pk and finding.pk != self.instance.finding_id:
            raise forms.ValidationError(
                _("An explanation stays with its recommendation: add a new row for another one.")
            )
        return finding


class ExplanationInline(admin.TabularInline):
    model = Explanation
    form = ExplanationInlineForm
    fields = ["finding", "kind", "text", "force_comment"]
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        # Read by formfield_for_foreignkey while this formset is built, for this request only.
        request._responses_admin_response = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "finding":
            response = getattr(request, "_responses_admin_response", None)
            # s55(5B): recommendations (and AFIs) of this response's own report.
            kwargs["queryset"] = Finding.objects.filter(
                report_id=response.report_id if response else None,
                kind__in=[Finding.Kind.RECOMMENDATION, Finding.Kind.AREA_FOR_IMPROVEMENT],
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return [] if _is_editable(obj) else self.fields

    def has_add_permission(self, request, obj=None):
        return _is_editable(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # No service deletes an explanation: it is emptied or rewritten on its page.
        return False


class ResponseVersionInline(admin.TabularInline):
    """Published versions are frozen: shown, never added, changed or deleted here."""

    model = ResponseVersion
    fields = ["number", "published_on", "reason", "published_by", *COPY_FIELDS, "pdf_sha256"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReasonForm(forms.Form):
    """The reason an admin action records in each response's history."""

    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=gettext_lazy("Reason"))


class ResponseAdminForm(forms.ModelForm):
    expected_lock_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Response
        fields = ["report", "policing_body", *CONTENT_FIELDS, "internal_notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_lock_version"].initial = self.instance.lock_version

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            report = cleaned.get("report")
            if report is not None:
                # The same rule response_create enforces, shown on the form.
                try:
                    check_report_attracts_s55(report)
                except WorkflowError as error:
                    self.add_error("report", str(error))
            return cleaned
        # Checked again by the service under the row lock; here so the form shows it.
        current = Response.objects.filter(pk=self.instance.pk).values_list(
            "lock_version", flat=True
        )
        check_version(
            expected=cleaned.get("expected_lock_version"),
            current=current[0] if current else None,
            message="Someone else saved this response after you opened it. Open it again to "
            "see their change, then make yours.",
            error=forms.ValidationError,
        )
        return cleaned


@admin.register(Response)
class ResponseAdmin(AttributedHistoryAdmin):
    form = ResponseAdminForm
    list_display = ["report", "policing_body", "status", "due_date", "publish_by", "published_on"]
    list_filter = ["status", "policing_body", "due_date"]
    list_select_related = ["report", "policing_body"]
    search_fields = ["report__title", "policing_body__name"]
    autocomplete_fields = ["report", "policing_body"]
    date_hierarchy = "due_date"
    actions = [
        "start_drafting",
        "submit_for_approval",
        "send_back",
        "mark_not_required",
        "reinstate",
        "amend",
    ]
    inlines = [ExplanationInline, ResponseVersionInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "report",
                    "policing_body",
                    "status",
                    "lock_version",
                    "expected_lock_version",
                ]
            },
        ),
        ("Deadline (s55(5A))", {"fields": ["due_date", "publish_by"]}),
        (
            "The chief officer's comments (s55(4), s55(5)(b))",
            {
                "fields": [
                    "force_invited_on",
                    "force_reply_by",
                    "force_comments",
                    "force_comments_received_on",
                    "force_comments_author_name",
                    "force_comments_author_role",
                    "force_comments_none_submitted",
                    "force_comments_submitted_at",
                ]
            },
        ),
        (
            "The office's comments (s55(5)(a), (c))",
            {"fields": ["office_comments", "reply_to_force"]},
        ),
        (
            "Approval",
            {
                "fields": [
                    "submitted_for_approval_by",
                    "submitted_for_approval_at",
                    "approved_by",
                    "approved_at",
                    "signatory_name",
                    "signatory_title",
                ]
            },
        ),
        (
            "Publication",
            {
                "fields": [
                    "published_on",
                    "published_url",
                    "late_reason",
                    "amendment_reason",
                    "not_required_reason",
                    "imported",
                ]
            },
        ),
        ("Office only", {"fields": ["internal_notes", "created_at", "updated_at"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            # Opened by response_create, which computes the deadline; the rest comes later.
            return [(None, {"fields": ["report", "policing_body"]})]
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return SERVICE_FIELDS + COPY_FIELDS + ([] if _is_editable(obj) else CONTENT_FIELDS)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def save_model(self, request, obj, form, change):
        if not change:
            created = response_create(
                report=obj.report,
                policing_body=obj.policing_body,
                acting_user=request.user,
                reason="Response opened in the admin",
            )
            for field in Response._meta.concrete_fields:
                setattr(obj, field.attname, getattr(created, field.attname))
            obj._state.adding = False
            obj._state.db = created._state.db
            return
        text = {
            name: form.cleaned_data[name]
            for name in [*CONTENT_FIELDS, "internal_notes"]
            if name in form.changed_data
        }
        if text:
            try:
                response_update_text(
                    response=obj,
                    acting_user=request.user,
                    expected_lock_version=form.cleaned_data.get("expected_lock_version"),
                    reason=admin_reason(form, change=True),
                    **text,
                )
            except WorkflowError as error:
                self.message_user(request, f"Not saved: {error}", messages.ERROR)
        obj.refresh_from_db()

    def has_delete_permission(self, request, obj=None):
        # A response is never deleted: a body that need not respond is marked "not required".
        return False

    def save_formset(self, request, form, formset, change):
        if formset.model is not Explanation:
            save_formset_attributed(request, formset, change)
            return
        # Through the service, which checks the finding and the status and records history.
        for explanation in formset.save(commit=False):
            explanation_save(
                response=form.instance,
                finding=explanation.finding,
                acting_user=request.user,
                kind=explanation.kind,
                text=explanation.text,
                force_comment=explanation.force_comment,
            )

    def _run_service(self, request, queryset, service, done: str, **arguments) -> None:
        succeeded = 0
        for response in queryset.select_related("report", "policing_body"):
            try:
                service(response=response, acting_user=request.user, **arguments)
            except WorkflowError as error:
                self.message_user(request, f"{response}: {error}", messages.ERROR)
            else:
                succeeded += 1
        if succeeded:
            plural = "response" if succeeded == 1 else "responses"
            self.message_user(request, f"{done} for {succeeded} {plural}.", messages.SUCCESS)

    @admin.action(description="Start drafting the selected responses")
    def start_drafting(self, request, queryset):
        self._run_service(request, queryset, response_start_drafting, "Drafting started")

    @admin.action(description="Submit the selected responses for approval")
    def submit_for_approval(self, request, queryset):
        self._run_service(request, queryset, response_submit_for_approval, "Submitted for approval")

    def _with_reason(self, request, queryset, service, *, action: str, title: str, done: str):
        """An action whose service needs a reason: first a page asking for it (the selected
        responses listed), then the service for each, its refusals shown as errors."""
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._run_service(request, queryset, service, done, reason=form.cleaned_data["reason"])
            return None
        return TemplateResponse(
            request,
            "admin/responses/reason_action.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "action": action,
                "form": form,
                "responses": queryset.select_related("report", "policing_body"),
                "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
                "opts": self.model._meta,
            },
        )

    @admin.action(description="Send the selected responses back to drafting (with a reason)")
    def send_back(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            response_send_back,
            action="send_back",
            title="Send back to drafting",
            done="Sent back",
        )

    @admin.action(description="Mark the selected responses not required (with a reason)")
    def mark_not_required(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            response_mark_not_required,
            action="mark_not_required",
            title="Mark not required",
            done="Marked not required",
        )

    @admin.action(description="Reinstate the selected responses (with a reason)")
    def reinstate(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            response_reinstate,
            action="reinstate",
            title="Reinstate",
            done="Reinstated",
        )

    @admin.action(description="Amend the selected published responses (with a reason)")
    def amend(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            response_amend,
            action="amend",
            title="Amend",
            done="Amendment started",
        )


@admin.register(Explanation)
class ExplanationAdmin(AttributedHistoryAdmin):
    """Explanations are added on their response's page; here they can be found and corrected."""

    list_display = ["finding", "response", "kind", "is_complete"]
    list_filter = ["kind", "response__status", "response__policing_body"]
    list_select_related = ["finding", "response__report", "response__policing_body"]
    search_fields = ["text", "finding__reference", "finding__text", "response__report__title"]
    fields = ["response", "finding", "kind", "text", "force_comment"]

    @admin.display(boolean=True, description="Complete (s55(5B))")
    def is_complete(self, obj):
        return obj.is_complete

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and _is_editable(obj.response):
            return ["response", "finding"]
        return self.fields

    def save_model(self, request, obj, form, change):
        if not _is_editable(obj.response):
            return  # every field was read-only: nothing to save
        explanation_save(
            response=obj.response,
            finding=obj.finding,
            acting_user=request.user,
            kind=obj.kind,
            text=obj.text,
            force_comment=obj.force_comment,
        )


@admin.register(Redaction)
class RedactionAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    """Read-only: passages are marked and cleared on the response's pages through
    `redaction_add` and `redaction_remove`; publication freezes them onto the version."""

    list_display = ["response", "field", "reason", "created_by", "created_at"]
    list_filter = ["reason"]
    list_select_related = ["response__report", "response__policing_body", "created_by"]
    search_fields = ["response__report__title"]


@admin.register(ScheduledPublication)
class ScheduledPublicationAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    """Read-only: a publication is scheduled, changed and cancelled on the response's page, and
    claimed and run by the beat task (`responses.services.scheduled_publications_run`), never
    here."""

    list_display = ["response", "publish_at", "state", "attempts", "done_at"]
    list_filter = ["state"]
    list_select_related = ["response__report", "response__policing_body"]

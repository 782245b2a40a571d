"""Admin for the reminder policy (editable, with history) and the reminders sent (read-only,
with an action to send a failed one again)."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy

from accounts.admin import ServiceAdmin
from accounts.models import Membership

from . import services
from .models import CalendarToken, Digest, Reminder, ReminderPreference, ReminderRule, SendStatus


class ReminderRuleForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("Roles"),
        choices=Membership.Role.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Who is reminded."),
    )
    extra_roles = forms.MultipleChoiceField(
        label=gettext_lazy("Extra roles"),
        choices=Membership.Role.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy(
            "Also remind these roles from the offset below on (e.g. approvers from -7)."
        ),
    )

    class Meta:
        model = ReminderRule
        fields = [
            "name",
            "code",
            "subject",
            "statutory",
            "is_active",
            "position",
            "unit",
            "offsets",
            "repeat_every",
            "stale_after_days",
            "roles",
            "extra_roles",
            "extra_roles_from",
        ]


@admin.register(ReminderRule)
class ReminderRuleAdmin(ServiceAdmin):
    """Saves and removals go through `reminder_rule_save` and `reminder_rule_delete`."""

    form = ReminderRuleForm
    services_module = services
    save_service, delete_service = "reminder_rule_save", "reminder_rule_delete"
    service_argument = "rule"
    list_display = ["name", "subject", "offsets", "unit", "repeat_every", "statutory", "is_active"]
    list_filter = ["subject", "statutory", "is_active"]
    ordering = ["position", "code"]
    fieldsets = [
        (None, {"fields": ["name", "code", "subject", "statutory", "is_active", "position"]}),
        ("When", {"fields": ["unit", "offsets", "repeat_every", "stale_after_days"]}),
        ("Who", {"fields": ["roles", "extra_roles", "extra_roles_from"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The code is in every reminder's unique key and the subject decides what a rule
        # means; "statutory" is the law, not a setting.
        if obj is not None:
            return ["code", "subject", "statutory"]
        return []

    def has_delete_permission(self, request, obj=None):
        # Rules with reminders are protected by the database; statutory ones always.
        if obj is not None and (obj.statutory or obj.reminders.exists()):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["response", "rule", "occurrence", "recipient", "delivery", "status", "sent_at"]
    list_filter = ["status", "delivery", "rule", "response__policing_body"]
    list_select_related = ["response__report", "response__policing_body", "rule", "recipient"]
    search_fields = ["response__report__title", "recipient__username", "recipient__full_name"]
    date_hierarchy = "created_at"
    actions = ["send_again"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # The record of what was sent; deleting one would let a sweep send it again.
        return False

    @admin.action(description="Send the selected failed or stuck reminders again")
    def send_again(self, request, queryset):
        count = sum(
            services.reminder_retry(reminder=r, acting_user=request.user)
            for r in queryset.filter(status__in=(SendStatus.FAILED, SendStatus.SENDING))
        )
        self.message_user(request, f"{count} reminder(s) will be sent again.", messages.SUCCESS)


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ["recipient", "day", "status", "attempts", "sent_at"]
    list_filter = ["status", "day"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__username", "recipient__full_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(admin.ModelAdmin):
    """Read only: each person chooses on their own reminders page (`preference_update`)."""

    list_display = ["user", "delivery", "updated_at"]
    list_filter = ["delivery"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["muted_rules"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarToken)
class CalendarTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "revoked_at", "last_used_at"]
    list_select_related = ["user"]
    readonly_fields = ["user", "token_hash", "created_at", "last_used_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Revoking is the action below (`calendar_token_revoke`); nothing else is edited here.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Revoke the selected calendar feed addresses")
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True).select_related("user"):
            services.calendar_token_revoke(user=token.user)
        self.message_user(request, "Revoked.", messages.SUCCESS)

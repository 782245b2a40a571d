"""Back-office admin for organisations, people and their roles.

`AttributedHistoryAdmin` is the base for every model with `history` in this project: it records
the acting user (as SimpleHistoryAdmin does) and a reason in each historical row, for the main
object and for objects saved through its inlines.
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils import translation
from django.utils.translation import gettext_lazy

from core.admin import HistoryAdmin, ReadOnlyAdminMixin
from core.history import attribute

from . import reasons, services
from .models import (
    ExternalIdentity,
    Force,
    IdentityProvider,
    Invitation,
    Membership,
    PlanPriority,
    PolicingBody,
    StatutoryRecipient,
    User,
)


def admin_reason(form, *, change: bool) -> str:
    """The history reason for a save through the admin, naming the fields that changed."""
    if not change:
        return "Added in the admin"
    if form is None:
        return "Edited in the admin"
    model_fields = {f.name for f in form._meta.model._meta.get_fields()}
    ignored = getattr(form, "history_reason_ignores", ())
    with translation.override(settings.LANGUAGE_CODE):  # stored in English (accounts/reasons.py)
        labels = [
            str(form.fields[name].label or name)
            for name in form.changed_data
            if name in model_fields and name not in ignored
        ]
    if not labels:
        return "Edited in the admin"
    return reasons.EDITED_IN_ADMIN(fields=", ".join(labels))


def save_formset_attributed(request, formset, change: bool) -> None:
    """Save an inline formset so every created, changed or deleted row names the acting user."""
    instances = formset.save(commit=False)
    forms_by_instance = {id(form.instance): form for form in formset.forms}
    for obj in formset.deleted_objects:
        attribute(obj, acting_user=request.user, reason="Deleted in the admin")
        obj.delete()
    for obj in instances:
        form = forms_by_instance.get(id(obj))
        adding = obj._state.adding
        attribute(obj, acting_user=request.user, reason=admin_reason(form, change=not adding))
        obj.save()
    formset.save_m2m()


class AttributedHistoryAdmin(HistoryAdmin):
    """`core.admin.HistoryAdmin` that also writes a history reason, including for inline rows."""

    def save_model(self, request, obj, form, change):
        attribute(obj, acting_user=request.user, reason=admin_reason(form, change=change))
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        attribute(obj, acting_user=request.user, reason="Deleted in the admin")
        super().delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        save_formset_attributed(request, formset, change)


class ServiceAdmin(AttributedHistoryAdmin):
    """An admin whose saves and deletions (one at a time or the "delete selected" action) go
    through the named service functions `save_service` and `delete_service`, called as
    `service(**{service_argument: obj}, acting_user=..., reason=...)`."""

    save_service: str
    delete_service: str
    service_argument: str
    services_module = services

    def save_model(self, request, obj, form, change):
        getattr(self.services_module, self.save_service)(
            **{self.service_argument: obj},
            acting_user=request.user,
            reason=admin_reason(form, change=change),
        )

    def delete_model(self, request, obj):
        getattr(self.services_module, self.delete_service)(
            **{self.service_argument: obj}, acting_user=request.user, reason="Deleted in the admin"
        )

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class MembershipInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The person's roles, shown; they are given and changed on the Memberships pages, through
    `membership_save` (which signs the person out when their rights change)."""

    model = Membership
    fk_name = "user"
    fields = ["role", "policing_body", "force", "is_active"]
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:1],
        (
            "Personal info",
            {"fields": ("full_name", "job_title", "first_name", "last_name", "email")},
        ),
        *DjangoUserAdmin.fieldsets[2:],
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "full_name",
                    "job_title",
                    "email",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    list_display = ["username", "full_name", "job_title", "email", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "first_name", "last_name", "email"]
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        """Through `user_save`: closing an account goes through `user_deactivate`, which also
        ends the person's sessions."""
        services.user_save(
            user=obj, acting_user=request.user, reason=admin_reason(form, change=change)
        )

    def has_delete_permission(self, request, obj=None):
        # Close the account instead: what the person wrote keeps its author in the history.
        return False


@admin.register(Force)
class ForceAdmin(ServiceAdmin):
    save_service, delete_service, service_argument = "force_save", "force_delete", "force"
    list_display = ["name", "short_name", "country", "chief_officer_title"]
    list_filter = ["country"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(PolicingBody)
class PolicingBodyAdmin(ServiceAdmin):
    save_service, delete_service = "policing_body_save", "policing_body_delete"
    service_argument = "body"
    list_display = ["name", "kind", "holder_title", "force"]
    list_filter = ["kind"]
    list_select_related = ["force"]
    search_fields = ["name", "short_name", "office_name", "slug", "force__name"]
    autocomplete_fields = ["force"]
    prepopulated_fields = {"slug": ["name"]}
    # The office's own choices, made by its admin (`policing_body_set_national_sharing`,
    # `policing_body_set_copies_on_publication`).
    readonly_fields = ["share_open_work_nationally", "send_copies_on_publication"]


@admin.register(PlanPriority)
class PlanPriorityAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    """Read-only: each office's admin keeps its plan's priorities on the office's own page
    (`plan_priority_create`, `plan_priority_update`)."""

    list_display = ["title", "policing_body", "position", "is_active"]
    list_filter = ["is_active", "policing_body"]
    list_select_related = ["policing_body"]
    search_fields = ["title", "policing_body__name"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    """Read only: invitations are made, sent again, withdrawn and accepted through
    `accounts.invitations` (the office admin's pages and the link in the email)."""

    list_display = ["email", "role", "policing_body", "force", "sent_at", "accepted_at"]
    list_filter = ["role"]
    list_select_related = ["policing_body", "force"]
    search_fields = ["email", "full_name", "policing_body__name"]
    exclude = ["token_hash"]


@admin.register(StatutoryRecipient)
class StatutoryRecipientAdmin(ServiceAdmin):
    save_service, delete_service = "statutory_recipient_save", "statutory_recipient_delete"
    service_argument = "recipient"
    list_display = ["name", "code", "email"]
    search_fields = ["name", "code", "email"]


@admin.register(Membership)
class MembershipAdmin(AttributedHistoryAdmin):
    list_display = ["user", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active", "policing_body"]
    list_select_related = ["user", "policing_body", "force"]
    search_fields = [
        "user__username",
        "user__full_name",
        "user__email",
        "policing_body__name",
        "force__name",
    ]
    autocomplete_fields = ["user", "policing_body", "force"]

    def save_model(self, request, obj, form, change):
        """Through `membership_save`: taking a role away goes through `membership_deactivate`
        and a changed role or organisation signs the person out."""
        services.membership_save(
            membership=obj, acting_user=request.user, reason=admin_reason(form, change=change)
        )

    def has_delete_permission(self, request, obj=None):
        # Take the role away instead (untick "active"): the history keeps who had it.
        return False

    @admin.display(description="Organisation")
    def organisation(self, obj):
        return obj.organisation


class SuperuserOnlyAdmin:
    """Single sign-on is the service administrator's: only superusers see or change it."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, *args):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class IdentityProviderForm(forms.ModelForm):
    """The client secret is typed here and stored encrypted; it is never shown back."""

    client_secret = forms.CharField(
        label=gettext_lazy("Client secret"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=(
            gettext_lazy(
                "Stored encrypted. Leave blank to keep the stored secret. Not needed when the environment variable above is set."
            )
        ),
    )
    remove_client_secret = forms.BooleanField(
        label=gettext_lazy("Remove the stored client secret"), required=False
    )

    class Meta:
        model = IdentityProvider
        fields = [
            "name",
            "policing_body",
            "force",
            "issuer",
            "client_id",
            "client_secret_env",
            "allowed_email_domains",
            "passwords_allowed",
            "is_active",
        ]

    #: Names in `admin_reason`'s "fields that changed"; the secret itself is never named.
    history_reason_ignores = ("client_secret", "remove_client_secret")

    def new_client_secret(self) -> str | None:
        """The secret to store: a new one, "" to remove, None to keep what is stored."""
        if self.cleaned_data.get("remove_client_secret"):
            return ""
        return self.cleaned_data.get("client_secret") or None


@admin.register(IdentityProvider)
class IdentityProviderAdmin(SuperuserOnlyAdmin, AttributedHistoryAdmin):
    form = IdentityProviderForm
    list_display = ["name", "organisation", "issuer", "passwords_allowed", "is_active", "secret"]
    list_select_related = ["policing_body", "force"]
    search_fields = ["name", "issuer", "policing_body__name", "force__name"]
    autocomplete_fields = ["policing_body", "force"]

    @admin.display(description="Client secret")
    def secret(self, obj):
        if obj.client_secret_env:
            return f"From ${obj.client_secret_env}"
        return "Stored (encrypted)" if obj.client_secret_sealed else "None"

    def save_model(self, request, obj, form, change):
        secret = form.new_client_secret()
        services.identity_provider_save(
            provider=obj,
            acting_user=request.user,
            client_secret=secret,
            reason=admin_reason(form, change=change)
            + ("; client secret replaced" if secret else "")
            + ("; client secret removed" if secret == "" else ""),
        )


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    """Who signs in through which provider (read only: sign-in creates these)."""

    list_display = ["user", "provider", "subject", "email", "last_signed_in_at"]
    list_select_related = ["user", "provider"]
    search_fields = ["user__username", "user__email", "email", "subject"]
    readonly_fields = [
        "user",
        "provider",
        "issuer",
        "subject",
        "email",
        "created_at",
        "last_signed_in_at",
    ]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

"""Back-office admin for the tracker: read-only.

Progress updates, evidence files, closure proposals, the force's proposals for the public page,
the redactions of public updates (marked on the tracker's pages, `progress_redaction_add`) and
panel packs are records: the admin can
list and read them but has no add, change or delete permission for any of them (append-only at
every layer; see tracking/models.py). Tracker items are read-only here too: their status changes
only through progress updates, and leads and dates change on the tracker's own pages, through
`tracking.services`, which check who may do what.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from core.admin import HistoryAdmin, ReadOnlyAdminMixin

from .models import (
    ClosureProposal,
    EvidenceFile,
    PanelPack,
    ProgressRedaction,
    ProgressUpdate,
    PublicProposal,
    TrackerItem,
)


class EvidenceInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = EvidenceFile
    fields = ["original_name", "content_type", "size", "sha256", "uploaded_at", "download"]
    readonly_fields = fields
    extra = 0

    @admin.display(description="File")
    def download(self, obj):
        url = reverse("tracking:evidence-download", args=[obj.pk])
        return format_html('<a href="{}">Download</a>', url)


@admin.register(TrackerItem)
class TrackerItemAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    list_display = [
        "__str__",
        "policing_body",
        "status",
        "target_date",
        "office_lead",
        "force_lead",
    ]
    list_filter = ["status", "policing_body", "finding__kind"]
    search_fields = ["finding__reference", "finding__text", "finding__report__title"]
    list_select_related = ["finding__report", "policing_body", "office_lead", "force_lead"]
    raw_id_fields = ["finding"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "date",
        "item",
        "kind",
        "author",
        "by_force",
        "status_to",
        "is_public",
        "created_at",
    ]
    list_filter = ["kind", "is_public", "item__policing_body"]
    search_fields = ["text", "item__finding__reference"]
    list_select_related = ["item__finding__report", "author"]
    inlines = [EvidenceInline]


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["original_name", "content_type", "size", "uploaded_at", "update"]
    search_fields = ["original_name", "sha256"]
    list_select_related = ["update"]
    exclude = ["file"]
    readonly_fields = ["download"]

    @admin.display(description="File")
    def download(self, obj):
        url = reverse("tracking:evidence-download", args=[obj.pk])
        return format_html('<a href="{}">Download {}</a>', url, obj.original_name)


@admin.register(ClosureProposal)
class ClosureProposalAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["item", "proposed_by", "proposed_at", "decision", "decided_by", "decided_at"]
    list_filter = ["decision", "item__policing_body"]
    list_select_related = ["item__finding__report", "proposed_by", "decided_by"]


@admin.register(PublicProposal)
class PublicProposalAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["item", "update", "created_at", "decision", "decided_by", "decided_at"]
    list_filter = ["decision", "item__policing_body"]
    list_select_related = ["item__finding__report", "update", "decided_by"]


@admin.register(ProgressRedaction)
class ProgressRedactionAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["update", "reason", "created_by", "created_at"]
    list_filter = ["reason", "update__item__policing_body"]
    list_select_related = ["update", "created_by"]


@admin.register(PanelPack)
class PanelPackAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "policing_body", "as_at", "created_by", "created_at"]
    list_filter = ["policing_body"]
    fields = [
        "title",
        "policing_body",
        "as_at",
        "previous",
        "created_by",
        "created_at",
        "data_sha256",
        "pdf_sha256",
        "fit_to_publish",
        "download",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("pdf")

    @admin.display(description="Fit to publish")
    def fit_to_publish(self, obj):
        if obj.may_hold_internal_text:
            return (
                "No: made by an earlier version, it may contain internal updates and redacted "
                "text. Make a new pack."
            )
        return "Yes: it holds only what the public reads."

    @admin.display(description="PDF")
    def download(self, obj):
        url = reverse("tracking:pack-download", args=[obj.pk])
        return format_html('<a href="{}">Download the PDF</a>', url)

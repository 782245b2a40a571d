"""Recommendations and areas for improvement tracked to completion after the response.

- `TrackerItem`: one recommendation or AFI that one office follows (unique per finding and
  policing body), with its office lead, force lead, target date (from the recommendation's
  timescale) and current status. Its RAG rating is worked out by `tracking.rag`, never stored.
- `ProgressUpdate`: a dated update, **append-only**: never changed, never deleted. A status
  change is an update; the item's status is the one set by the latest status change. A
  correction is a new update that names the update it corrects.
- `EvidenceFile`: a file attached to an update, checked by its content (tracking/evidence.py),
  stored with its SHA-256 and served only through a permission-checked view. Append-only.
- `ProgressRedaction`: a passage of a public update's text that the public sees as
  "[redacted: reason]", stored as the response's redactions are (`responses.models.
  RedactedPassage`). The update itself is never changed; the staff read it whole.
- `ClosureProposal`: someone says the work is complete; someone else in the office approves
  or refuses it, with a reason. The database itself refuses a decision by the proposer.
- `PublicProposal`: a force contributor's update that would change what the public sees waits
  for an office member to approve it, publish it in the office's words, or decline it
  (`tracking.publicity` is the rule). The decision is recorded once, with its history; the
  force's update itself is never changed.
- `PanelPack`: a Police and Crime Panel pack frozen at a chosen date: the JSON it was built
  from and the PDF bytes, each with its SHA-256. Never recomputed; append-only. A pack made
  before packs held only what the public reads (`PanelPack.may_hold_internal_text`) is marked
  wherever it is offered.

Append-only is enforced at every layer: the services have no edit or delete; here `save()` of
an existing row and `delete()` raise `AppendOnlyError`, as do `QuerySet.update()` and
`.delete()`; the admin has no change or delete permission; the views have no such URLs.
"""

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from accounts.models import PolicingBody
from core.dates import long_date
from inspections.models import Finding
from responses import redaction
from responses.models import RedactedPassage

from .publicity import Decision
from .rag import ACTIVE_STATUSES, Status


class AppendOnlyError(Exception):
    """Something tried to change or delete a row that may only ever be added."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(
            _("%(verbose_name_plural)s cannot be changed.")
            % {"verbose_name_plural": self.model._meta.verbose_name_plural}
        )

    def delete(self):
        raise AppendOnlyError(
            _("%(verbose_name_plural)s cannot be deleted.")
            % {"verbose_name_plural": self.model._meta.verbose_name_plural}
        )

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(
            _("%(verbose_name_plural)s cannot be changed.")
            % {"verbose_name_plural": self.model._meta.verbose_name_plural}
        )


class AppendOnlyModel(models.Model):
    """A row that is written once. A correction is a new row, never an edit."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(
                _(
                    "This %(verbose_name)s has been recorded and cannot be changed: record a new one that corrects it."
                )
                % {"verbose_name": self._meta.verbose_name}
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(
            _("A %(verbose_name)s can never be deleted.")
            % {"verbose_name": self._meta.verbose_name}
        )


class TrackerItemQuerySet(models.QuerySet):
    def for_body(self, body):
        return self.filter(policing_body=body)

    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)


class TrackerItem(models.Model):
    """A recommendation or AFI one office follows to completion."""

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="tracker_items")
    # The finding's report, copied when the item is made (a finding never moves to another
    # report): the list's default order, reports newest first, finds an office's reports and
    # counts their items from the items alone, without looking up every item's finding
    # (`selectors.ReportOrderKeys`; docs/decisions/0014).
    report = models.ForeignKey(
        "inspections.Report", on_delete=models.PROTECT, related_name="+", editable=False
    )
    policing_body = models.ForeignKey(
        PolicingBody, on_delete=models.PROTECT, related_name="tracker_items"
    )
    office_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tracker_items_led_for_office",
    )
    force_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tracker_items_led_for_force",
    )
    # Set only by the services, from the latest status change (a progress update).
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    target_date = models.DateField(
        null=True,
        blank=True,
        help_text=gettext_lazy("From the recommendation's timescale unless changed."),
    )
    area = models.CharField(
        max_length=200,
        blank=True,
        help_text=gettext_lazy('The area of policing, e.g. "Crime data integrity".'),
    )
    themes = models.ManyToManyField("inspections.Theme", blank=True, related_name="tracker_items")
    plan_priorities = models.ManyToManyField(
        "accounts.PlanPriority", blank=True, related_name="tracker_items"
    )
    # Linked recommendations (inspections.models.FindingLink) are tracked once: this item's
    # progress is the progress of the item it is tracked with, shown on both responses.
    tracked_with = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="also_tracks",
        help_text=gettext_lazy(
            "The office's item for a linked recommendation whose progress this one shares."
        ),
    )
    tracked_on = models.DateField(help_text=gettext_lazy("The day tracking started."))
    # The latest date of any of its progress updates (None until the first).
    last_update_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["report"])
    objects = TrackerItemQuerySet.as_manager()

    class Meta:
        ordering = ["finding__report__published_on", "finding__position", "id"]
        indexes = [
            # An office's (tracked, not linked) items by report: the tracker list's counts per
            # report read this index alone.
            models.Index(
                fields=["policing_body", "report"],
                name="tracker_item_body_report",
                condition=Q(tracked_with__isnull=True),
            ),
            # ... by status and target date: a filtered list's count (the status, overdue and
            # RAG filters) reads this index alone, its page of ids only the rows it finds.
            # (No INCLUDE of the id: SQLite has none, and it saved 0.2 ms.)
            models.Index(
                fields=["policing_body", "status", "target_date"],
                name="tracker_item_body_status",
                condition=Q(tracked_with__isnull=True),
            ),
            # ... their areas and leads: the filters' choices (`TrackerFilter`) read this index
            # alone.
            models.Index(
                fields=["policing_body", "area", "office_lead", "force_lead"],
                name="tracker_item_body_choices",
                condition=Q(tracked_with__isnull=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["finding", "policing_body"], name="one_tracker_item_per_finding_and_body"
            ),
            models.CheckConstraint(
                name="tracker_item_not_tracked_with_itself",
                condition=Q(tracked_with__isnull=True) | ~Q(tracked_with=F("id")),
            ),
        ]

    def __str__(self):
        return f"{self.label}: {self.finding.report.title}"

    @property
    def label(self) -> str:
        finding = self.finding
        if finding.reference:
            return finding.reference
        return finding.get_kind_display()

    @property
    def is_recommendation(self) -> bool:
        return self.finding.kind == Finding.Kind.RECOMMENDATION


class ProgressUpdate(AppendOnlyModel):
    """A dated progress update: what was done, by whom, and any change of status."""

    class Kind(models.TextChoices):
        UPDATE = "update", gettext_lazy("Progress update")
        CLOSURE_PROPOSED = "closure_proposed", gettext_lazy("Closure proposed")
        CLOSURE_APPROVED = "closure_approved", gettext_lazy("Closure approved")
        CLOSURE_REFUSED = "closure_refused", gettext_lazy("Closure refused")
        BULK_CHANGE = "bulk_change", gettext_lazy("Status changed for several items")

    item = models.ForeignKey(TrackerItem, on_delete=models.PROTECT, related_name="updates")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.UPDATE)
    date = models.DateField(
        help_text=gettext_lazy("The date the update describes (not after the day it was added).")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_updates"
    )
    text = models.TextField()
    status_from = models.CharField(max_length=20, choices=Status.choices, blank=True)
    status_to = models.CharField(
        max_length=20,
        choices=Status.choices,
        blank=True,
        help_text=gettext_lazy("Blank: no status change."),
    )
    is_public = models.BooleanField(
        gettext_lazy("show on the public response page"),
        default=False,
        help_text=gettext_lazy(
            "Public updates appear under the recommendation on the published response."
        ),
    )
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        help_text=gettext_lazy("The earlier update this one corrects."),
    )
    # Who wrote it, as they were when they wrote it: the force's updates are proposals for the
    # public page, and the force may correct only its own (tracking.services).
    by_force = models.BooleanField(
        gettext_lazy("written by the force"),
        default=False,
        editable=False,
        help_text=gettext_lazy("Written by a force contributor (not the office's staff)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "date", "created_at", "id"]
        # An item's latest update is read by (date, created_at, id), newest first (the
        # tracker's exports, a status change's check): with the id in the index, the first
        # entry is the answer, without sorting an item's updates of the same moment.
        indexes = [models.Index(fields=["item", "-date", "-created_at", "-id"])]
        constraints = [
            models.CheckConstraint(
                name="status_change_names_both_statuses",
                condition=Q(status_to="") | ~Q(status_from=""),
            ),
        ]

    def __str__(self):
        return f"Update of {long_date(self.date)} on {self.item_id}"

    @property
    def changes_status(self) -> bool:
        return bool(self.status_to)


class ProgressRedaction(RedactedPassage):
    """A passage of a progress update's text that every public output shows as "[redacted:
    reason]" (`tracking.selectors.public_progress_for_response` applies it, with the rule of
    responses/redaction.py; docs/decisions/0011-redaction-storage.md). Marked and removed by
    the office's staff (`tracking.services.progress_redaction_add`/`_remove`), in its history;
    the update stays as it was written, and the staff pages show it whole with its marks."""

    #: `redaction.Marked.field` of an update's text (an update has one text).
    FIELD = "text"

    update = models.ForeignKey(ProgressUpdate, on_delete=models.PROTECT, related_name="redactions")

    history = HistoricalRecords()

    class Meta:
        ordering = ["update", "id"]
        verbose_name = gettext_lazy("redaction of a progress update")
        constraints = [
            models.CheckConstraint(
                name="other_progress_redaction_reason_has_text",
                condition=~Q(reason="other") | ~Q(other_reason=""),
            ),
            models.CheckConstraint(name="progress_redaction_has_passage", condition=~Q(passage="")),
        ]

    def __str__(self):
        return f"Redaction ({self.reason_label}) of update {self.update_id}"

    def marked(self) -> redaction.Marked:
        # An update's text is written in English: the marker is too, whatever page shows it.
        return redaction.Marked(
            self.FIELD, self.passage, self.marker, self.reason, self.other_reason
        )


def evidence_upload_to(instance, filename: str) -> str:
    """A random name without the uploader's extension: the original name is kept in the row
    and given back on download, and the stored file can never be guessed or run."""
    return f"evidence/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}"


class EvidenceFile(AppendOnlyModel):
    """A file attached to a progress update. See tracking/evidence.py for the checks."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to=evidence_upload_to, max_length=300)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(help_text=gettext_lazy("Bytes."))
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["update", "id"]
        verbose_name = gettext_lazy("evidence file")

    def __str__(self):
        return self.original_name


class ClosureProposal(models.Model):
    """A proposal that an item is complete, and the office's decision on it.

    The decision is recorded once (the service refuses a second), by someone other than the
    proposer: the check constraint makes the database refuse it too."""

    class Decision(models.TextChoices):
        PENDING = "pending", gettext_lazy("Waiting for a decision")
        APPROVED = "approved", gettext_lazy("Approved")
        REFUSED = "refused", gettext_lazy("Refused")

    item = models.ForeignKey(
        TrackerItem, on_delete=models.PROTECT, related_name="closure_proposals"
    )
    update = models.OneToOneField(
        ProgressUpdate,
        on_delete=models.PROTECT,
        related_name="closure_proposal",
        help_text=gettext_lazy("The update that proposed closure (its text and evidence)."),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    status_before = models.CharField(
        max_length=20,
        choices=Status.choices,
        help_text=gettext_lazy("Restored if closure is refused."),
    )
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    decision_update = models.OneToOneField(
        ProgressUpdate,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="closure_decision",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "proposed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(decision="pending"),
                name="one_pending_closure_per_item",
            ),
            models.CheckConstraint(
                name="closure_not_decided_by_proposer",
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("proposed_by")),
            ),
            models.CheckConstraint(
                name="closure_decision_has_decider",
                condition=Q(decision="pending", decided_by__isnull=True)
                | (~Q(decision="pending") & Q(decided_by__isnull=False)),
            ),
        ]

    def __str__(self):
        return f"Closure of {self.item} ({self.get_decision_display().lower()})"

    @property
    def is_pending(self) -> bool:
        return self.decision == self.Decision.PENDING


class PublicProposal(models.Model):
    """A force contributor's update that would change the public page, and the office's
    decision on it (`tracking.publicity` says what each decision publishes).

    Written by `tracking.services` when the force adds such an update; decided once by an office
    member (`public_proposal_decide`, or `closure_decide` for a closure proposal). "Edited" keeps
    the force's update as it was and points at the office's own update that is published in its
    place."""

    Decision = Decision

    item = models.ForeignKey(TrackerItem, on_delete=models.PROTECT, related_name="public_proposals")
    update = models.OneToOneField(
        ProgressUpdate,
        on_delete=models.PROTECT,
        related_name="public_proposal",
        help_text=gettext_lazy("The force's update (its text, status change or correction)."),
    )
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    replacement = models.OneToOneField(
        ProgressUpdate,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces_proposal",
        help_text=gettext_lazy(
            "The office's update published instead of the force's text (when edited)."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="public_proposal_decision_has_decider",
                condition=Q(decision="pending", decided_by__isnull=True)
                | (~Q(decision="pending") & Q(decided_by__isnull=False)),
            ),
            models.CheckConstraint(
                name="public_proposal_replacement_only_when_edited",
                condition=Q(decision="edited", replacement__isnull=False)
                | (~Q(decision="edited") & Q(replacement__isnull=True)),
            ),
        ]

    def __str__(self):
        return f"Public proposal on {self.item} ({self.get_decision_display().lower()})"

    @property
    def is_pending(self) -> bool:
        return self.decision == Decision.PENDING


#: The first panel pack format that holds only what the public reads (`tracking.packs.
#: FORMAT_VERSION`). A pack of an earlier format showed each item's latest update whole, public
#: or not, so it may hold internal updates and redacted passages.
PUBLIC_ONLY_PACK_FORMAT = 2


class PanelPack(AppendOnlyModel):
    """A Police and Crime Panel pack: each open item's status and latest public update (as the
    public reads it: tracking/packs.py) as at a chosen date, and what changed since the previous
    pack. Stored once, never recomputed."""

    policing_body = models.ForeignKey(
        PolicingBody, on_delete=models.PROTECT, related_name="panel_packs"
    )
    title = models.CharField(max_length=200)
    as_at = models.DateField("as at", help_text=gettext_lazy("The date the pack describes."))
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    data = models.JSONField(encoder=DjangoJSONEncoder, editable=False)
    data_sha256 = models.CharField(max_length=64, editable=False)
    pdf = models.BinaryField(editable=False)
    pdf_sha256 = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["policing_body", "-as_at", "-created_at", "-id"]
        verbose_name = gettext_lazy("panel pack")

    def __str__(self):
        return f"{self.title} (as at {long_date(self.as_at)})"

    @property
    def format_version(self) -> int:
        """The pack format it was made in (`tracking.packs.FORMAT_VERSION` then; packs made
        before the format was recorded are format 1). Read from the `stored_format`
        annotation (`selectors.packs_for_office`) when the data is not loaded."""
        if "stored_format" in self.__dict__:
            return self.stored_format or 1
        return self.data.get("format", 1)

    @property
    def may_hold_internal_text(self) -> bool:
        """Made before packs held only what the public reads: not fit to publish as it is."""
        return self.format_version < PUBLIC_ONLY_PACK_FORMAT

"""Section 55 responses: one per (report, local policing body).

Police Act 1996 s55 (as amended by the Policing and Crime Act 2017 s37): the body invites the chief
officer's comments (s55(4)), prepares its own comments with an explanation for every
recommendation (s55(5), (5B)), publishes within 56 days (s55(5A)) and sends copies to HMICFRS and
the Home Secretary (s55(6)). The status only changes through the services in
`responses/services.py`, guarded by the transition table in `responses/workflow.py`.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from accounts.models import PolicingBody
from core.i18n import content_lang_attribute
from inspections.models import Finding, Report

from . import deadlines, redaction


class Status(models.TextChoices):
    NOT_STARTED = "not_started", gettext_lazy("Not started")
    AWAITING_FORCE = "awaiting_force", gettext_lazy("Awaiting force comments")
    DRAFTING = "drafting", gettext_lazy("Drafting")
    AWAITING_APPROVAL = "awaiting_approval", gettext_lazy("Awaiting approval")
    APPROVED = "approved", gettext_lazy("Approved")
    PUBLISHED = "published", gettext_lazy("Published")
    NOT_REQUIRED = "not_required", gettext_lazy("Not required")
    #: The latest published version was withdrawn from the public site (`response_withdraw`);
    #: the statutory record of the publication stays, and an amendment can replace it.
    WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn")

    @property
    def colour(self) -> str:
        """The GOV.UK tag colour for the status; a tag's text always names the status too."""
        return {
            "not_started": "grey",
            "awaiting_force": "yellow",
            "drafting": "light-blue",
            "awaiting_approval": "purple",
            "approved": "turquoise",
            "published": "green",
            "not_required": "grey",
            "withdrawn": "red",
        }[self.value]


OPEN_STATUSES = (
    Status.NOT_STARTED,
    Status.AWAITING_FORCE,
    Status.DRAFTING,
    Status.AWAITING_APPROVAL,
    Status.APPROVED,
)


class ResponseQuerySet(models.QuerySet):
    def for_body(self, body):
        return self.filter(policing_body=body)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def published(self):
        """Responses the public can read: at least one version has been published (an
        amendment in progress leaves the earlier version public)."""
        return self.filter(
            models.Exists(ResponseVersion.objects.filter(response=models.OuterRef("pk")))
        )

    def overdue(self, *, today):
        return self.open().filter(due_date__lt=today)

    def due_within(self, days: int, *, today):
        return self.open().filter(due_date__gte=today, due_date__lte=today + timedelta(days=days))


class Response(models.Model):
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="responses")
    policing_body = models.ForeignKey(
        PolicingBody, on_delete=models.PROTECT, related_name="responses"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)

    # s55(5A): computed by responses.deadlines when the response is created; changed only by the
    # service that corrects the report's publication date.
    due_date = models.DateField(null=True, blank=True)
    publish_by = models.DateField(null=True, blank=True)

    # s55(4): the invitation to the chief officer and the date the office chose.
    force_invited_on = models.DateField(null=True, blank=True)
    force_reply_by = models.DateField(null=True, blank=True)
    force_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=gettext_lazy(
            "The force contributor the invitation to comment goes to (else every one)."
        ),
    )

    # The chief officer's comments (optional in law: "any comments submitted").
    force_comments = models.TextField(blank=True)
    force_comments_received_on = models.DateField(null=True, blank=True)
    force_comments_author_name = models.CharField(max_length=200, blank=True)
    force_comments_author_role = models.CharField(max_length=200, blank=True)
    force_comments_none_submitted = models.BooleanField(default=False)
    force_comments_submitted_at = models.DateTimeField(null=True, blank=True)

    # s55(5)(a) and (c): the body's own comments and its response to the chief officer's.
    office_comments = models.TextField(blank=True)
    reply_to_force = models.TextField(blank=True)

    # Welsh versions of the texts the public reads, for a body that publishes bilingually
    # (`PolicingBody.publishes_bilingually`, Welsh Language Standards; responses/bilingual.py).
    # The unsuffixed fields are the English versions.
    office_comments_cy = models.TextField("the office's comments in Welsh", blank=True)
    reply_to_force_cy = models.TextField("reply to the force in Welsh", blank=True)
    force_comments_cy = models.TextField("the force's comments in Welsh", blank=True)
    not_required_reason_cy = models.TextField("why not required, in Welsh", blank=True)
    amendment_reason_cy = models.TextField("why amended, in Welsh", blank=True)
    #: {text key (responses.bilingual): why that text is published in one language only}.
    one_language_reasons = models.JSONField(default=dict, blank=True)

    submitted_for_approval_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_for_approval_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    signatory_name = models.CharField(max_length=200, blank=True)
    signatory_title = models.CharField(max_length=200, blank=True)

    # Publication. `published_on` is the first publication and never moves on amendment.
    published_on = models.DateField(null=True, blank=True)
    published_url = models.URLField(max_length=500, blank=True)
    late_reason = models.TextField(blank=True)
    not_required_reason = models.TextField(blank=True)
    amendment_reason = models.TextField(blank=True)
    imported = models.BooleanField(
        default=False,
        help_text=gettext_lazy("Published before the office used this product, then imported."),
    )

    # s55(6) copies are of what was published, so they belong to each ResponseVersion.

    internal_notes = models.TextField(
        blank=True, help_text=gettext_lazy("For the office only; never published.")
    )

    # Optimistic locking: every service that changes the row increments it.
    lock_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "policing_body"], name="one_response_per_report_and_body"
            ),
            models.CheckConstraint(
                name="not_required_has_reason",
                condition=~Q(status="not_required")
                | ~Q(not_required_reason="")
                | ~Q(not_required_reason_cy=""),
            ),
            models.CheckConstraint(
                name="published_has_date",
                condition=~Q(status="published") | Q(published_on__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.policing_body.short_name}: {self.report.title}"

    @property
    def published_late(self) -> bool:
        """Published after its due date (`deadlines.is_late`, the one rule)."""
        return deadlines.is_late(due=self.due_date, on=self.published_on)

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED


def keep_answered(collector, field, sub_objs, using):
    """`on_delete` of `Explanation.finding`: a finding a response has answered (an explanation
    or a force comment written, or an answer by reference) cannot be deleted, since the answer would go with it; an empty
    explanation goes with its finding. `inspections` removes findings without knowing this room:
    it reads each protecting row's `removal_refusal` from the ProtectedError."""
    answered = [e for e in sub_objs if e.text or e.force_comment or e.refers_to_id]
    if answered:
        raise models.ProtectedError("A response has answered this finding.", answered)
    models.CASCADE(collector, field, sub_objs, using)


class Explanation(models.Model):
    """The body's explanation for one recommendation (s55(5B)), or its response to an AFI."""

    class Kind(models.TextChoices):
        ACTION_TAKEN = "action_taken", gettext_lazy("Action taken")
        ACTION_PROPOSED = "action_proposed", gettext_lazy("Action proposed")
        NO_ACTION = "no_action", gettext_lazy("No action")

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="explanations")
    finding = models.ForeignKey(Finding, on_delete=keep_answered, related_name="explanations")
    kind = models.CharField(max_length=20, choices=Kind.choices, blank=True)
    text = models.TextField(blank=True)
    force_comment = models.TextField(blank=True)
    # "See our response to ...": the body's explanation of a linked recommendation
    # (inspections.models.FindingLink) that answers this one too. It satisfies s55(5B) only
    # once that explanation is published (`reference_problem`, checked at publication).
    refers_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referenced_by",
        help_text=gettext_lazy(
            "The body's explanation of a linked recommendation that answers this one."
        ),
    )
    # Welsh versions for a body that publishes bilingually (responses/bilingual.py).
    text_cy = models.TextField("explanation in Welsh", blank=True)
    force_comment_cy = models.TextField("the force's comment in Welsh", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["finding__position", "finding_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "finding"], name="one_explanation_per_finding"
            )
        ]

    def __str__(self):
        return _("Explanation for %(finding)s") % {"finding": self.finding}

    @property
    def removal_refusal(self) -> str:
        """Why its finding cannot be removed (see `keep_answered`)."""
        return (
            f"{self.finding.reference or 'A finding'} cannot be removed: "
            f"{self.response.policing_body.short_name}'s response has already answered it."
        )

    @property
    def is_complete(self) -> bool:
        """An explanation is written when it says what kind of action and why (in either
        language: whether both are needed is the bilingual guard's question), or when it
        answers by reference to the body's explanation of a linked recommendation (which must
        itself be published before this one can be: `reference_problem`)."""
        return bool(self.refers_to_id) or (
            bool(self.kind) and bool(self.text.strip() or self.text_cy.strip())
        )

    @property
    def answers_by_reference(self) -> bool:
        return bool(self.refers_to_id)

    @property
    def reference_label(self) -> str:
        """What an answer by reference points at, in words, in the active language: "R1 of
        Vetting, misconduct and misogyny in the police service" ("R1 o ..." in Welsh; the
        report's title is HMICFRS's English)."""
        return _("%(label)s of %(title)s") % {
            "label": self._reference,
            "title": self.refers_to.response.report.title,
        }

    @property
    def reference_label_html(self) -> str:
        """The same for a page, the report's title marked `lang="en-GB"` on a page in another
        language."""
        words = escape(_("%(label)s of %(title)s"))
        title, lang = self.refers_to.response.report.title, content_lang_attribute()
        title = format_html("<span{}>{}</span>", lang, title) if lang else escape(title)
        return mark_safe(words % {"label": escape(self._reference), "title": title})  # noqa: S308

    @property
    def _reference(self) -> str:
        return self.refers_to.finding.reference or _("the linked recommendation")

    @property
    def reference_sentence(self) -> str:
        """The published words of an answer by reference (what the public copy, the CSV and the
        API carry as the explanation), in English."""
        return self.reference_sentence_in("en")

    def reference_sentence_in(self, language: str) -> str:
        """The same in `language` ("en" or "cy"): a bilingual body's Welsh explanation of an
        answer by reference is this sentence in Welsh. The label (the report's reference and
        title) is HMICFRS's English."""
        with translation.override("cy" if language == "cy" else "en-gb"):
            return _("See our response to %(label)s.") % {"label": self.reference_label}

    def reference_problem(self) -> str:
        """Why an answer by reference does not (yet) satisfy s55(5B), or "" when it does: the
        explanation it refers to must be published (its response's latest version is published
        and not withdrawn) and itself complete. The one rule, used by `responses.services.publication_problems`."""
        if not self.refers_to_id:
            return ""
        target = self.refers_to
        name = self.finding.reference or _("A recommendation")
        where = self.reference_label
        if not (target.kind and target.text.strip()):
            return _(
                "%(name)s answers by reference to the explanation of %(where)s, which has no "
                "explanation of its own yet (s55(5B))."
            ) % {"name": name, "where": where}
        latest = target.response.versions.order_by("-number").only("withdrawn_at").first()
        if latest is None:
            return _(
                "%(name)s answers by reference to the explanation of %(where)s, which is not "
                "published yet: publish that response first, or write this explanation in full "
                "(s55(5B))."
            ) % {"name": name, "where": where}
        if latest.is_withdrawn:
            return _(
                "%(name)s answers by reference to the explanation of %(where)s, whose published "
                "version was withdrawn: publish its corrected version first, or write this "
                "explanation in full (s55(5B))."
            ) % {"name": name, "where": where}
        return ""


class ResponseVersionQuerySet(models.QuerySet):
    def in_force(self):
        """The version of each response that is in force: its latest published version, unless
        that one is withdrawn, and then none until a corrected version is published. An earlier
        version is never in force again: an amendment replaced it, and it is not shown as the
        response (docs/decisions/0016-withdrawing-any-version.md). The one rule: the copies
        owed and reminded about (s55(6)) are those of this version. At most one per response;
        `.filter(response=OuterRef("pk"))` makes it a subquery of a response."""
        later = ResponseVersion.objects.filter(
            response=models.OuterRef("response"), number__gt=models.OuterRef("number")
        )
        return self.filter(withdrawn_at__isnull=True).exclude(models.Exists(later))


class ResponseVersion(models.Model):
    """One published version of a response, frozen: what the public saw, and when.

    Version 1 is the original publication; each amendment publishes a new version with a reason.
    The PDF bytes and the HTML snapshot are stored with their SHA-256 and never recomputed.
    """

    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    published_on = models.DateField()
    reason = models.TextField(
        blank=True, help_text=gettext_lazy("Why this version amends the previous one.")
    )
    reason_cy = models.TextField(blank=True, help_text=gettext_lazy("The same, in Welsh."))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # s55(6): copies of *this* version to HMICFRS and the Home Secretary, and the practice
    # copies to the scrutiny body and the chief officer. An amendment is a new version, whose
    # copies are sent (and reminded about) again. Recorded by `response_record_copies`.
    copy_hmicfrs_on = models.DateField(gettext_lazy("copy sent to HMICFRS"), null=True, blank=True)
    copy_home_secretary_on = models.DateField(
        gettext_lazy("copy sent to the Home Secretary"), null=True, blank=True
    )
    copy_panel_on = models.DateField(
        gettext_lazy("copy sent to the Police and Crime Panel"), null=True, blank=True
    )
    copy_chief_officer_on = models.DateField(
        gettext_lazy("copy sent to the chief officer"), null=True, blank=True
    )
    # Withdrawal (`responses.services.response_withdraw`): the version's page and PDF are no
    # longer served; a public note says what was withdrawn, why and when. The frozen bytes stay
    # for the office's record. The publication itself (its date) stays on the statutory record.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(
        blank=True, help_text=gettext_lazy("Published: why the version was withdrawn.")
    )
    # The same in Welsh, for a body that publishes bilingually (responses/bilingual.py).
    withdrawal_reason_cy = models.TextField(
        blank=True, help_text=gettext_lazy("The same, in Welsh.")
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The redactions in force when this version was published, frozen ({"field", "passage",
    # "marker"}, responses/redaction.py): its document, PDF and public copy are built with them.
    redactions = models.JSONField(default=list, blank=True, editable=False)
    html_snapshot = models.TextField(blank=True)
    html_sha256 = models.CharField(max_length=64, blank=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    # The Welsh document of a body that publishes bilingually (docs/decisions/0012), frozen
    # the same way; empty for a body that publishes in English only.
    html_snapshot_cy = models.TextField(blank=True)
    html_cy_sha256 = models.CharField(max_length=64, blank=True)
    pdf_cy = models.BinaryField(null=True, blank=True, editable=False)
    pdf_cy_sha256 = models.CharField(max_length=64, blank=True)

    objects = ResponseVersionQuerySet.as_manager()

    class Meta:
        ordering = ["response", "number"]
        constraints = [
            models.UniqueConstraint(fields=["response", "number"], name="one_version_number"),
            models.CheckConstraint(
                name="withdrawal_has_reason",
                condition=Q(withdrawn_at__isnull=True)
                | ~Q(withdrawal_reason="")
                | ~Q(withdrawal_reason_cy=""),
            ),
        ]

    def __str__(self):
        return f"{self.response} (version {self.number})"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def statutory_copies_sent(self) -> bool:
        """s55(6): both copies the statute requires (HMICFRS, the Home Secretary) recorded."""
        return bool(self.copy_hmicfrs_on and self.copy_home_secretary_on)


class RedactedPassage(models.Model):
    """A passage of a text to be published, shown to the public as "[redacted: reason]"
    (responses/redaction.py; docs/decisions/0011-redaction-storage.md): the passage as it is
    written, and the reason category. The one storage of a redaction, for the response's texts
    (`Redaction`) and the tracker's public progress updates (`tracking.models.ProgressRedaction`)."""

    class Reason(models.TextChoices):
        PERSONAL_DATA = "personal_data", gettext_lazy("personal data")
        OPERATIONALLY_SENSITIVE = "operationally_sensitive", gettext_lazy("operationally sensitive")
        LEGAL_ADVICE = "legal_advice", gettext_lazy("legal advice")
        OTHER = "other", gettext_lazy("other")

    passage = models.TextField()
    reason = models.CharField(max_length=30, choices=Reason.choices)
    other_reason = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def reason_label(self) -> str:
        return self.other_reason if self.reason == self.Reason.OTHER else self.get_reason_display()

    @property
    def marker(self) -> str:
        return redaction.marker(self.reason_label)

    @property
    def shown_marker_html(self) -> str:
        """For the staff pages: the marker as the public reads it, in the language of the text
        it stands in, marked with that language on a page in the other. The words of an
        "other" reason are the office's, written in that text's language: a bilingual body
        redacts each language's text, so each has its own words (responses/redaction.py)."""
        mark = self.marked()
        language = redaction.language_of(mark.field)
        if (language == "cy") == (translation.get_language() == "cy"):
            return escape(mark.shown_marker)
        tag = "cy" if language == "cy" else "en-GB"
        return format_html('<span lang="{}">{}</span>', tag, mark.shown_marker)


class Redaction(RedactedPassage):
    """A passage of one of the response's texts (`field`) redacted in what the public sees. The
    staff pages and the history keep the text whole."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="redactions")
    #: Which text: a key of `redaction.RESPONSE_FIELDS`, or "explanation:<finding id>",
    #: "force_comment:<finding id>".
    field = models.CharField(max_length=40)

    history = HistoricalRecords()

    class Meta:
        ordering = ["response", "field", "id"]
        constraints = [
            models.CheckConstraint(
                name="other_redaction_reason_has_text",
                condition=~Q(reason="other") | ~Q(other_reason=""),
            ),
            models.CheckConstraint(name="redaction_has_passage", condition=~Q(passage="")),
        ]

    def __str__(self):
        return f"Redaction ({self.reason_label}) in {self.field} of {self.response}"

    def marked(self) -> redaction.Marked:
        return redaction.Marked(
            self.field, self.passage, self.marker, self.reason, self.other_reason
        )


class ScheduledPublication(models.Model):
    """An approved response to be published at a date and time (Europe/London), by the beat's
    sweep (`responses.services.scheduled_publications_run`), exactly once.

    READY -> RUNNING (claimed by one sweep, with its token) -> DONE (published, in the same
    transaction as the publication), or FAILED (a guard refused it at that time: the office
    sees why), or CANCELLED. A sweep that dies after claiming leaves the row RUNNING and
    nothing published (the publication and DONE commit together); after `STUCK_AFTER` another
    sweep claims it again. At most one READY or RUNNING row per response."""

    class State(models.TextChoices):
        READY = "ready", gettext_lazy("Scheduled")
        RUNNING = "running", gettext_lazy("Publishing")
        DONE = "done", gettext_lazy("Published")
        FAILED = "failed", gettext_lazy("Not published")
        CANCELLED = "cancelled", gettext_lazy("Cancelled")

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="scheduled_publications"
    )
    publish_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.READY)
    url = models.URLField(max_length=500, blank=True)
    late_reason = models.TextField(blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    claim = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    version = models.ForeignKey(
        ResponseVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["publish_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["response"],
                condition=Q(state__in=["ready", "running"]),
                name="one_pending_schedule_per_response",
            )
        ]
        indexes = [models.Index(fields=["state", "publish_at"], name="schedule_due")]

    def __str__(self):
        return f"{self.response} at {self.publish_at:%Y-%m-%d %H:%M} ({self.state})"

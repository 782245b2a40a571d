"""What the public sees: a frozen, denormalised copy of each response's latest published version.

The staff tables hold drafts, amendments in progress, internal notes and history next to what was
published, so the public site never reads them for a response's content. Instead, when a version
is published (the event `response.published`, config/events.py), `public.services.published_response_refresh`
copies that version's content, as it stood when it was published (`responses.pdf`
`document_for_version`, from django-simple-history), into `PublishedResponse` and its
`PublishedItem` rows, with the text the full-text search reads. Pages, feeds, the API, search and
statistics read these tables only, so an amendment in progress can never leak.
"""

import uuid

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import PolicingBody
from core.i18n import TextForPage, text_for_page
from inspections.inspectorate import InspectorateName, inspectorate_on
from inspections.models import Finding, Report, ReportType
from responses.bilingual import withdrawal_note
from responses.models import Explanation, Response, ResponseVersion
from tracking.rag import Status as TrackerStatus

#: The tracker's statuses as the public register shows them ("" is "not tracked").
PUBLIC_STATUS_CHOICES = TrackerStatus.choices


class PublishedResponseQuerySet(models.QuerySet):
    def for_list(self):
        """What a list row shows, in one query."""
        return self.select_related("policing_body__force").defer(
            "office_comments",
            "force_comments",
            "reply_to_force",
            "recommendations_text",
            "response_text",
            "office_comments_cy",
            "force_comments_cy",
            "reply_to_force_cy",
            "response_text_cy",
            "search_vector",
        )

    def on_time(self):
        return self.filter(days_late=0)

    def late(self):
        return self.filter(days_late__gt=0)


class PublishedResponse(models.Model):
    """One published response (Police Act 1996 s55(5)) as its latest version published it.

    `first_published_on` is the first publication (the date the 56-day rule is judged on, kept
    on amendment); `latest_published_on` the latest version's. `days_late` is None when the
    report predates the 56-day rule (s55(5A), in force 2 May 2017), 0 when published on time.
    """

    response = models.OneToOneField(
        Response, on_delete=models.CASCADE, related_name="public_record"
    )
    version = models.OneToOneField(
        ResponseVersion, on_delete=models.PROTECT, related_name="public_record"
    )
    policing_body = models.ForeignKey(PolicingBody, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="public_records")
    version_number = models.PositiveIntegerField()

    report_title = models.CharField(max_length=300)
    report_published_on = models.DateField()
    report_type = models.CharField(max_length=30, choices=ReportType.choices)
    report_url = models.URLField(max_length=500, blank=True)

    due_date = models.DateField(null=True, blank=True)
    first_published_on = models.DateField()
    latest_published_on = models.DateField()
    days_late = models.PositiveIntegerField(null=True, blank=True)

    office_comments = models.TextField(blank=True)
    force_comments = models.TextField(blank=True)
    force_comments_none_submitted = models.BooleanField(default=False)
    force_comments_author = models.CharField(max_length=420, blank=True)
    reply_to_force = models.TextField(blank=True)
    signatory_name = models.CharField(max_length=200, blank=True)
    signatory_title = models.CharField(max_length=200, blank=True)

    summary = models.TextField(blank=True, help_text="Plain text: the opening of the comments.")
    recommendations_text = models.TextField(blank=True)
    response_text = models.TextField(blank=True)

    # A body that publishes bilingually (Welsh Language Standards): the version was published
    # in Welsh and English (docs/decisions/0012), and these are its Welsh texts. False and
    # empty for a body that publishes in English only.
    bilingual = models.BooleanField(default=False)
    office_comments_cy = models.TextField(blank=True)
    force_comments_cy = models.TextField(blank=True)
    reply_to_force_cy = models.TextField(blank=True)
    summary_cy = models.TextField(blank=True)
    response_text_cy = models.TextField(blank=True)
    # PostgreSQL only (filled by the refresh service there; NULL on SQLite, which searches
    # the text columns instead). The GIN index is created by migration 0002 on PostgreSQL.
    search_vector = SearchVectorField(null=True, editable=False)

    # Corrections of the report's shared facts made since (responses.corrections), each
    # {"on": ISO date, "text": what changed}: the page, feeds, API and CSV say so publicly.
    # The report's date, type, due date and on-time verdict above already follow them.
    corrections = models.JSONField(default=list, blank=True)
    corrections_noted = models.PositiveIntegerField(
        default=0, help_text="How many corrections of the report this copy has taken in."
    )

    # Withdrawn versions (responses.services.response_withdraw), each {"version": number,
    # "published_on": ISO date, "on": ISO date withdrawn, "reason": why}: the public notes.
    # `withdrawn_on` is set while the latest version is withdrawn: the page, its PDF and the API then answer 410 with the note, and this copy
    # holds none of the withdrawn text (only the statutory record: the dates and the verdict).
    withdrawals = models.JSONField(default=list, blank=True)
    withdrawals_noted = models.PositiveIntegerField(
        default=0, help_text="How many withdrawn versions this copy has taken in."
    )
    withdrawn_on = models.DateField(null=True, blank=True)

    refreshed_at = models.DateTimeField(db_index=True)
    # When what the page reads live beside the published text last changed: the office's
    # tracker (an item's status, its public updates) or the s55(6) copies recorded. Part of the
    # page's cache key, ETag and Last-Modified. Set by `public.services.public_progress_changed`
    # and `refresh_after_copies`.
    progress_changed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The proxy's cached copies of the pages this response changes (deploy/nginx/): when they
    # were last all refreshed (public.tasks.proxy_refresh), and what went wrong the last time
    # a refresh failed ("" once one succeeds). Older than refreshed_at or progress_changed_at
    # means a refresh is still owed; a worker catches up when it starts.
    proxy_refreshed_at = models.DateTimeField(null=True, blank=True)
    proxy_refresh_error = models.TextField(blank=True)

    objects = PublishedResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-first_published_on", "-id"]
        indexes = [
            models.Index(fields=["-first_published_on", "-id"], name="public_pr_newest"),
            models.Index(fields=["policing_body", "-first_published_on"], name="public_pr_body"),
            models.Index(fields=["report_published_on"], name="public_pr_report_date"),
        ]

    def __str__(self):
        return (
            f"{self.policing_body.short_name}: {self.report_title} (version {self.version_number})"
        )

    @property
    def is_on_time(self) -> bool | None:
        return None if self.days_late is None else self.days_late == 0

    def summary_in(self, language: str) -> str:
        """The summary for a page or feed in `language` (a Django code): the Welsh one where the
        response was published in Welsh."""
        if language == "cy" and self.bilingual and self.summary_cy:
            return self.summary_cy
        return self.summary

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_on is not None

    @property
    def withdrawal_notes(self) -> list[dict]:
        """The public note of each withdrawn version, oldest first, its dates as dates and its
        reason in the page's language where the office gave it so (each page writes them in
        its own language: `responses.bilingual.withdrawal_note`)."""
        return [withdrawal_note(note) for note in self.withdrawals]

    @property
    def withdrawal(self) -> dict | None:
        """The public note of the withdrawn latest version, or None."""
        notes = self.withdrawal_notes
        return notes[-1] if self.is_withdrawn and notes else None

    @property
    def inspectorate(self) -> InspectorateName:
        """The report's publisher by the name it had that day (HMIC before 19 July 2017)."""
        return inspectorate_on(self.report_published_on)


class PublishedItem(models.Model):
    """A recommendation or area for improvement as published in a response, with the body's
    explanation (s55(5B)) and any comment of the chief officer beside it."""

    class Kind(models.TextChoices):
        RECOMMENDATION = Finding.Kind.RECOMMENDATION.value, gettext_lazy("Recommendation")
        AREA_FOR_IMPROVEMENT = (
            Finding.Kind.AREA_FOR_IMPROVEMENT.value,
            gettext_lazy("Area for improvement"),
        )

    record = models.ForeignKey(PublishedResponse, on_delete=models.CASCADE, related_name="items")
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.SET_NULL, related_name="published_items"
    )
    # The record's response, body, report and its title, address, date and type, copied so
    # that the recommendation register (public.register) filters, sorts, counts and lists on
    # this one table, without a join (bench/register_bench.py).
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="+")
    policing_body = models.ForeignKey(PolicingBody, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="+")
    report_title = models.CharField(max_length=300)
    report_url = models.URLField(max_length=500, blank=True)
    report_published_on = models.DateField()
    report_type = models.CharField(max_length=30, choices=ReportType.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    position = models.PositiveIntegerField(help_text="Order in the published document.")
    number = models.PositiveIntegerField(help_text="Recommendation 1, 2, ... or AFI 1, 2, ...")
    reference = models.CharField(max_length=30, blank=True)
    text = models.TextField()
    addressees = models.JSONField(default=list, blank=True)
    timescale_text = models.CharField(max_length=200, blank=True)
    timescale_kind = models.CharField(
        max_length=20, choices=Finding.TimescaleKind.choices, default=Finding.TimescaleKind.NONE
    )
    target_date = models.DateField(
        null=True, blank=True, help_text="From the timescale as published (inspections.timescales)."
    )
    explanation_kind = models.CharField(max_length=20, choices=Explanation.Kind.choices, blank=True)
    explanation = models.TextField(blank=True)
    force_comment = models.TextField(blank=True)
    explanation_cy = models.TextField(blank=True)
    force_comment_cy = models.TextField(blank=True)

    # What the office has made public of its progress since (tracking.publicity): the public
    # status ("" while the office does not track the item) and the date of the latest public
    # update. Copied by `public.services.published_progress_copy` whenever the tracker changes
    # what the public sees (the event `tracker.public_progress_changed`) and at every refresh,
    # so that a status the office has not published (a force's proposal waiting for it) never
    # reaches this table.
    public_status = models.CharField(max_length=20, choices=PUBLIC_STATUS_CHOICES, blank=True)
    last_public_update_on = models.DateField(null=True, blank=True)
    # PostgreSQL only, like PublishedResponse.search_vector (GIN index by migration 0007).
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["record", "position"]
        indexes = [
            models.Index(fields=["finding"], name="public_item_finding"),
            models.Index(
                # With the id, so a page's ids are read from the index alone.
                fields=["-report_published_on", "record", "position", "id"],
                name="public_item_newest",
            ),
            models.Index(
                # In the register's order, with the id: one body's rows (its page, its CSV)
                # come from the index in order, never sorted (bench/register_bench.py).
                fields=["policing_body", "-report_published_on", "record", "position", "id"],
                name="public_item_body_newest",
            ),
            models.Index(fields=["report", "finding"], name="public_item_report"),
            models.Index(fields=["public_status", "target_date"], name="public_item_status"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number} of {self.record}"

    @property
    def explanation_for_page(self) -> TextForPage:
        """The explanation as a page in the active language shows it: the Welsh one on a
        Welsh page where the body published it in Welsh, else the English, marked with its
        `lang` (core.i18n.text_for_page)."""
        return text_for_page(self.explanation, self.explanation_cy)


# --- Email subscriptions ---------------------------------------------------------------------


class SubscriptionLanguage(models.TextChoices):
    """The language of a subscriber's emails: the language of the page they signed up on."""

    ENGLISH = "en-gb", "English"
    WELSH = "cy", "Cymraeg"


class EmailSubscription(models.Model):
    """One email address's subscription to one policing body's new and amended responses
    (public/subscriptions.py).

    The address is held for this purpose only: it is never shown on any page, kept in no history
    table (this model has none on purpose), and deleted, not flagged, when its owner unsubscribes
    or when a sign-up is not confirmed within `subscriptions.CONFIRM_DAYS` days. The links in
    the emails are made from `reference` with the site's secret key (`subscriptions.token_for`),
    so the table holds nothing that works as a link by itself.
    """

    policing_body = models.ForeignKey(
        PolicingBody, on_delete=models.CASCADE, related_name="email_subscriptions"
    )
    # Stored as `subscriptions.normalise_address` writes it (trimmed, lower case), so the same
    # address is one subscription per body whatever way it was typed.
    email = models.EmailField(max_length=254)
    language = models.CharField(
        max_length=5, choices=SubscriptionLanguage.choices, default=SubscriptionLanguage.ENGLISH
    )
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    # The latest sign-up while unconfirmed: the confirmation link works for CONFIRM_DAYS from it.
    requested_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["policing_body", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["policing_body", "email"], name="one_subscription_per_address_and_body"
            ),
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")) & models.Q(email__contains="@"),
                name="subscription_email_normalised",
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=SubscriptionLanguage.values),
                name="subscription_language_known",
            ),
        ]
        indexes = [
            models.Index(
                fields=["requested_at"],
                name="subscription_unconfirmed",
                condition=models.Q(confirmed_at__isnull=True),
            )
        ]

    def __str__(self):
        # Never the address: this may be printed in a log or an error.
        return f"Subscription {self.reference} to {self.policing_body_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class SubscriptionNotice(models.Model):
    """The email telling one subscriber about one published version: at most one each (the
    constraint), so running the subscriber again after a failure sends nobody a second email.
    Goes with its subscription."""

    subscription = models.ForeignKey(
        EmailSubscription, on_delete=models.CASCADE, related_name="notices"
    )
    version = models.ForeignKey(ResponseVersion, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "version"], name="one_notice_per_subscriber_and_version"
            )
        ]

    def __str__(self):
        return f"Notice of version {self.version_id} for {self.subscription_id}"

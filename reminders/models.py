"""Deadline reminders: the policy (as data), what was sent to whom, people's choices, calendars.

- `ReminderRule`: one line of the reminder policy (which date, how many days before or after it,
  how often while overdue, to which roles). The defaults are loaded by a data migration and
  staff change them in the admin. Which rule is due on a day is worked out by the pure
  `reminders.policy`.
- `Reminder`: one occurrence of a rule for one response, for one person. The unique constraint
  on (response, rule, occurrence, recipient) is what makes a second sweep (or a second beat)
  harmless; the status (READY -> SENDING -> SENT / FAILED, or CANCELLED when the response moved
  on before it went) is what makes a second send harmless. There is one row per person rather
  than per occurrence so that when the email to one person fails, retrying it never sends a
  second copy to the others.
- `Digest`: one person's email for one day, listing all their reminders (the default), with
  the same statuses. The unique constraint on (recipient, day) means at most one a day.
- `ReminderPreference`: a person's choice of a daily digest or one email per reminder, and the
  non-statutory reminders they switched off.
- `CalendarToken`: the secret in a person's calendar feed address. Only its SHA-256 is stored;
  revoking it makes the address give 404.
"""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from accounts.models import Membership
from core.dates import long_date

from . import policy


class Subject(models.TextChoices):
    """What a rule is about. Each subject has a fixed condition in `reminders.policy` (for
    example, the statutory deadline stops mattering once the response is published)."""

    STATUTORY_DEADLINE = policy.SUBJECT_DEADLINE, gettext_lazy("The statutory due date (s55(5A))")
    FORCE_REPLY = policy.SUBJECT_FORCE_REPLY, gettext_lazy("The force's reply-by date (s55(4))")
    STATUTORY_COPIES = (
        policy.SUBJECT_COPIES,
        gettext_lazy("Copies to HMICFRS and the Home Secretary (s55(6))"),
    )


class Unit(models.TextChoices):
    CALENDAR_DAYS = "calendar", gettext_lazy("Calendar days")
    WORKING_DAYS = "working", gettext_lazy("Working days (England and Wales)")


def validate_offsets(value: str) -> None:
    try:
        policy.parse_offsets(value)
    except ValueError as error:
        raise ValidationError(str(error)) from error


ROLE_CHOICES = Membership.Role.choices


#: The default policy's rules (migration 0002) in words, by code: a rule still named as the
#: migration named it is shown in the reader's language; a name an admin changed is shown as
#: typed.
DEFAULT_RULE_NAMES = {
    "statutory-deadline": (
        "The statutory due date: before it, on the day, and daily while overdue",
        gettext_lazy("The statutory due date: before it, on the day, and daily while overdue"),
    ),
    "statutory-escalation": (
        "Overdue: escalation to the office's admin, daily from the first day overdue",
        gettext_lazy("Overdue: escalation to the office's admin, daily from the first day overdue"),
    ),
    "force-reply": (
        "The force's reply-by date: before it, on the day, and every 2 working days while overdue",
        gettext_lazy(
            "The force's reply-by date: before it, on the day, and every 2 working days while overdue"
        ),
    ),
    "statutory-copies": (
        "Copies to HMICFRS and the Home Secretary not recorded 3 days after publication",
        gettext_lazy(
            "Copies to HMICFRS and the Home Secretary not recorded 3 days after publication"
        ),
    ),
}


class ReminderRule(models.Model):
    """One line of the reminder policy. See `reminders.policy` for how it is read."""

    code = models.SlugField(
        max_length=50,
        unique=True,
        help_text=gettext_lazy(
            "Stable name used in reminder records; cannot be changed once reminders exist."
        ),
    )
    name = models.CharField(max_length=200)
    subject = models.CharField(max_length=30, choices=Subject.choices)
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.CALENDAR_DAYS)
    offsets = models.CharField(
        max_length=200,
        validators=[validate_offsets],
        help_text=(
            gettext_lazy(
                "When to remind, in days relative to the date, separated by commas: -7 is 7 days before, 0 is on the day, 3 is 3 days after. Example: -28, -14, -7, -3, -1, 0."
            )
        ),
    )
    repeat_every = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=gettext_lazy(
            "After the last of those, remind again every this many days while it is still outstanding (blank: do not repeat)."
        ),
    )
    roles = models.JSONField(
        default=list, help_text=gettext_lazy("Who is reminded: role codes, e.g. opcc_drafter.")
    )
    extra_roles = models.JSONField(
        default=list,
        blank=True,
        help_text=gettext_lazy("Also remind these roles from `extra_roles_from` on."),
    )
    extra_roles_from = models.SmallIntegerField(
        null=True,
        blank=True,
        help_text=gettext_lazy("The offset from which the extra roles are reminded too (e.g. -7)."),
    )
    stale_after_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=gettext_lazy(
            "If reminders could not go out for a while, do not send one that was due more than this many calendar days ago (blank: until the next one is due)."
        ),
    )
    statutory = models.BooleanField(
        default=False,
        help_text=gettext_lazy(
            "About a duty in the statute: people cannot switch it off, nor can the admin."
        ),
    )
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                name="statutory_rule_stays_active", condition=Q(statutory=False) | Q(is_active=True)
            )
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the reader's language when it is the default policy's (see
        DEFAULT_RULE_NAMES), else as typed."""
        english, translated = DEFAULT_RULE_NAMES.get(self.code, ("", ""))
        return str(translated) if english and self.name == english else self.name

    def clean(self):
        errors = {}
        if self.statutory and not self.is_active:
            errors["is_active"] = _("A statutory reminder cannot be switched off.")
        known = set(Membership.Role.values)
        for field in ("roles", "extra_roles"):
            value = getattr(self, field) or []
            if not isinstance(value, list) or any(r not in known for r in value):
                errors[field] = f"Use role codes from: {', '.join(sorted(known))}."
        if not errors.get("roles") and not self.roles:
            errors["roles"] = _("Choose at least one role to remind.")
        if self.extra_roles and self.extra_roles_from is None:
            errors["extra_roles_from"] = _("Say from which offset the extra roles are reminded.")
        if "offsets" not in errors and self.offsets:
            try:
                offsets = policy.parse_offsets(self.offsets)
            except ValueError:
                offsets = None  # reported by the field validator
            if offsets and self.repeat_every and offsets[-1] < 0:
                errors["repeat_every"] = _(
                    "Repeats start from the last offset, which must be on or after the date."
                )
        if errors:
            raise ValidationError(errors)

    def as_policy(self) -> policy.Rule:
        return policy.Rule(
            code=self.code,
            subject=self.subject,
            offsets=policy.parse_offsets(self.offsets),
            working_days=self.unit == Unit.WORKING_DAYS,
            repeat_every=self.repeat_every or None,
            roles=frozenset(self.roles),
            extra_roles=frozenset(self.extra_roles or ()),
            extra_roles_from=self.extra_roles_from,
            stale_after_days=self.stale_after_days,
            statutory=self.statutory,
        )


class SendStatus(models.TextChoices):
    READY = "ready", gettext_lazy("Ready to send")
    SENDING = "sending", gettext_lazy("Sending")
    SENT = "sent", gettext_lazy("Sent")
    FAILED = "failed", gettext_lazy("Failed")
    CANCELLED = "cancelled", gettext_lazy("Not sent: no longer needed")

    @property
    def colour(self) -> str:
        """The GOV.UK tag colour for the status on the reminders page."""
        return {
            "ready": "blue",
            "sending": "yellow",
            "sent": "green",
            "failed": "red",
            "cancelled": "grey",
        }[self.value]


class Delivery(models.TextChoices):
    DIGEST = "digest", gettext_lazy("Daily digest")
    INDIVIDUAL = "individual", gettext_lazy("One email per reminder")


class Digest(models.Model):
    """One person's reminder email for one day."""

    # No database-level foreign key: checking it was the largest single cost of a sweep (each
    # new row locks its person's row, and a few hundred people get tens of thousands of rows:
    # 3 of the 4.5 s spent committing 300,000 rows, bench/reminders_sweep.py). Deleting a person
    # still deletes their reminders (Django's CASCADE); a row whose person was deleted while a
    # sweep was creating it is never sent (`reminder_send` cancels it, a digest has no person).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_digests"
    )
    day = models.DateField()
    status = models.CharField(max_length=10, choices=SendStatus.choices, default=SendStatus.READY)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    email = models.EmailField(blank=True, help_text=gettext_lazy("The address it was sent to."))
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "recipient_id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="one_digest_a_day")
        ]

    def __str__(self):
        return f"Digest for {self.recipient} on {long_date(self.day)}"


class Reminder(models.Model):
    """One occurrence of a rule for one response, for one person."""

    # Few indexes: every index is work for each of the many rows a sweep may insert. The
    # unique constraint starts with the response; nothing reads reminders by rule or by
    # recipient except deleting one (rare: people are deactivated, not deleted). Only the
    # response keeps its database foreign key (see `recipient`).
    response = models.ForeignKey(
        "responses.Response", on_delete=models.CASCADE, related_name="reminders", db_index=False
    )
    # No database-level foreign key for the rule and the digest: checking them costs as much as
    # the rest of inserting a row (bench/reminders_sweep.py), and neither is ever deleted under
    # a reminder (rules are protected here and in the admin; digests are never deleted).
    rule = models.ForeignKey(
        ReminderRule,
        on_delete=models.PROTECT,
        related_name="reminders",
        db_index=False,
        db_constraint=False,
    )
    occurrence = models.CharField(
        max_length=40,
        help_text=gettext_lazy(
            "Which occurrence of the rule: the date it is about and the offset (e.g. 2020-03-02:-7d). Unique with the response, rule and recipient."
        ),
    )
    due_on = models.DateField(help_text=gettext_lazy("The day this reminder became due."))
    # No database-level foreign key: checking it was the largest single cost of a sweep (each
    # new row locks its person's row, and a few hundred people get tens of thousands of rows:
    # 3 of the 4.5 s spent committing 300,000 rows, bench/reminders_sweep.py). Deleting a person
    # still deletes their reminders (Django's CASCADE); a row whose person was deleted while a
    # sweep was creating it is never sent (`reminder_send` cancels it, a digest has no person).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminders",
        db_index=False,
        db_constraint=False,
    )
    role = models.CharField(
        max_length=20, choices=ROLE_CHOICES, help_text=gettext_lazy("Why this person is reminded.")
    )
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    digest = models.ForeignKey(
        Digest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reminders",
        db_index=False,  # the partial (status, digest) index below serves every lookup
        db_constraint=False,  # see `rule`
    )
    status = models.CharField(max_length=10, choices=SendStatus.choices, default=SendStatus.READY)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    email = models.EmailField(blank=True, help_text=gettext_lazy("The address it was sent to."))
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "rule", "occurrence", "recipient"],
                name="one_reminder_per_occurrence_and_person",
            )
        ]
        indexes = [
            # Only the rows still in play (a small part of the table) are in this index: the
            # sweep's and the sends' lookups by status, and by digest, all name the status.
            models.Index(
                fields=["status", "digest"],
                name="reminder_unfinished_digest",
                condition=Q(status__in=["ready", "sending", "failed"]),
            ),
        ]

    def __str__(self):
        return f"{self.rule.name} ({self.occurrence}) to {self.recipient}"

    @property
    def occurrence_text(self) -> str:
        """The occurrence in words: 'Due date 2 March 2020: 7 days before'."""
        return policy.describe_occurrence(self.rule.subject, self.occurrence)


class ReminderCheckpoint(models.Model):
    """What the last sweep offered for a response: a fingerprint of its due reminders and of the
    people they go to. A sweep skips a response whose fingerprint has not changed, so the hourly
    catch-up costs little. Only a shortcut: the unique constraint on `Reminder` is the guarantee.
    """

    response = models.OneToOneField(
        "responses.Response",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="reminder_checkpoint",
    )
    fingerprint = models.CharField(max_length=32)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Reminder checkpoint of response {self.response_id}"


class ReminderPreference(models.Model):
    """How a person wants their reminders. No row means the defaults: a daily digest, with
    every reminder on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.DIGEST)
    muted_rules = models.ManyToManyField(
        ReminderRule,
        blank=True,
        limit_choices_to={"statutory": False},
        related_name="+",
        help_text=gettext_lazy("Reminders the person switched off (never statutory ones)."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Reminder preferences of {self.user}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def matching(self, token: str):
        return self.active().filter(token_hash=_hash(token))


class CalendarToken(models.Model):
    """The secret part of a person's calendar feed address (only its hash is kept)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = CalendarTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_calendar_token_per_user",
            )
        ]

    def __str__(self):
        return f"Calendar feed of {self.user}"

    @staticmethod
    def new_secret() -> tuple[str, str]:
        """A new secret for the address, and the hash to store."""
        token = secrets.token_urlsafe(32)
        return token, _hash(token)


class CorrectionNotice(models.Model):
    """One email telling one person in an office that a correction of a report's shared facts
    (`inspections.ReportCorrection`) changed their office's response: its due date, its history.

    One row per (correction, response, person), so creating the notices twice (the hook after
    the correction and the hourly catch-up) makes each once; the status (READY -> SENDING ->
    SENT / FAILED) makes a second send harmless, as for a `Reminder`.
    """

    correction = models.ForeignKey(
        "inspections.ReportCorrection", on_delete=models.CASCADE, related_name="notices"
    )
    response = models.ForeignKey(
        "responses.Response", on_delete=models.CASCADE, related_name="correction_notices"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="correction_notices"
    )
    status = models.CharField(max_length=10, choices=SendStatus.choices, default=SendStatus.READY)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    email = models.EmailField(blank=True, help_text=gettext_lazy("The address it was sent to."))
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["correction", "response", "recipient"],
                name="one_correction_notice_per_response_and_person",
            )
        ]

    def __str__(self):
        return f"Correction notice for {self.response} to {self.recipient}"

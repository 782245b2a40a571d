"""The two records every side effect leaves: what was to run after a change, and each email.

- `EventDelivery`: one subscriber's work after one domain event (config/events.py says which
  subscribers follow which event). Created inside the transaction of the change that emitted
  the event, so a change that rolls back leaves none and a change that commits always leaves
  one, even if no worker is running. READY -> DONE, or FAILED (with the attempts and the last
  error) when the subscriber raised; a failed delivery is retried, then stays FAILED where the
  office sees it until someone replays it (`manage.py events_replay`).
- `OutgoingEmail`: one email to one address, with its words stored as sent. READY -> SENDING ->
  SENT / FAILED, exactly like a reminder: the send claims the row before it talks to the mail
  server, so a row is never sent twice, and a row left SENDING by a worker that died is shown
  as stuck rather than sent again (it may have gone).

Neither has a database foreign key to an office: `core` sits below `accounts`. `office_id` is
the policing body whose office sees the row on its pages (blank: only the operations view).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy


class DeliveryStatus(models.TextChoices):
    READY = "ready", gettext_lazy("Waiting to run")
    DONE = "done", gettext_lazy("Done")
    FAILED = "failed", gettext_lazy("Failed")


class EventDelivery(models.Model):
    """One subscriber's work after one event (see the module docstring)."""

    event = models.CharField(
        max_length=60, help_text=gettext_lazy("The domain event, e.g. response.published.")
    )
    subscriber = models.CharField(
        max_length=200, help_text=gettext_lazy("The dotted path of the function that reacts to it.")
    )
    key = models.CharField(
        max_length=200,
        help_text=gettext_lazy("The event's arguments as text: what this delivery is about."),
    )
    arguments = models.JSONField(default=dict)
    office_id = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.READY
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True, help_text=gettext_lazy("Why the last attempt failed."))
    created_at = models.DateTimeField(auto_now_add=True)
    attempted_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Emitting the same event about the same thing while its work is still pending adds
            # nothing: the pending row will do it. Once done, the next emission is new work.
            models.UniqueConstraint(
                fields=["event", "subscriber", "key"],
                condition=Q(status__in=["ready", "failed"]),
                name="one_pending_delivery_per_event_and_subscriber",
            )
        ]
        indexes = [
            models.Index(
                fields=["status", "created_at"],
                name="delivery_pending",
                condition=Q(status__in=["ready", "failed"]),
            )
        ]

    def __str__(self):
        return f"{self.subscriber} after {self.event} ({self.key})"


class EmailStatus(models.TextChoices):
    READY = "ready", gettext_lazy("Ready to send")
    SENDING = "sending", gettext_lazy("Sending")
    SENT = "sent", gettext_lazy("Sent")
    FAILED = "failed", gettext_lazy("Failed")

    @property
    def colour(self) -> str:
        """The GOV.UK tag colour for the status on the emails page."""
        return {"ready": "blue", "sending": "yellow", "sent": "green", "failed": "red"}[self.value]


class OutgoingEmail(models.Model):
    """One email to one person, stored as it is sent (see the module docstring)."""

    kind = models.CharField(
        max_length=60, help_text=gettext_lazy("What the email is, e.g. force_invitation.")
    )
    key = models.CharField(
        max_length=200,
        help_text=gettext_lazy("What occasioned it; unique with the kind and the address."),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outgoing_emails",
    )
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField(blank=True)
    office_id = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=10, choices=EmailStatus.choices, default=EmailStatus.READY)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The Message-ID header it was sent with (set when it is sent): what the recipient's mail
    # server logged, for an office asked to prove it sent something.
    message_id = models.CharField(max_length=300, blank=True)
    # One attachment (a published response's PDF), stored with the email so a retry sends the
    # same bytes.
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment = models.BinaryField(null=True, blank=True, editable=False)
    # Extra headers it is sent with ({"List-Unsubscribe": "<https://...>"}): the public emails'
    # one-click unsubscribe (RFC 8058). The outbox adds them to the message as they are.
    headers = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key", "to"], name="one_email_per_occasion")
        ]

    def __str__(self):
        return f"{self.subject} to {self.to}"

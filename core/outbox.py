"""Every email that is not a reminder: one `OutgoingEmail` row per address, created once, sent
once, its words kept for the office to read.

`emails_create` is called by a subscriber (inside its delivery's transaction, so the rows and
the DONE mark commit together) and enqueues one `core.tasks.send_email` per row after commit.
`email_send` claims its row with one conditional UPDATE (READY or FAILED -> SENDING) before it
talks to the mail server, as `reminders.services.reminder_send` does: only the worker whose
UPDATE changed the row sends it. A mail error marks the row FAILED and re-raises, so the task
retries with backoff; a worker that dies after claiming leaves the row SENDING, which is never
sent again automatically (it may have gone) and is shown as stuck.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.core.mail import DNS_NAME, EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from . import reasons
from .events import emit, registry
from .models import EmailStatus, OutgoingEmail

logger = logging.getLogger(__name__)

#: Errors from the mail server or the network: worth retrying.
MAIL_ERRORS: tuple[type[BaseException], ...] = (smtplib.SMTPException, OSError)

#: The task that sends one email (core/tasks.py).
SEND_EMAIL_TASK = "core.tasks.send_email"

#: A SENDING row older than this was claimed by a worker that died before it could say how the
#: send went: shown as stuck, never sent again automatically.
STUCK_AFTER = timedelta(hours=1)

#: A READY or FAILED row not tried for this long lost its task; the sweep enqueues it again.
LOST_AFTER = timedelta(minutes=5)


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    html: str = ""
    recipient_id: int | None = None
    attachment_name: str = ""
    attachment_type: str = ""
    attachment: bytes | None = None
    #: Extra headers, e.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 8058).
    headers: dict[str, str] | None = None


#: After an email of one of these kinds is sent, the event "email.sent.<kind>" is emitted with
#: its id, if config/events.py lists it (what the sending proves, e.g. the date an s55(6) copy
#: went, is recorded by its subscriber).
SENT_EVENT = "email.sent.{kind}"


def describe_mail_error(error: BaseException) -> str:
    """Why an email was not sent, stored in English whoever's worker sends it and shown in the
    reader's language (`reasons.MAIL_REFUSED`); the server's reply stays as received."""
    return reasons.MAIL_REFUSED(error=f"{error.__class__.__name__}: {error}")[:2000]


def emails_create(*, kind: str, key: str, emails: list[Email], office_id: int | None) -> list[int]:
    """Store these emails (each address once for this kind and key) and send them after commit.
    Creating the same kind and key again adds nothing. Returns the ids of the rows to send."""
    emails = [e for e in emails if e.to]
    if not emails:
        return []
    with transaction.atomic():
        OutgoingEmail.objects.bulk_create(
            [
                OutgoingEmail(
                    kind=kind,
                    key=key,
                    to=e.to,
                    recipient_id=e.recipient_id,
                    subject=e.subject[:300],
                    text=e.text,
                    html=e.html,
                    office_id=office_id,
                    attachment_name=e.attachment_name,
                    attachment_type=e.attachment_type,
                    attachment=e.attachment,
                    headers=dict(e.headers or {}),
                )
                for e in emails
            ],
            ignore_conflicts=True,
        )
        ids = list(
            OutgoingEmail.objects.filter(
                kind=kind, key=key, to__in=[e.to for e in emails], status=EmailStatus.READY
            )
            .order_by("id")
            .values_list("id", flat=True)
        )
        transaction.on_commit(lambda: enqueue_emails(ids))
    return ids


def enqueue_emails(email_ids) -> None:
    """One send task per email; twice is harmless (the send claims its row)."""
    for email_id in email_ids:
        try:
            # By name: core.tasks imports this module.
            current_app.send_task(SEND_EMAIL_TASK, args=(email_id,))
        except Exception:
            logger.exception(
                "Could not enqueue email %s; the sweep will enqueue it again", email_id
            )


def email_send(*, email_id: int, now=None) -> str:
    """Send one stored email. Returns SENT, or '' when another worker had claimed it (or it
    was sent). Re-raises mail errors after recording them, so the task retries."""
    now = now or timezone.now()
    claimed = OutgoingEmail.objects.filter(
        pk=email_id, status__in=(EmailStatus.READY, EmailStatus.FAILED)
    ).update(status=EmailStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return ""
    email = OutgoingEmail.objects.get(pk=email_id)
    message_id = make_msgid(domain=DNS_NAME)
    text, html, headers = _filled_in(email)
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=text,
        to=[email.to],
        headers={**headers, "Message-ID": message_id},
    )
    if html:
        message.attach_alternative(html, "text/html")
    if email.attachment_name and email.attachment is not None:
        message.attach(email.attachment_name, bytes(email.attachment), email.attachment_type)
    try:
        message.send()
    except MAIL_ERRORS as error:
        _finish(email_id, EmailStatus.FAILED, error=describe_mail_error(error))
        raise
    with transaction.atomic():
        _finish(email_id, EmailStatus.SENT, sent_at=timezone.now(), message_id=message_id)
        event = SENT_EVENT.format(kind=email.kind)
        if event in registry():
            emit(event, office_id=email.office_id, email_id=email_id)
    return EmailStatus.SENT


def _filled_in(email: OutgoingEmail) -> tuple[str, str, dict[str, str]]:
    """The words and extra headers to send. An email that carries a secret (a link to choose a
    password, to confirm or stop a subscription) is stored without it, so nobody who reads the
    stored words can use it: the function the setting `S55_EMAIL_FILL_IN` names for its kind puts
    it in now, as it is sent, and returns (text, html) or (text, html, headers)."""
    headers = dict(email.headers or {})
    path = getattr(settings, "S55_EMAIL_FILL_IN", {}).get(email.kind)
    if not path:
        return email.text, email.html, headers
    filled = import_string(path)(email)
    if len(filled) == 3:
        return filled
    return filled[0], filled[1], headers


def _finish(
    email_id: int, status: str, *, error: str = "", sent_at=None, message_id: str = ""
) -> None:
    fields = {"status": status, "error": error}
    if sent_at is not None:
        fields["sent_at"] = sent_at
    if message_id:
        fields["message_id"] = message_id
    OutgoingEmail.objects.filter(pk=email_id, status=EmailStatus.SENDING).update(**fields)


def emails_sweep(*, now=None, lost_after: timedelta = LOST_AFTER) -> list[int]:
    """Enqueue again the emails whose send task was lost (READY, or FAILED and not tried for
    `lost_after`): the mail server that was down for an hour gets them when it is back."""
    now = now or timezone.now()
    cutoff = now - lost_after
    ids = list(
        OutgoingEmail.objects.filter(status__in=(EmailStatus.READY, EmailStatus.FAILED))
        .filter(Q(claimed_at__lt=cutoff) | Q(claimed_at__isnull=True, created_at__lt=cutoff))
        .order_by("id")
        .values_list("id", flat=True)
    )
    if ids:
        enqueue_emails(ids)
    return ids


def emails_replay() -> dict[str, int]:
    """Send every READY or FAILED email now, in this process (the replay command)."""
    counts = {"sent": 0, "failed": 0}
    ids = OutgoingEmail.objects.filter(status__in=(EmailStatus.READY, EmailStatus.FAILED))
    for email_id in ids.order_by("id").values_list("id", flat=True):
        try:
            if email_send(email_id=email_id):
                counts["sent"] += 1
        except MAIL_ERRORS:
            counts["failed"] += 1
    return counts


def is_stuck(email: OutgoingEmail, *, now=None) -> bool:
    now = now or timezone.now()
    return bool(
        email.status == EmailStatus.SENDING
        and email.claimed_at
        and email.claimed_at < now - STUCK_AFTER
    )


def email_retry(*, email: OutgoingEmail) -> bool:
    """Send a failed email again after commit (a person asked, on the emails page). A stuck
    one (SENDING for over an hour) may have gone: the page says so, and it is set back to
    FAILED so it can be sent. Returns False when it was neither."""
    stuck_since = timezone.now() - STUCK_AFTER
    updated = OutgoingEmail.objects.filter(
        Q(status=EmailStatus.FAILED) | Q(status=EmailStatus.SENDING, claimed_at__lt=stuck_since),
        pk=email.pk,
    ).update(status=EmailStatus.FAILED)
    if updated:
        email_id = email.pk
        transaction.on_commit(lambda: enqueue_emails([email_id]))
    return bool(updated)

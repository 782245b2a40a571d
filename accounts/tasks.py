"""Celery tasks for accounts. Thin: each calls a service."""

from celery import shared_task
from django.conf import settings

from . import invitation_emails

RETRY_BACKOFF = getattr(settings, "S55_EVENTS_RETRY_BACKOFF", 30)


@shared_task(
    acks_late=True,
    autoretry_for=invitation_emails.MAIL_ERRORS,
    retry_backoff=RETRY_BACKOFF,
    retry_backoff_max=600,
    max_retries=8,
)
def send_invitation_email(email_id: int) -> str:
    """Send one recorded invitation email (safe to run twice: a sent row is not sent again); a
    mail error is recorded on the row and retried with backoff."""
    return invitation_emails.invitation_email_send(email_id=email_id)


@shared_task(acks_late=True)
def sweep_invitation_emails() -> int:
    """Queue again the invitation emails whose task was lost or whose retries ran out."""
    return len(invitation_emails.invitation_emails_sweep())

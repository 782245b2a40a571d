"""Celery tasks for accounts. Thin: each calls a service."""

from celery import shared_task

from . import invitation_emails


@shared_task(acks_late=True)
def send_invitation_email(email_id: int) -> str:
    """Send one recorded invitation email (safe to run twice: a sent row is not sent again)."""
    return invitation_emails.invitation_email_send(email_id=email_id)

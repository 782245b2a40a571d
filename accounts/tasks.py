"""Celery tasks for accounts. Thin: each calls a service."""

from celery import shared_task

from . import invitation_emails, services


@shared_task(acks_late=True)
def send_password_reset(email: str, domain: str, use_https: bool) -> int:
    """Email a reset link to the active accounts with this address (none if there are none).

    The reset page enqueues this for every address typed, known or not, so the page does the
    same work and takes the same time either way."""
    return services.password_reset_send(email=email, domain=domain, use_https=use_https)


@shared_task(acks_late=True)
def send_invitation_email(email_id: int) -> str:
    """Send one recorded invitation email (safe to run twice: a sent row is not sent again)."""
    return invitation_emails.invitation_email_send(email_id=email_id)

"""Sending an invitation's email, once, from its recorded row (`InvitationEmail`), and the
token in its link. The task `accounts.tasks.send_invitation_email` calls `invitation_email_send`;
`accounts.invitations` makes the rows.

The token is made from the row's `nonce` and the site's secret key, so neither the row nor a
copy of the database gives the link; the invitation keeps only the token's sha256.
"""

import hashlib
import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext

from core.i18n import recipient_language
from core.outbox import describe_mail_error
from core.queue import enqueue_task

from .models import Invitation, InvitationEmail

logger = logging.getLogger(__name__)

_TOKEN_SALT = "accounts.invitation"  # noqa: S105 - a key salt, not a password


def invitation_token(nonce: str) -> str:
    """The token in the link of the email whose row has `nonce`."""
    return salted_hmac(_TOKEN_SALT, nonce, algorithm="sha256").hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


#: Mail errors a send records and raises, so the task tries again with backoff (as
#: `core.outbox` does for every other email).
MAIL_ERRORS: tuple[type[BaseException], ...] = (smtplib.SMTPException, OSError)

#: A row not sent this long after it was made or last tried (its task lost, or the mail server
#: down for longer than the task's retries) is queued again by `invitation_emails_sweep`.
LOST_AFTER = timedelta(minutes=5)

SEND_TASK = "accounts.tasks.send_invitation_email"


def invitation_email_send(*, email_id: int) -> str:
    """Send one invitation email, once: a row already sent or cancelled is left alone, and a row
    whose link was replaced (sent again) or whose invitation is no longer pending is cancelled.
    A row that failed before is tried again. A mail error is recorded on the row (the office
    admin sees it on the invitations page) and raised, so the task retries with backoff.
    Returns the row's status."""
    failure = None
    with transaction.atomic():
        row = (
            InvitationEmail.objects.select_for_update(of=("self",))
            .select_related("invitation", "invitation__policing_body", "invitation__force")
            .get(pk=email_id)
        )
        if row.status not in (InvitationEmail.Status.READY, InvitationEmail.Status.FAILED):
            return row.status
        invitation = row.invitation
        token = invitation_token(row.nonce)
        if (
            invitation.token_hash != token_hash(token)
            or invitation.state_at(timezone.now()) != Invitation.State.PENDING
        ):
            row.status = InvitationEmail.Status.CANCELLED
            row.save(update_fields=["status"])
            return row.status
        row.attempts += 1
        row.attempted_at = timezone.now()
        try:
            _message(invitation, token).send()
        except MAIL_ERRORS as error:
            failure = error
            row.status, row.error = InvitationEmail.Status.FAILED, describe_mail_error(error)
        else:
            row.status, row.sent_at, row.error = InvitationEmail.Status.SENT, timezone.now(), ""
        row.save(update_fields=["status", "error", "sent_at", "attempts", "attempted_at"])
    if failure is not None:
        logger.warning("Invitation email %s failed; it will be tried again", row.pk)
        raise failure
    return row.status


def invitation_emails_sweep(*, now=None, lost_after: timedelta = LOST_AFTER) -> list[int]:
    """Queue again the invitation emails not sent by now: READY or FAILED, and not made or
    tried in the last `lost_after` (the mail server that was down for an hour gets them when it
    is back; a worker killed before it ran the task leaves nothing unsent)."""
    cutoff = (now or timezone.now()) - lost_after
    ids = list(
        InvitationEmail.objects.filter(
            status__in=(InvitationEmail.Status.READY, InvitationEmail.Status.FAILED)
        )
        .filter(Q(attempted_at__lt=cutoff) | Q(attempted_at__isnull=True, created_at__lt=cutoff))
        .order_by("id")
        .values_list("id", flat=True)
    )
    for email_id in ids:
        try:
            enqueue_task(SEND_TASK, email_id)
        except Exception:
            logger.exception("Could not queue invitation email %s; the next sweep will", email_id)
    return ids


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("accounts:invitation-accept", kwargs={"token": token})


def _message(invitation: Invitation, token: str) -> EmailMultiAlternatives:
    context = {
        "invitation": invitation,
        "organisation": invitation.organisation,
        "body": invitation.policing_body,
        "accept_url": invitation_url(token),
        "expires_at": invitation.expires_at,
    }
    # In the language chosen for the invitation (the person has no account to hold a choice).
    with translation.override(recipient_language(None, fallback=invitation.language)):
        message = EmailMultiAlternatives(
            subject=gettext("You are invited to %(organisation)s on Section 55 Tracker")
            % {"organisation": invitation.organisation},
            body=render_to_string("accounts/emails/invitation_link.txt", context),
            to=[invitation.email],
        )
        message.attach_alternative(
            render_to_string("accounts/emails/invitation_link.html", context), "text/html"
        )
    return message

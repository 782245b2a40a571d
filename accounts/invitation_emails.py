"""Sending an invitation's email, once, from its recorded row (`InvitationEmail`), and the
token in its link. The task `accounts.tasks.send_invitation_email` calls `invitation_email_send`;
`accounts.invitations` makes the rows.

The token is made from the row's `nonce` and the site's secret key, so neither the row nor a
copy of the database gives the link; the invitation keeps only the token's sha256.
"""

import hashlib
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext

from core.i18n import recipient_language

from .models import Invitation, InvitationEmail

logger = logging.getLogger(__name__)

_TOKEN_SALT = "accounts.invitation"  # noqa: S105 - a key salt, not a password


def invitation_token(nonce: str) -> str:
    """The token in the link of the email whose row has `nonce`."""
    return salted_hmac(_TOKEN_SALT, nonce, algorithm="sha256").hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_email_send(*, email_id: int) -> str:
    """Send one invitation email, once: a row already sent (or failed) is left alone, and a row
    whose link was replaced (sent again) or whose invitation is no longer pending is cancelled.
    Returns the row's status."""
    with transaction.atomic():
        row = (
            InvitationEmail.objects.select_for_update(of=("self",))
            .select_related("invitation", "invitation__policing_body", "invitation__force")
            .get(pk=email_id)
        )
        if row.status != InvitationEmail.Status.READY:
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
        try:
            _message(invitation, token).send()
        except Exception as error:  # noqa: BLE001 - recorded where the office admin sees it
            logger.exception("Invitation email %s failed", row.pk)
            row.status, row.error = InvitationEmail.Status.FAILED, str(error)[:2000]
            row.save(update_fields=["status", "error"])
            return row.status
        row.status, row.sent_at = InvitationEmail.Status.SENT, timezone.now()
        row.save(update_fields=["status", "sent_at"])
    return row.status


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

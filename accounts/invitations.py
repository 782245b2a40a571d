"""Invitations: an office admin invites office staff, and force contributors for the office's own
force, by email. Views, tasks and the admin call these services; each change is recorded in the
invitation's history and, when a role is given, in the membership's.

The link carries a token made from the email row's `nonce` and the site's secret key
(`accounts.invitation_emails.invitation_token`); the database keeps only its sha256 (`Invitation.token_hash`), so neither
a copy of the database nor the outbox row is enough to accept an invitation. Accepting sets
`accepted_at` under a row lock, so a link works once.
"""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.history import attribute
from core.i18n import recipient_language

from . import reasons, tasks
from .invitation_emails import invitation_token, token_hash
from .models import Invitation, InvitationEmail, Membership, PolicingBody
from .permissions import forget_memberships, has_office_role
from .services import unique_username

logger = logging.getLogger(__name__)

State = Invitation.State


class InvitationError(DomainError):
    """An invitation that cannot be made, sent, withdrawn or accepted; the message says why."""


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation whose current link carries `token`, or None."""
    return (
        Invitation.objects.select_related("policing_body", "force", "invited_by")
        .filter(token_hash=token_hash(token))
        .first()
    )


def _new_link(invitation: Invitation, *, now) -> InvitationEmail:
    """A fresh token for `invitation` (the old link stops working) and the email that sends it,
    queued to go once the transaction commits."""
    nonce = secrets.token_urlsafe(32)
    invitation.token_hash = token_hash(invitation_token(nonce))
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=settings.S55_INVITATION_DAYS)
    invitation.save()
    email = InvitationEmail.objects.create(invitation=invitation, nonce=nonce)
    transaction.on_commit(lambda: tasks.send_invitation_email.delay(email.pk))
    return email


def _check_admin(acting_user, body: PolicingBody) -> None:
    if not has_office_role(acting_user, body, Membership.Role.OPCC_ADMIN):
        raise InvitationError(
            _("Only an admin of %(office_name)s can invite people to it.")
            % {"office_name": body.office_name}
        )


def invitation_create(
    *,
    body: PolicingBody,
    email: str,
    full_name: str,
    role: str,
    acting_user,
    force=None,
    language: str = "",
) -> Invitation:
    """Invite the person at `email` to take `role`: in `body`'s office, or, for a force
    contributor, in the office's own force (`force`, if given, must be that one). The email is
    in `language`; if none is given, a contributor's is in the language the office chose for
    its force (`PolicingBody.force_email_language`), anyone else's in English."""
    if role not in Membership.Role.values:
        raise InvitationError(_("Choose a role."))
    contributor = role == Membership.Role.FORCE_CONTRIBUTOR
    if contributor:
        if force is not None and force.pk != body.force_id:
            raise InvitationError(
                _("An office can only invite contributors for its own force, %(name)s.")
                % {"name": body.force.name}
            )
        force = body.force
    elif force is not None:
        raise InvitationError(_("Office roles are in the office, not in a force."))
    email = get_user_model().objects.normalize_email(email.strip())
    now = timezone.now()
    with transaction.atomic():
        body = PolicingBody.objects.select_for_update().select_related("force").get(pk=body.pk)
        _check_admin(acting_user, body)
        organisation = {"force": force} if contributor else {"policing_body": body}
        if Membership.objects.filter(
            user__email__iexact=email, role=role, is_active=True, **organisation
        ).exists():
            raise InvitationError(_("%(email)s already has this role.") % {"email": email})
        pending = Invitation.objects.filter(
            policing_body=body,
            force=force,
            role=role,
            email__iexact=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now,
        )
        if pending.exists():
            raise InvitationError(
                _(
                    "%(email)s has already been invited to this role. Send the invitation again from the list of invitations if they cannot find it."
                )
                % {"email": email}
            )
        invitation = Invitation(
            policing_body=body,
            force=force,
            role=role,
            email=email,
            full_name=full_name.strip(),
            invited_by=acting_user,
            language=recipient_language(
                None, fallback=language or (body.force_email_language if contributor else "")
            ),
        )
        attribute(invitation, acting_user=acting_user, reason="Invited")
        _new_link(invitation, now=now)
    return invitation


def _locked(invitation: Invitation) -> Invitation:
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("policing_body", "force")
        .get(pk=invitation.pk)
    )


def invitation_resend(*, invitation: Invitation, acting_user) -> Invitation:
    """Send a pending or expired invitation again, with a new link and a new expiry; the old
    link stops working."""
    now = timezone.now()
    with transaction.atomic():
        invitation = _locked(invitation)
        _check_admin(acting_user, invitation.policing_body)
        state = invitation.state_at(now)
        if state not in (State.PENDING, State.EXPIRED):
            raise InvitationError(
                _("This invitation is %(lower)s: it cannot be sent.")
                % {"lower": state.label.lower()}
            )
        attribute(invitation, acting_user=acting_user, reason="Sent again with a new link")
        _new_link(invitation, now=now)
    return invitation


def invitation_revoke(*, invitation: Invitation, acting_user) -> Invitation:
    """Withdraw a pending (or expired) invitation: its link no longer works."""
    now = timezone.now()
    with transaction.atomic():
        invitation = _locked(invitation)
        _check_admin(acting_user, invitation.policing_body)
        state = invitation.state_at(now)
        if state not in (State.PENDING, State.EXPIRED):
            raise InvitationError(
                _("This invitation is %(lower)s already.") % {"lower": state.label.lower()}
            )
        invitation.revoked_at = now
        attribute(invitation, acting_user=acting_user, reason="Withdrawn")
        invitation.save(update_fields=["revoked_at"])
    return invitation


def can_set_password(invitation: Invitation) -> bool:
    """May the person accept by choosing a password (rather than signing in first)? Only when
    no account that has ever been used has the invitation's address."""
    User = get_user_model()
    existing = User.objects.filter(email__iexact=invitation.email)
    return not any(u.has_usable_password() or u.last_login for u in existing)


def invitation_accept(
    *, token: str, user=None, password: str = "", full_name: str = ""
) -> Membership:
    """Take up the invitation whose link carries `token`.

    A signed-in person (`user`, signed in with a password or the organisation's identity
    provider) accepts for their own account, which must have the invitation's address. Someone
    without an account chooses a password (Django's password validators apply) and one is made.
    The link then no longer works.
    """
    User = get_user_model()
    now = timezone.now()
    with transaction.atomic():
        found = invitation_for_token(token)
        if found is None:
            raise InvitationError(_("This invitation link is not valid."))
        invitation = _locked(found)
        state = invitation.state_at(now)
        if state == State.ACCEPTED:
            raise InvitationError(_("This invitation has already been used."))
        if state == State.REVOKED:
            raise InvitationError(_("This invitation has been withdrawn."))
        if state == State.EXPIRED:
            raise InvitationError(
                _("This invitation has expired. Ask the office's admin to send it again.")
            )
        if user is not None:
            user = User.objects.select_for_update().get(pk=user.pk)
            if user.email.lower() != invitation.email.lower() or not user.is_active:
                raise InvitationError(
                    _(
                        "This invitation is for %(email)s. Sign out, then open the link again and sign in with that address."
                    )
                    % {"email": invitation.email}
                )
        else:
            if not can_set_password(invitation):
                raise InvitationError(
                    _(
                        "There is already an account for %(email)s: sign in first, then open the link again."
                    )
                    % {"email": invitation.email}
                )
            user = User.objects.filter(email__iexact=invitation.email).order_by("pk").first()
            if user is None:
                user = User(
                    username=unique_username(invitation.email),
                    email=invitation.email,
                    full_name=(full_name or invitation.full_name).strip(),
                )
            elif full_name.strip():
                user.full_name = full_name.strip()
            validate_password(password, user)
            user.set_password(password)
            user.save()
        organisation = (
            {"force": invitation.force}
            if invitation.role == Membership.Role.FORCE_CONTRIBUTOR
            else {"policing_body": invitation.policing_body}
        )
        membership = Membership.objects.filter(user=user, role=invitation.role, **organisation)
        membership = membership.first() or Membership(
            user=user, role=invitation.role, **organisation
        )
        membership.is_active = True
        attribute(
            membership,
            acting_user=user,
            reason=reasons.INVITATION_ACCEPTED(
                name=invitation.invited_by.display_name,
                office=invitation.policing_body.short_name,
            ),
        )
        membership.save()
        invitation.accepted_at = now
        invitation.accepted_by = user
        if not user.language:
            # The language the invitation was written in becomes the person's choice.
            user.language = invitation.language
            user.save(update_fields=["language"])
        attribute(invitation, acting_user=user, reason="Accepted")
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        forget_memberships(user)
    return membership

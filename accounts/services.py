"""Changes to people, memberships and an office's branding. Views call these; each records who
made the change and why in the history."""

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify
from django_otp import devices_for_user

from core.history import attribute

from .models import Membership, PolicingBody
from .permissions import OFFICE_ROLES


class MembershipError(Exception):
    """A change to an office's people that cannot be made; the message says why."""


def _unique_username(email: str) -> str:
    User = get_user_model()
    base = slugify(email.split("@")[0])[:100] or "user"
    candidate = base
    while User.objects.filter(username=candidate).exists():
        candidate = f"{base}-{secrets.token_hex(2)}"
    return candidate


def membership_add(
    *,
    body: PolicingBody,
    email: str,
    full_name: str,
    role: str,
    acting_user,
    job_title: str = "",
) -> tuple[Membership, bool]:
    """Give the person with `email` the office role `role` in `body`'s office, creating their
    account (with no usable password: they set one from the invitation) if there is none.

    Returns the membership and whether a new account was created. A person who already belongs
    to another organisation cannot be added: one person works for one organisation here.
    """
    if role not in OFFICE_ROLES:
        raise MembershipError("Choose a role in the office.")
    User = get_user_model()
    email = User.objects.normalize_email(email.strip())
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).order_by("pk").first()
        created = user is None
        if created:
            user = User(
                username=_unique_username(email),
                email=email,
                full_name=full_name.strip(),
                job_title=job_title.strip(),
            )
            user.set_unusable_password()
            user.save()
        else:
            elsewhere = (
                Membership.objects.filter(user=user, is_active=True)
                .exclude(policing_body=body)
                .exists()
            )
            if elsewhere:
                raise MembershipError(
                    f"{email} already belongs to another organisation. Ask the service "
                    "administrator if they should move to your office."
                )
            if not user.is_active:
                raise MembershipError(
                    f"The account for {email} has been closed. Ask the service administrator "
                    "to reopen it."
                )
        membership = Membership.objects.filter(user=user, role=role, policing_body=body).first()
        if membership is not None and membership.is_active:
            raise MembershipError(
                f"{user.display_name} already has the role {membership.get_role_display()} here."
            )
        if membership is None:
            membership = Membership(user=user, role=role, policing_body=body)
            reason = f"Added to {body.short_name} by the office admin"
        else:
            membership.is_active = True
            reason = f"Reactivated in {body.short_name} by the office admin"
        attribute(membership, acting_user=acting_user, reason=reason)
        membership.save()
    return membership, created


def membership_deactivate(*, membership: Membership, acting_user) -> Membership:
    """Take a role away. The account stays (history names it); an office admin cannot remove
    their own admin role, so an office is never left without one by accident."""
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if not membership.is_active:
            return membership
        if membership.user_id == acting_user.pk and membership.role == Membership.Role.OPCC_ADMIN:
            raise MembershipError(
                "You cannot remove your own admin role. Ask another admin of your office."
            )
        membership.is_active = False
        attribute(membership, acting_user=acting_user, reason="Deactivated by the office admin")
        membership.save(update_fields=["is_active"])
    return membership


def policing_body_update_branding(
    *,
    body: PolicingBody,
    acting_user,
    holder_name: str,
    accent_colour: str,
    logo_alt_text: str,
    logo=None,
    remove_logo: bool = False,
) -> PolicingBody:
    """Change the office's name of its holder, accent colour and logo (validated by the form)."""
    with transaction.atomic():
        body = PolicingBody.objects.select_for_update().get(pk=body.pk)
        old_logo = body.logo.name if body.logo else ""
        body.holder_name = holder_name.strip()
        body.accent_colour = accent_colour.lower()
        body.logo_alt_text = logo_alt_text.strip()
        if logo is not None:
            body.logo.save(f"{body.slug}-logo{_extension(logo.name)}", logo, save=False)
        elif remove_logo:
            body.logo = ""
            body.logo_alt_text = ""
        attribute(body, acting_user=acting_user, reason="Branding changed by the office admin")
        body.save()
        if old_logo and old_logo != (body.logo.name if body.logo else ""):
            storage, name = body.logo.storage, old_logo
            transaction.on_commit(lambda: storage.delete(name))
    return body


def _extension(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return ".jpg" if suffix in ("jpg", "jpeg") else ".png"


def two_factor_reset(*, user) -> int:
    """Remove a person's authenticator devices (they lost their phone); they set up again at
    their next sign-in if their office requires it. Returns how many were removed."""
    removed = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        removed += 1
    return removed

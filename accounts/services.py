"""Changes to people, memberships and an office's branding. Views call these; each records who
made the change and why in the history."""

import logging
import secrets
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import i18n
from core.errors import DomainError
from core.events import emit
from core.history import attribute, delete_attributed, save_attributed
from core.i18n import recipient_language
from core.outbox import Email, emails_create
from core.sealed import seal

from . import reasons
from .forms import PasswordResetForm
from .models import (
    ExternalIdentity,
    Force,
    IdentityProvider,
    Membership,
    PlanPriority,
    PolicingBody,
    StatutoryRecipient,
)
from .permissions import OFFICE_ROLES, has_office_role

logger = logging.getLogger(__name__)


class MembershipError(Exception):
    """A change to an office's people that cannot be made; the message says why."""


def unique_username(email: str) -> str:
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
    to another organisation is not added here, without their say: they are invited instead
    (`accounts.invitations`), and join when they accept.
    """
    if role not in OFFICE_ROLES:
        raise MembershipError(_("Choose a role in the office."))
    User = get_user_model()
    email = User.objects.normalize_email(email.strip())
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).order_by("pk").first()
        created = user is None
        if created:
            user = User(
                username=unique_username(email),
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
                    _(
                        "%(email)s already belongs to another organisation. Invite them instead (Invitations, on the people page): once they accept, they work for your office as well and choose which office they act for."
                    )
                    % {"email": email}
                )
            if not user.is_active:
                raise MembershipError(
                    _(
                        "The account for %(email)s has been closed. Ask the service administrator to reopen it."
                    )
                    % {"email": email}
                )
        membership = Membership.objects.filter(user=user, role=role, policing_body=body).first()
        if membership is not None and membership.is_active:
            raise MembershipError(
                _("%(display_name)s already has the role %(get_role_display)s here.")
                % {
                    "display_name": user.display_name,
                    "get_role_display": membership.get_role_display(),
                }
            )
        if membership is None:
            membership = Membership(user=user, role=role, policing_body=body)
            reason = reasons.ADDED_TO(office=body.short_name)
        else:
            membership.is_active = True
            reason = reasons.REACTIVATED_IN(office=body.short_name)
        attribute(membership, acting_user=acting_user, reason=reason)
        membership.save()
    return membership, created


def membership_deactivate(
    *, membership: Membership, acting_user, reason: str = "Deactivated by the office admin"
) -> Membership:
    """Take a role away. The account stays (history names it); an office admin cannot remove
    their own admin role, so an office is never left without one by accident. The person is
    signed out everywhere: they sign in again with the roles they still have."""
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if not membership.is_active:
            return membership
        if membership.user_id == acting_user.pk and membership.role == Membership.Role.OPCC_ADMIN:
            raise MembershipError(
                _("You cannot remove your own admin role. Ask another admin of your office.")
            )
        membership.is_active = False
        attribute(membership, acting_user=acting_user, reason=reason)
        membership.save(update_fields=["is_active"])
        user_sessions_end(user=membership.user)
    return membership


def membership_save(*, membership: Membership, acting_user, reason: str) -> Membership:
    """Create or change a membership from the service administrator's admin. Taking the role
    away goes through `membership_deactivate` (its refusal and signing out); a changed role or
    organisation signs the person out too, so no session keeps rights it no longer has."""
    membership.full_clean()
    with transaction.atomic():
        if membership.pk is None:
            return save_attributed(membership, acting_user=acting_user, reason=reason)
        before = Membership.objects.select_for_update().get(pk=membership.pk)
        removing = before.is_active and not membership.is_active
        membership.is_active = before.is_active
        rights_changed = (before.role, before.policing_body_id, before.force_id) != (
            membership.role,
            membership.policing_body_id,
            membership.force_id,
        )
        save_attributed(membership, acting_user=acting_user, reason=reason)
        if removing:
            membership_deactivate(membership=membership, acting_user=acting_user, reason=reason)
            membership.is_active = False
        elif rights_changed:
            user_sessions_end(user=membership.user)
    return membership


def user_save(*, user, acting_user, reason: str):
    """Create or change an account from the service administrator's admin. Closing it goes
    through `user_deactivate` (every session ends)."""
    User = get_user_model()
    with transaction.atomic():
        closing = False
        if user.pk is not None:
            before = User.objects.select_for_update().get(pk=user.pk)
            closing = before.is_active and not user.is_active
            if closing:
                user.is_active = True
        save_attributed(user, acting_user=acting_user, reason=reason)
        if closing:
            user_deactivate(user=user, acting_user=acting_user)
            user.is_active = False
    return user


def user_set_language(*, user, language: str) -> None:
    """Remember the language the person chose for the staff pages (one of settings.LANGUAGES)."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unknown language {language!r}")
    User = get_user_model()
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.language != language:
            locked.language = language
            locked.save(update_fields=["language"])
    user.language = language


def user_deactivate(*, user, acting_user) -> None:
    """Close an account: nobody can sign in as the person, and every session they have ends now
    (deleted, so reopening the account later does not bring an old session back). Their
    memberships and what they wrote stay, for the history.

    Each request also refuses an account closed some other way: Django's ModelBackend returns
    no user for an inactive account when it reads the session.
    """
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
        user_sessions_end(user=user)
        logger.info("Account %s closed by %s", user.pk, acting_user.pk)


def user_sessions_end(*, user) -> int:
    """Delete every unexpired session signed in as `user`; returns how many ended.

    Sessions are rows (the database session engine) that store the user's id inside their
    signed data, so each live session is read once: a few hundred staff sessions at most.
    """
    engine = import_module(settings.SESSION_ENGINE)
    store = engine.SessionStore
    if not hasattr(store, "get_model_class"):
        raise ImproperlyConfigured(
            f"user_sessions_end needs a database session engine, not {settings.SESSION_ENGINE}"
        )
    ended = 0
    live = store.get_model_class().objects.filter(expire_date__gt=timezone.now())
    for session in live.iterator():
        if str(session.get_decoded().get(SESSION_KEY)) == str(user.pk):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


def policing_body_update_branding(
    *,
    body: PolicingBody,
    acting_user,
    holder_name: str,
    accent_colour: str,
    logo_alt_text: str,
    logo=None,
    remove_logo: bool = False,
    holder_title: str | None = None,
    no_force_comments_text: str | None = None,
    force_email_language: str | None = None,
) -> PolicingBody:
    """Change the office's holder (name and title: the default signatory of its responses),
    what its published responses say when the chief officer submitted no comments, its accent
    colour and logo (validated by the form), and the language of its emails to its force."""
    with transaction.atomic():
        body = PolicingBody.objects.select_for_update().get(pk=body.pk)
        old_logo = body.logo.name if body.logo else ""
        body.holder_name = holder_name.strip()
        if holder_title is not None and holder_title.strip():
            body.holder_title = holder_title.strip()
        if no_force_comments_text is not None:
            body.no_force_comments_text = no_force_comments_text.strip()
        body.accent_colour = accent_colour.lower()
        if force_email_language is not None:
            if force_email_language and not i18n.is_supported(force_email_language):
                raise ValueError(f"Unknown language {force_email_language!r}")
            body.force_email_language = force_email_language
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


def two_factor_device_start(*, user):
    """Make the key of a new authenticator app for `user` (unconfirmed until they enter a code
    from it), or return the unconfirmed one they already started."""
    with transaction.atomic():
        get_user_model().objects.select_for_update().get(pk=user.pk)
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def two_factor_reset(*, user) -> int:
    """Remove a person's authenticator devices (they lost their phone); they set up again at
    their next sign-in if their office requires it. Returns how many were removed."""
    removed = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        removed += 1
    return removed


#: Where the token goes in a stored password-reset email: the link is complete only in the
#: email as sent (`password_reset_fill_in`), never in the stored words the office can read.
RESET_TOKEN_PLACEHOLDER = "token-made-when-sent"  # noqa: S105 - a marker, not a secret


def password_reset_request(*, email: str, domain: str, use_https: bool) -> None:
    """Someone typed `email` on the reset page: record the work ("account.password_reset_
    requested", config/events.py) whether or not an account has that address, so the page does
    the same work and takes the same time either way. Links point at `domain` (the host the
    request came to, checked against ALLOWED_HOSTS)."""
    with transaction.atomic():
        emit(
            "account.password_reset_requested",
            email=email,
            domain=domain,
            use_https=use_https,
            requested_at=timezone.now().isoformat(),
        )


def password_reset_emails_create(
    *, email: str, domain: str, use_https: bool, requested_at: str
) -> int:
    """Subscriber of "account.password_reset_requested": store one email (core/outbox.py) with a
    link to choose a new password for each active account with this address
    (accounts.forms.PasswordResetForm decides which), sent once. The stored words hold the link
    without its token; the token is made as the email is sent. Returns how many."""
    form = PasswordResetForm(data={"email": email})
    if not form.is_valid():
        return 0
    emails = []
    for user in form.get_users(form.cleaned_data["email"]):
        context = {
            "email": user.email,
            "domain": domain,
            "site_name": domain,
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "user": user,
            "token": RESET_TOKEN_PLACEHOLDER,
            "protocol": "https" if use_https else "http",
        }
        # In the language the person chose (core.i18n).
        with translation.override(recipient_language(user)):
            subject = render_to_string("accounts/emails/password_reset_subject.txt", context)
            emails.append(
                Email(
                    to=user.email,
                    subject="".join(subject.splitlines()),
                    text=render_to_string("accounts/emails/password_reset.txt", context),
                    html=render_to_string("accounts/emails/password_reset.html", context),
                    recipient_id=user.pk,
                )
            )
    return len(
        emails_create(kind="password_reset", key=requested_at, emails=emails, office_id=None)
    )


def password_reset_fill_in(email) -> tuple[str, str]:
    """The stored password-reset email with its link's token, made now for its recipient
    (Django's token: it works once, and only until PASSWORD_RESET_TIMEOUT after this)."""
    user = get_user_model().objects.filter(pk=email.recipient_id).first()
    if user is None:  # the account was deleted since: the link could not work anyway
        return email.text, email.html
    token = default_token_generator.make_token(user)
    return (
        email.text.replace(RESET_TOKEN_PLACEHOLDER, token),
        email.html.replace(RESET_TOKEN_PLACEHOLDER, token),
    )


# --- single sign-on ----------------------------------------------------------------------------


class SingleSignOnRefused(DomainError):
    """A sign-in through a provider that is refused; the message says why and what to do."""


def identity_provider_save(
    *, provider: IdentityProvider, acting_user, client_secret: str | None = None, reason: str
) -> IdentityProvider:
    """Create or change an organisation's provider. `client_secret` (when given) is stored
    encrypted; "" removes a stored one. The secret is never returned or shown again."""
    if client_secret is not None:
        provider.client_secret_sealed = seal(client_secret) if client_secret else ""
    provider.full_clean()
    with transaction.atomic():
        if provider.pk:
            IdentityProvider.objects.select_for_update().get(pk=provider.pk)
        attribute(provider, acting_user=acting_user, reason=reason)
        provider.save()
    return provider


def external_identity_sign_in(*, provider: IdentityProvider, claims: dict):
    """The user signing in as the provider's checked ID token `claims` say, matched by the
    issuer and subject (`sub`) only. A first sign-in creates an account with no role at all:
    roles come only from the office admin (or an invitation). An existing account with the same
    email address is not taken over: it stays separate until someone links them on purpose.

    Every sign-in's email address must be in the provider's allowed domains.
    """
    subject = str(claims.get("sub") or "")
    email = str(claims.get("email") or claims.get("preferred_username") or "").strip()
    if not subject:
        raise SingleSignOnRefused(_("%(name)s did not say who you are.") % {"name": provider.name})
    if not provider.allows_email(email):
        raise SingleSignOnRefused(
            _(
                "Your account (%(email)s) is not one of %(name)s's addresses that may sign in here. Sign in with the account your organisation gave you for this service."
            )
            % {
                "email": email or _("with no email address"),
                "name": provider.name,
            }
        )
    User = get_user_model()
    with transaction.atomic():
        identity = (
            ExternalIdentity.objects.select_for_update()
            .select_related("user")
            .filter(issuer=provider.issuer, subject=subject)
            .first()
        )
        if identity is None:
            user = User(
                username=unique_username(email),
                email=User.objects.normalize_email(email),
                full_name=str(claims.get("name") or "")[:200],
            )
            user.set_unusable_password()
            user.save()
            identity = ExternalIdentity(
                user=user, provider=provider, issuer=provider.issuer, subject=subject
            )
            logger.info("New account %s from %s's first sign-in", user.pk, provider.name)
        elif not identity.user.is_active:
            raise SingleSignOnRefused(_("This account has been closed. Ask your office's admin."))
        identity.email = email
        identity.last_signed_in_at = timezone.now()
        identity.save()
    return identity.user


def external_identity_link(*, provider: IdentityProvider, subject: str, user, acting_user):
    """Link a person's provider identity (its stable subject) to an existing account, on purpose
    (an administrator, or the demo data). Refused if the subject belongs to someone else."""
    with transaction.atomic():
        identity, created = ExternalIdentity.objects.select_for_update().get_or_create(
            issuer=provider.issuer,
            subject=subject,
            defaults={"user": user, "provider": provider, "email": user.email},
        )
        if identity.user_id != user.pk:
            raise SingleSignOnRefused(
                _("%(name)s's subject %(subject)s is someone else's.")
                % {"name": provider.name, "subject": subject}
            )
        if created:
            logger.info(
                "Identity at %s linked to account %s by %s", provider.name, user.pk, acting_user
            )
    return identity


# --- The office's Police and Crime Plan priorities and national sharing --------------------------


class OfficeSettingsError(DomainError):
    """A change to an office's settings the rules do not allow."""


def _require_office_admin(acting_user, body: PolicingBody, what: str) -> None:
    if not has_office_role(acting_user, body, Membership.Role.OPCC_ADMIN):
        raise OfficeSettingsError(_("Only the office's admin can %(what)s.") % {"what": what})


def plan_priority_create(
    *, body: PolicingBody, acting_user, title: str, description: str = ""
) -> PlanPriority:
    """Add a priority of the office's Police and Crime Plan (office admin only), offered last."""
    _require_office_admin(acting_user, body, "change the Police and Crime Plan priorities")
    title = (title or "").strip()
    if not title:
        raise OfficeSettingsError(_("Enter the priority's title."))
    with transaction.atomic():
        PolicingBody.objects.select_for_update().get(pk=body.pk)
        if PlanPriority.objects.filter(policing_body=body, title__iexact=title).exists():
            raise OfficeSettingsError(
                _("The plan already has a priority called %(title)s.") % {"title": title}
            )
        last = PlanPriority.objects.filter(policing_body=body).order_by("-position").first()
        priority = PlanPriority(
            policing_body=body,
            title=title,
            description=(description or "").strip(),
            position=(last.position + 1) if last else 1,
        )
        attribute(priority, acting_user=acting_user, reason="Priority added by the office admin")
        priority.save()
    return priority


def plan_priority_update(
    *, priority: PlanPriority, acting_user, title: str, description: str, is_active: bool
) -> PlanPriority:
    """Rename, describe, retire or restore a priority (office admin only). A retired priority
    stays on what it tagged and is no longer offered."""
    _require_office_admin(
        acting_user, priority.policing_body, "change the Police and Crime Plan priorities"
    )
    title = (title or "").strip()
    if not title:
        raise OfficeSettingsError(_("Enter the priority's title."))
    with transaction.atomic():
        priority = PlanPriority.objects.select_for_update().get(pk=priority.pk)
        clash = PlanPriority.objects.filter(
            policing_body_id=priority.policing_body_id, title__iexact=title
        ).exclude(pk=priority.pk)
        if clash.exists():
            raise OfficeSettingsError(
                _("The plan already has a priority called %(title)s.") % {"title": title}
            )
        reason = "Priority changed by the office admin"
        if priority.is_active and not is_active:
            reason = "Priority retired by the office admin"
        elif not priority.is_active and is_active:
            reason = "Priority offered again by the office admin"
        priority.title = title
        priority.description = (description or "").strip()
        priority.is_active = is_active
        attribute(priority, acting_user=acting_user, reason=reason)
        priority.save()
    return priority


def policing_body_set_national_sharing(
    *, body: PolicingBody, acting_user, share: bool
) -> PolicingBody:
    """Opt the office in to (or out of) showing the status and dates of its open responses and
    tracker items to national read-only staff (office admin only; off by default). Published
    material is public anyway; draft text is never shared."""
    _require_office_admin(acting_user, body, "change what the office shares nationally")
    with transaction.atomic():
        body = PolicingBody.objects.select_for_update().get(pk=body.pk)
        body.share_open_work_nationally = share
        attribute(
            body,
            acting_user=acting_user,
            reason=(
                "Open work shared with national read-only staff"
                if share
                else "Open work no longer shared with national read-only staff"
            ),
        )
        body.save(update_fields=["share_open_work_nationally"])
    return body


def policing_body_set_copies_on_publication(
    *, body: PolicingBody, acting_user, send: bool
) -> PolicingBody:
    """Choose whether the s55(6) copies of each published version are emailed as soon as it is
    published (office admin only; off by default, when the office sends them from each
    response's copies page or sends them itself and records the dates). In the history."""
    _require_office_admin(acting_user, body, "change how the s55(6) copies are sent")
    with transaction.atomic():
        body = PolicingBody.objects.select_for_update().get(pk=body.pk)
        if body.send_copies_on_publication == send:
            return body
        body.send_copies_on_publication = send
        attribute(
            body,
            acting_user=acting_user,
            reason=(
                "The s55(6) copies are sent by email when a version is published"
                if send
                else "The s55(6) copies are no longer sent when a version is published"
            ),
        )
        body.save(update_fields=["send_copies_on_publication"])
    return body


# --- reference data kept by the service administrator (the admin) ------------------------------


def force_save(*, force: Force, acting_user, reason: str) -> Force:
    """Create or change a force's details."""
    return save_attributed(force, acting_user=acting_user, reason=reason)


def force_delete(*, force: Force, acting_user, reason: str) -> None:
    """Remove a force (the database refuses while anything still refers to it)."""
    delete_attributed(force, acting_user=acting_user, reason=reason)


def policing_body_save(*, body: PolicingBody, acting_user, reason: str) -> PolicingBody:
    """Create or change an office's details (its own choices have services of their own:
    `policing_body_update_branding`, `policing_body_set_national_sharing`)."""
    return save_attributed(body, acting_user=acting_user, reason=reason)


def policing_body_delete(*, body: PolicingBody, acting_user, reason: str) -> None:
    """Remove an office (the database refuses while anything still refers to it)."""
    delete_attributed(body, acting_user=acting_user, reason=reason)


def statutory_recipient_save(
    *, recipient: StatutoryRecipient, acting_user, reason: str
) -> StatutoryRecipient:
    """Create or change a statutory recipient of responses (e.g. the Home Secretary)."""
    return save_attributed(recipient, acting_user=acting_user, reason=reason)


def statutory_recipient_delete(*, recipient: StatutoryRecipient, acting_user, reason: str) -> None:
    """Remove a statutory recipient."""
    delete_attributed(recipient, acting_user=acting_user, reason=reason)

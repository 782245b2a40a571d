"""Email subscriptions: a member of the public asks for an email whenever one policing body
publishes a response or a new version of one (an amendment). No account: the address is the
only thing kept, for this purpose only (public/models.py `EmailSubscription`).

- **Double opt-in.** `subscription_request` (the sign-up form) stores the address unconfirmed and
  emails a link to confirm it; `subscription_confirm` (the button that link leads to, a POST:
  a link scanner that fetches the link confirms nothing) makes it active. A sign-up not
  confirmed within CONFIRM_DAYS days is deleted by the beat's `subscriptions_expire`.
- **Nothing is revealed.** The page answers every sign-up the same way. For an address already
  confirmed for that body, the email sent is "you are already subscribed" with the link to stop
  (so the owner, who may have forgotten, learns the state in their own inbox and nobody else
  does); for one waiting for confirmation, the confirmation again.
- **Unsubscribe** (`subscription_delete`) deletes the row, its notices and every stored email to
  it, with one POST and no sign-in: the button on the page the link leads to, or a mail
  client's one-click POST (RFC 8058, the List-Unsubscribe and List-Unsubscribe-Post headers of
  every email).
- **The emails** are the outbox's (core/outbox.py: recorded, retried, sent once). Their stored
  words hold the links without their tokens; `subscription_email_fill_in` puts them in as each
  is sent (`S55_EMAIL_FILL_IN`). The tokens are HMACs of the subscription's random reference
  with the site's secret key, one per purpose, so the database holds nothing that works as a
  link. Every email names the subscription by its reference in its key, which is how an
  unsubscribe finds and deletes them; sent ones are deleted after SENT_EMAILS_KEPT_DAYS anyway.
  They carry no office id: an office never sees its subscribers' addresses.
- **What is sent.** `notify_subscribers_after_publication`, a subscriber of "response.published"
  (config/events.py), stores one email per confirmed subscriber of the body for the version
  (`SubscriptionNotice`, unique per subscriber and version), in the subscriber's language,
  linking to the public page.
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.models import PolicingBody
from core.i18n import text_for_page
from core.models import OutgoingEmail
from core.outbox import Email, emails_create
from responses.models import ResponseVersion

from .models import (
    EmailSubscription,
    PublishedResponse,
    SubscriptionLanguage,
    SubscriptionNotice,
)

#: Days a sign-up waits for its confirmation before it is deleted.
CONFIRM_DAYS = getattr(settings, "S55_SUBSCRIPTION_CONFIRM_DAYS", 7)
#: Days a sent email to a subscriber is kept (to see it went), then deleted.
SENT_EMAILS_KEPT_DAYS = getattr(settings, "S55_SUBSCRIPTION_EMAILS_KEPT_DAYS", 30)

CONFIRM = "confirm"
UNSUBSCRIBE = "unsubscribe"

#: The emails' kinds in the outbox (core.models.OutgoingEmail.kind), and their templates
#: (templates/emails/public/<kind>.txt and .html).
KIND_CONFIRM = "subscription_confirm"
KIND_ALREADY = "subscription_already"
KIND_NOTICE = "subscription_notice"
KINDS = (KIND_CONFIRM, KIND_ALREADY, KIND_NOTICE)

#: Stand-ins for the two links' tokens in the stored words and headers, replaced as each email
#: is sent (`subscription_email_fill_in`).
CONFIRM_TOKEN_PLACEHOLDER = "__s55-confirm-token__"  # noqa: S105 - a placeholder, not a secret
UNSUBSCRIBE_TOKEN_PLACEHOLDER = "__s55-unsubscribe-token__"  # noqa: S105 - a placeholder


class PublicCopyNotReady(RuntimeError):
    """The public page a notice links to is not there yet (its copy is made by another
    subscriber of the same event): the delivery is retried, with backoff, until it is."""


# --- addresses and tokens ----------------------------------------------------------------------


def normalise_address(email: str) -> str:
    """The one way an address is stored and compared: trimmed and in lower case (mail
    providers treat addresses without regard to case; the database checks it is so)."""
    return email.strip().lower()


def address_key(email: str) -> str:
    """An address as the rate limit counts it: an HMAC, so the cache never holds the address."""
    return salted_hmac(
        "public.subscriptions.address", normalise_address(email), algorithm="sha256"
    ).hexdigest()


def token_for(subscription: EmailSubscription, purpose: str) -> str:
    """The token of the link that confirms (CONFIRM) or stops (UNSUBSCRIBE) the subscription:
    an HMAC of its reference and the purpose with the site's secret key (never stored)."""
    return _token(str(subscription.reference), purpose, settings.SECRET_KEY)


def _token(reference: str, purpose: str, secret: str) -> str:
    return salted_hmac(
        f"public.subscriptions.{purpose}", reference, secret=secret, algorithm="sha256"
    ).hexdigest()


def token_is_valid(reference, purpose: str, token: str) -> bool:
    """Whether `token` is the link's token for `reference`, made with the secret key or one of
    its fallbacks (a key being rotated out), compared in constant time."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(
        constant_time_compare(_token(str(reference), purpose, secret), token or "")
        for secret in secrets
    )


def link(name: str, subscription_or_reference, language: str, *, token: str) -> str:
    """The full address of a subscription page (`public:<name>`) in `language`."""
    reference = getattr(subscription_or_reference, "reference", subscription_or_reference)
    with translation.override(language):
        path = reverse(f"public:{name}", kwargs={"reference": reference, "token": token})
    return settings.SITE_URL + path


# --- the emails --------------------------------------------------------------------------------


def _email_key(subscription: EmailSubscription, occasion: str) -> str:
    """The outbox key of an email to this subscription: its reference first (how an unsubscribe
    finds every email to it), then what occasioned it."""
    return f"{subscription.reference}:{occasion}"


def _unsubscribe_headers(subscription: EmailSubscription) -> dict[str, str]:
    url = link(
        "unsubscribe",
        subscription,
        subscription.language,
        token=UNSUBSCRIBE_TOKEN_PLACEHOLDER,
    )
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _render(kind: str, subscription: EmailSubscription, context: dict) -> Email:
    language = subscription.language
    with translation.override(language):
        # The body named as the pages name it (PolicingBody.name_for_page): in a Welsh email by
        # its Welsh name where it has one, else by its English name, marked as English in the
        # HTML part, like the report's title (HMICFRS's, in English).
        name = subscription.policing_body.name_for_page()
        report = context.get("report")
        context = {
            **context,
            "body_name": name.text,
            "body_name_html": name.html,
            "report_title_html": text_for_page(report.title).html if report else "",
            "confirm_link": link(
                "subscription-confirm", subscription, language, token=CONFIRM_TOKEN_PLACEHOLDER
            ),
            "unsubscribe_link": link(
                "unsubscribe", subscription, language, token=UNSUBSCRIBE_TOKEN_PLACEHOLDER
            ),
            "confirm_days": CONFIRM_DAYS,
        }
        subject = render_to_string(f"emails/public/{kind}_subject.txt", context)
        return Email(
            to=subscription.email,
            subject=" ".join(subject.split()),
            text=render_to_string(f"emails/public/{kind}.txt", context),
            html=render_to_string(f"emails/public/{kind}.html", context),
            headers=_unsubscribe_headers(subscription),
        )


def subscription_email_fill_in(email: OutgoingEmail) -> tuple[str, str, dict[str, str]]:
    """`S55_EMAIL_FILL_IN` for the subscription emails: the stored words and headers with the
    links' tokens made now. The subscription is named by the email's key (its reference); if it
    is gone (unsubscribed as the email was being sent), the links are left without tokens and
    lead to the page that says so."""
    text, html, headers = email.text, email.html, dict(email.headers or {})
    reference = email.key.split(":", 1)[0]
    with contextlib.suppress(ValueError):
        reference = str(uuid.UUID(reference))
    subscription = EmailSubscription.objects.filter(reference=reference).first()
    if subscription is None:
        return text, html, headers
    tokens = {
        CONFIRM_TOKEN_PLACEHOLDER: token_for(subscription, CONFIRM),
        UNSUBSCRIBE_TOKEN_PLACEHOLDER: token_for(subscription, UNSUBSCRIBE),
    }
    for placeholder, token in tokens.items():
        text = text.replace(placeholder, token)
        html = html.replace(placeholder, token)
        headers = {name: value.replace(placeholder, token) for name, value in headers.items()}
    return text, html, headers


def _emails_to(subscription: EmailSubscription):
    return OutgoingEmail.objects.filter(
        kind__in=KINDS, key__startswith=f"{subscription.reference}:"
    )


# --- the services ------------------------------------------------------------------------------


def subscription_request(
    *, policing_body: PolicingBody, email: str, language: str, now=None
) -> None:
    """Someone typed `email` on `policing_body`'s sign-up page (in `language`). Returns nothing,
    and does the same work whatever the address's state, so the page cannot tell:

    - a new address is stored unconfirmed and sent the link to confirm it;
    - an address waiting for confirmation is sent the link again (its CONFIRM_DAYS start again,
      in the language of this page);
    - a confirmed address is sent "you are already subscribed", with the link to stop.
    """
    address = normalise_address(email)
    validate_email(address)
    if len(address) > EmailSubscription._meta.get_field("email").max_length:
        raise ValidationError("The address is too long.")
    if language not in SubscriptionLanguage.values:
        language = SubscriptionLanguage.ENGLISH
    now = now or timezone.now()
    with transaction.atomic():
        # Two sign-ups for one address at the same time: one row, both then lock it.
        EmailSubscription.objects.bulk_create(
            [
                EmailSubscription(
                    policing_body=policing_body,
                    email=address,
                    language=language,
                    created_at=now,
                    requested_at=now,
                )
            ],
            ignore_conflicts=True,
        )
        subscription = (
            EmailSubscription.objects.select_for_update()
            .select_related("policing_body")
            .get(policing_body=policing_body, email=address)
        )
        if subscription.is_confirmed:
            kind = KIND_ALREADY
        else:
            kind = KIND_CONFIRM
            subscription.requested_at = now
            subscription.language = language
            subscription.save(update_fields=["requested_at", "language"])
        emails_create(
            kind=kind,
            key=_email_key(subscription, now.isoformat()),
            emails=[_render(kind, subscription, {})],
            office_id=None,
        )


def _valid_subscription(reference, purpose: str, token: str, *, lock: bool):
    if not token_is_valid(reference, purpose, token):
        return None
    subscriptions = EmailSubscription.objects.select_related("policing_body")
    if lock:
        subscriptions = subscriptions.select_for_update()
    return subscriptions.filter(reference=reference).first()


def is_expired(subscription: EmailSubscription, *, now=None) -> bool:
    """An unconfirmed sign-up older than CONFIRM_DAYS: its link no longer confirms it."""
    now = now or timezone.now()
    return not subscription.is_confirmed and subscription.requested_at < now - timedelta(
        days=CONFIRM_DAYS
    )


def subscription_for_link(reference, purpose: str, token: str, *, now=None):
    """The subscription a link names, if its token is right and (to confirm) it has not
    expired; else None. For the page a link leads to (a GET changes nothing)."""
    subscription = _valid_subscription(reference, purpose, token, lock=False)
    if subscription is None or (purpose == CONFIRM and is_expired(subscription, now=now)):
        return None
    return subscription


def subscription_confirm(*, reference, token: str, now=None) -> EmailSubscription | None:
    """Confirm the subscription the link names (the confirm button: a POST). Idempotent: a
    second confirmation (a double click, two tabs) keeps the first time. None when the link is
    wrong, the sign-up expired or it was deleted."""
    now = now or timezone.now()
    with transaction.atomic():
        subscription = _valid_subscription(reference, CONFIRM, token, lock=True)
        if subscription is None or is_expired(subscription, now=now):
            return None
        if not subscription.is_confirmed:
            subscription.confirmed_at = now
            subscription.save(update_fields=["confirmed_at"])
    return subscription


def subscription_delete(*, reference, token: str) -> bool | None:
    """Unsubscribe (the button, or a mail client's one-click POST): delete the subscription, its
    notices and every stored email to it. None when the token is wrong for the reference; False
    when it was already gone (unsubscribing twice is not an error); True when deleted."""
    if not token_is_valid(reference, UNSUBSCRIBE, token):
        return None
    with transaction.atomic():
        subscription = (
            EmailSubscription.objects.select_for_update().filter(reference=reference).first()
        )
        if subscription is None:
            return False
        _emails_to(subscription).delete()
        subscription.delete()
    return True


def subscriptions_expire(*, now=None) -> dict[str, int]:
    """The beat's sweep (public.tasks.expire_subscriptions): delete every sign-up not confirmed
    within CONFIRM_DAYS, with the emails to it, and every email sent to a subscriber more than
    SENT_EMAILS_KEPT_DAYS ago. Safe to run at any time and twice."""
    now = now or timezone.now()
    expired = EmailSubscription.objects.filter(
        confirmed_at__isnull=True, requested_at__lt=now - timedelta(days=CONFIRM_DAYS)
    )
    count = 0
    with transaction.atomic():
        for subscription in expired.select_for_update(skip_locked=True):
            _emails_to(subscription).delete()
            subscription.delete()
            count += 1
        old_emails, _ = OutgoingEmail.objects.filter(
            kind__in=KINDS,
            sent_at__lt=now - timedelta(days=SENT_EMAILS_KEPT_DAYS),
        ).delete()
    return {"subscriptions": count, "emails": old_emails}


def notify_subscribers_after_publication(version_id: int) -> int:
    """Subscriber of "response.published" (config/events.py): one email to each confirmed
    subscriber of the body, in their language, about the version (the response's first
    publication, or an amendment's new version), linking to its public page. At most one per
    subscriber and version (`SubscriptionNotice`), so a re-run sends nobody a second email.
    Returns how many emails were stored.

    Not sent: for a version withdrawn before this runs, or for the first version of a response
    published before the office used the product (`response_import_published`: recording the
    archive is not news). Waits (raises PublicCopyNotReady, retried) until the public copy of
    this version exists, so that the link in the email never leads to a missing page."""
    version = ResponseVersion.objects.select_related(
        "response__policing_body", "response__report"
    ).get(pk=version_id)
    response = version.response
    if version.withdrawn_at is not None or (response.imported and version.number == 1):
        return 0
    subscriptions = list(
        EmailSubscription.objects.filter(
            policing_body_id=response.policing_body_id, confirmed_at__isnull=False
        )
        .exclude(notices__version=version)
        .select_related("policing_body")
        .order_by("id")
    )
    if not subscriptions:
        return 0
    copy_number = (
        PublishedResponse.objects.filter(response_id=response.pk)
        .values_list("version__number", flat=True)
        .first()
    )
    if copy_number is None or copy_number < version.number:
        raise PublicCopyNotReady(
            f"The public copy of version {version.number} is not made yet; the emails to "
            "subscribers wait for it."
        )
    SubscriptionNotice.objects.bulk_create(
        [SubscriptionNotice(subscription=s, version=version) for s in subscriptions],
        ignore_conflicts=True,
    )
    emails = []
    for subscription in subscriptions:
        with translation.override(subscription.language):
            page = reverse("public:response", kwargs={"pk": response.pk})
        if version.number > 1:
            page += f"#version-{version.number}"
        context = {
            "version": version,
            "report": response.report,
            "amended": version.number > 1,
            "response_link": settings.SITE_URL + page,
        }
        email = _render(KIND_NOTICE, subscription, context)
        # One outbox row per subscriber and version: its own key.
        emails_create(
            kind=KIND_NOTICE,
            key=_email_key(subscription, f"version-{version.pk}"),
            emails=[email],
            office_id=None,
        )
        emails.append(email)
    return len(emails)

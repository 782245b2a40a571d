"""The pages of the email subscriptions (public/subscriptions.py): sign up on a policing body's
page, confirm from the emailed link, unsubscribe from any email.

None of them is cached (each answer is private) and none shows an email address. The links'
pages change nothing on GET: a mail scanner that fetches a link confirms or unsubscribes
nobody; the button (a POST) does. The unsubscribe address also takes a mail client's one-click
POST (RFC 8058), which carries no CSRF token: the link's own token is what authorises it.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import PolicingBody

from . import subscriptions, throttle
from .forms import SubscribeForm


def _wait_text(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    if minutes < 120:
        return ngettext(
            "You have asked for too many emails. Try again in %(count)s minute.",
            "You have asked for too many emails. Try again in %(count)s minutes.",
            minutes,
        ) % {"count": minutes}
    hours = -(-minutes // 60)
    return ngettext(
        "You have asked for too many emails. Try again in %(count)s hour.",
        "You have asked for too many emails. Try again in %(count)s hours.",
        hours,
    ) % {"count": hours}


def _body_context(body: PolicingBody) -> dict:
    """The body and its name in the page's language (`PolicingBody.name_for_page`): `body_name`
    for the page's title, `body_name_html` for its text, where an English name on a Welsh page
    is marked as English (`lang="en-GB"`, so screen readers pronounce it as English)."""
    name = body.name_for_page()
    return {"body": body, "body_name": name.text, "body_name_html": name.html}


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request, slug: str):
    """The sign-up form. Every valid sign-up ends on the same "check your email" page, whatever
    the address's state (subscriptions.subscription_request); too many from one client or for
    one address answer 429 with the form and the time to wait."""
    body = get_object_or_404(PolicingBody, slug=slug)
    form = SubscribeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        wait = throttle.client_wait(request)
        if wait is None and form.is_valid():
            email = form.cleaned_data["email"]
            wait = throttle.address_wait(email)
            if wait is None:
                try:
                    subscriptions.subscription_request(
                        policing_body=body, email=email, language=translation.get_language()
                    )
                except ValidationError:
                    form.add_error("email", form.fields["email"].error_messages["invalid"])
                else:
                    return redirect("public:subscribe-sent", slug=body.slug)
        if wait is not None:
            form.add_error(None, _wait_text(wait))
            status = 429
    title = _("Get emails about the %(name)s's responses") % {
        "name": _body_context(body)["body_name"]
    }
    return render(
        request,
        "public/subscribe.html",
        {
            **_body_context(body),
            "form": form,
            "page_title": (_("Error: ") if form.errors else "") + title,
            "confirm_days": subscriptions.CONFIRM_DAYS,
            "kept_days": subscriptions.SENT_EMAILS_KEPT_DAYS,
        },
        status=status,
    )


@never_cache
@require_safe
def subscribe_sent(request, slug: str):
    body = get_object_or_404(PolicingBody, slug=slug)
    return render(
        request,
        "public/subscribe_sent.html",
        {
            **_body_context(body),
            "page_title": _("Check your email"),
            "confirm_days": subscriptions.CONFIRM_DAYS,
        },
    )


def _link_not_working(request):
    return render(
        request,
        "public/subscription_link.html",
        {"page_title": _("This link does not work"), "confirm_days": subscriptions.CONFIRM_DAYS},
        status=404,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, reference, token: str):
    """GET: the button to confirm. POST: confirm (idempotent), then say so."""
    if request.method == "POST":
        subscription = subscriptions.subscription_confirm(reference=reference, token=token)
        if subscription is None:
            return _link_not_working(request)
        return render(
            request,
            "public/subscription_confirmed.html",
            {
                **_body_context(subscription.policing_body),
                "page_title": _("You are subscribed"),
                "unsubscribe_url": reverse(
                    "public:unsubscribe",
                    kwargs={
                        "reference": subscription.reference,
                        "token": subscriptions.token_for(subscription, subscriptions.UNSUBSCRIBE),
                    },
                ),
            },
        )
    subscription = subscriptions.subscription_for_link(reference, subscriptions.CONFIRM, token)
    if subscription is None:
        return _link_not_working(request)
    return render(
        request,
        "public/subscription_confirm.html",
        {
            **_body_context(subscription.policing_body),
            "page_title": _("Confirm your subscription"),
            "already": subscription.is_confirmed,
        },
    )


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, reference, token: str):
    """GET: the button to unsubscribe. POST (the button, or a mail client's one-click):
    delete the address. Unsubscribing twice says the same; a wrong token is 404."""
    if request.method == "POST":
        deleted = subscriptions.subscription_delete(reference=reference, token=token)
        if deleted is None:
            return _link_not_working(request)
        return render(
            request, "public/unsubscribed.html", {"page_title": _("You have unsubscribed")}
        )
    if not subscriptions.token_is_valid(reference, subscriptions.UNSUBSCRIBE, token):
        return _link_not_working(request)
    subscription = subscriptions.subscription_for_link(reference, subscriptions.UNSUBSCRIBE, token)
    if subscription is None:
        return render(
            request, "public/unsubscribed.html", {"page_title": _("You have unsubscribed")}
        )
    return render(
        request,
        "public/unsubscribe.html",
        {**_body_context(subscription.policing_body), "page_title": _("Unsubscribe")},
    )

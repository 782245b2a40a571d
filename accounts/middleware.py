"""Per-request organisation (`request.office`, `request.force`), the idle timeout, and
two-factor enforcement."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device

from .permissions import (
    act_for_office,
    all_memberships,
    is_national_viewer,
    is_register_maintainer,
    user_force,
    user_offices,
)

#: The office a person chose in the header's switcher, in their session.
OFFICE_SESSION_KEY = "s55_office"
#: The same choice remembered across sign-outs (a signed cookie, so it cannot be forged; it
#: only ever pre-selects among the person's current offices).
OFFICE_COOKIE = "s55_office"
OFFICE_COOKIE_SALT = "accounts.office-choice"
#: When the signed-in person last made a request (seconds since the epoch), for the idle timeout.
LAST_ACTIVITY_KEY = "s55_last_activity"
#: The stamp is rewritten at most this often, so a busy person's session is not saved on every
#: request; the timeout is therefore exact to within this many seconds.
LAST_ACTIVITY_RESOLUTION = 60


def remembered_office_id(request) -> str | None:
    """The office chosen in this session, else the one remembered in the cookie, else None."""
    chosen = request.session.get(OFFICE_SESSION_KEY)
    if chosen is not None:
        return str(chosen)
    return request.get_signed_cookie(OFFICE_COOKIE, default=None, salt=OFFICE_COOKIE_SALT)


def remember_office(request, response, office) -> None:
    """Record `office` as the one the person acts for: in the session, and in a cookie that
    outlives signing out (it holds an office id, nothing that grants anything)."""
    request.session[OFFICE_SESSION_KEY] = office.pk
    response.set_signed_cookie(
        OFFICE_COOKIE,
        str(office.pk),
        salt=OFFICE_COOKIE_SALT,
        max_age=60 * 60 * 24 * 365,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def idle_timeout_minutes(user) -> int:
    """How long this person may stay idle: the shortest timeout of the organisations they
    belong to (`idle_timeout_minutes` on the office or force), else `S55_IDLE_TIMEOUT_MINUTES`."""
    # A national membership (the register maintainer's) has no organisation of its own.
    timeouts = [
        (m.policing_body or m.force).idle_timeout_minutes
        for m in all_memberships(user)
        if m.policing_body_id or m.force_id
    ]
    return min(timeouts, default=settings.S55_IDLE_TIMEOUT_MINUTES)


def stamp_activity_at_sign_in(sender, request, user, **kwargs) -> None:
    """Signing in counts as activity (connected to `user_logged_in` in apps.py), so the first
    request after it does not have to save the session again."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_ACTIVITY_KEY] = int(time.time())


def _is_staff_path(path: str) -> bool:
    try:
        return resolve(path).namespace in STAFF_NAMESPACES
    except Resolver404:
        return False


#: The session key that says which provider the person signed in with (set by the views).
SSO_PROVIDER = "oidc_provider_id"


class CurrentOrganisationMiddleware:
    """Set `request.office` (the PolicingBody the signed-in person acts for, or None),
    `request.offices` (every office they may act for, for the header's switcher) and
    `request.force` (the Force of a force contributor, or None), `request.register_maintainer`
    (holds the national register maintainer role) and `request.national_viewer` (holds the
    national read-only role). One query per request for a
    signed-in user (their active memberships, cached on the user for the permission checks).

    Also signs out a person idle for longer than their organisation allows: the session is
    ended, and a staff page sends them to sign in again. Needs the session, authentication and
    messages middleware before it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        request.office, request.offices, request.force = None, [], None
        request.register_maintainer = request.national_viewer = False
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        now = int(time.time())
        last = request.session.get(LAST_ACTIVITY_KEY)
        if last is not None and now - last > idle_timeout_minutes(user) * 60:
            return self._timed_out(request)
        if last is None or now - last >= LAST_ACTIVITY_RESOLUTION:
            request.session[LAST_ACTIVITY_KEY] = now
        try:
            chosen = remembered_office_id(request)
        except signing.BadSignature:
            chosen = None
        request.office = act_for_office(user, chosen)
        request.offices = user_offices(user)
        request.force = user_force(user)
        request.register_maintainer = is_register_maintainer(user)
        request.national_viewer = is_national_viewer(user)
        return self.get_response(request)

    def _timed_out(self, request):
        minutes = idle_timeout_minutes(request.user)
        logout(request)
        messages.info(
            request,
            _(
                "You were signed out because you had done nothing for %(minutes)s minutes. Sign in again to carry on."
            )
            % {"minutes": minutes},
        )
        if _is_staff_path(request.path_info):
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)


#: URL namespaces of the staff application (the public site and /healthz are outside it).
STAFF_NAMESPACES = frozenset(
    {
        "accounts",
        "inspections",
        "importer",
        "responses",
        "corrections",
        "pdf",
        "reminders",
        "tracking",
        "admin",
    }
)
#: Staff URLs reachable before the second factor: signing in and out, setting up or entering
#: the code, and resetting a forgotten password.
TWO_FACTOR_EXEMPT = frozenset(
    {
        "accounts:sign-in",
        "accounts:sign-out",
        "accounts:signed-out",
        "accounts:sso-start",
        "accounts:sso-callback",
        "accounts:two-factor-setup",
        "accounts:two-factor-verify",
        "accounts:password-reset",
        "accounts:password-reset-sent",
        "accounts:password-reset-confirm",
        "accounts:password-reset-complete",
        # Choosing Welsh or English, on the sign-in and two-factor pages too.
        "accounts:language",
        "admin:login",
        "admin:logout",
    }
)


class TwoFactorMiddleware:
    """Before any staff page, a signed-in person must have passed the second factor if their
    office requires two-factor sign-in (`PolicingBody.require_two_factor`) or they have set up
    an authenticator app themselves. They are sent to set it up, or to enter a code, and then
    on to the page they asked for. Needs django_otp's OTPMiddleware before it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return None
        if request.session.get(SSO_PROVIDER) is not None:
            # Signed in through the organisation's provider, whose own sign-in (with its
            # multi-factor policy) stands in for ours: a second code here is what stops a tool
            # being adopted.
            return None
        match = request.resolver_match
        if match is None or match.namespace not in STAFF_NAMESPACES:
            return None
        if match.view_name in TWO_FACTOR_EXEMPT:
            return None
        office = getattr(request, "office", None)
        required = bool(office and office.require_two_factor)
        has_device = user_has_device(user, confirmed=True)
        if not (required or has_device):
            return None
        target = "accounts:two-factor-verify" if has_device else "accounts:two-factor-setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")

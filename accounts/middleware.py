"""Per-request organisation (`request.office`, `request.force`) and two-factor enforcement."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from .permissions import user_force, user_office

#: The session key that says which provider the person signed in with (set by the views).
SSO_PROVIDER = "oidc_provider_id"


class CurrentOrganisationMiddleware:
    """Set `request.office` (the signed-in user's PolicingBody, or None) and `request.force`
    (the Force of a force contributor, or None). One query per request for a signed-in user
    (their active memberships, cached on the user for the permission checks); none otherwise.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            request.office = user_office(user)
            request.force = user_force(user)
        else:
            request.office = None
            request.force = None
        return self.get_response(request)


#: URL namespaces of the staff application (the public site and /healthz are outside it).
STAFF_NAMESPACES = frozenset(
    {"accounts", "inspections", "importer", "responses", "pdf", "reminders", "tracking", "admin"}
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

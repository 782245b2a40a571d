"""Signing in and out, passwords, two-factor sign-in, and the office admin's pages (people and
branding under /accounts/office/)."""

import hashlib
from base64 import b32encode
from urllib.parse import urlencode, urlsplit

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse, reverse_lazy, translate_url
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import i18n
from core.uploads import body_limit

from . import forms, oidc, selectors, services
from .invitations import (
    InvitationError,
    can_set_password,
    invitation_accept,
    invitation_create,
    invitation_for_token,
    invitation_resend,
    invitation_revoke,
)
from .middleware import SSO_PROVIDER, remember_office
from .models import (
    IdentityProvider,
    Invitation,
    InvitationEmail,
    Membership,
    PlanPriority,
    PolicingBody,
)
from .permissions import (
    all_memberships,
    force_ids,
    has_office_role,
    office_required,
    user_office,
    user_offices,
)
from .selectors import person_namer

# --- signing in and out ----------------------------------------------------------------------


def home_for(user) -> str:
    """Staff start at their dashboard; anyone else at the home page."""
    if user_office(user) is not None or force_ids(user):
        return reverse("responses:dashboard")
    return settings.LOGIN_REDIRECT_URL


class SignInView(auth_views.LoginView):
    """The password form, and "Sign in with <organisation>" when any organisation has its own
    provider (the form for that posts to `sso_start`)."""

    template_name = "accounts/sign_in.html"
    authentication_form = forms.SignInForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return home_for(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("sso_form", _sso_form())
        return context

    def dispatch(self, request, *args, **kwargs):
        return _forms_may_go_to_providers(super().dispatch(request, *args, **kwargs))


def _forms_may_go_to_providers(response):
    """The single sign-on form's answer is a redirect to the organisation's provider, and
    browsers hold redirects after a form to the policy's `form-action`: on the pages with that
    form, it also names the active providers' origins (their issuer's, and their authorisation
    endpoint's when its discovery document is known)."""
    origins = oidc.provider_origins(selectors.identity_providers_offered())
    if origins:
        response._csp_config = {
            **settings.SECURE_CSP,
            "form-action": [*settings.SECURE_CSP["form-action"], *origins],
        }
    return response


def _sso_form(data=None):
    """The single sign-on form, or None when no organisation signs in with its own provider."""
    if not selectors.identity_providers_offered().exists():
        return None
    return forms.SingleSignOnForm(data, prefix="sso")


class SignOutView(auth_views.LogoutView):
    """POST only (a button in the navigation), as Django requires for signing out. Someone who
    signed in through their organisation's provider is then offered its sign-out too."""

    next_page = "/"

    def post(self, request, *args, **kwargs):
        provider_name, end_session = "", ""
        provider = _session_provider(request)
        if provider is not None:
            provider_name = provider.name
            end_session = oidc.end_session_url(
                provider, post_logout_redirect_uri=request.build_absolute_uri("/")
            )
        response = super().post(request, *args, **kwargs)
        messages.success(request, gettext("You have signed out."))
        if end_session:
            request.session[_SIGNED_OUT] = {"name": provider_name, "url": end_session}
            return redirect("accounts:signed-out")
        return response


# --- single sign-on through the organisation's provider (accounts/oidc.py) --------------------

#: Session keys: the pending sign-ins by state, the provider this session signed in with, and
#: the provider's end-session link offered after signing out.
_PENDING = "oidc_pending"
_SIGNED_OUT = "oidc_signed_out"
#: Sign-ins started at once in one browser (tabs) that are remembered; older ones are dropped.
_PENDING_LIMIT = 5


def _session_provider(request):
    provider_id = request.session.get(SSO_PROVIDER)
    if provider_id is None:
        return None
    return IdentityProvider.objects.filter(pk=provider_id).first()


def _callback_uri(request) -> str:
    return request.build_absolute_uri(reverse("accounts:sso-callback"))


@require_POST
def sso_start(request):
    """Send the person to their organisation's provider (found from their email's domain or
    chosen), remembering the state, nonce and PKCE verifier of this request in the session."""
    form = _sso_form(request.POST)
    if form is None:
        raise Http404("No organisation signs in with its own provider.")
    if not form.is_valid():
        return _sign_in_page(request, sso_form=form, status=400)
    provider = form.cleaned_data["provider"]
    try:
        url, pending = oidc.authorization_request(
            provider,
            redirect_uri=_callback_uri(request),
            next_url=_next_url(request, ""),
            login_hint=form.cleaned_data.get("email") or "",
        )
    except oidc.SignInError as error:
        return _sso_failed(request, str(error))
    waiting = dict(request.session.get(_PENDING, {}))
    waiting[pending.state] = pending.as_session()
    request.session[_PENDING] = dict(list(waiting.items())[-_PENDING_LIMIT:])
    return redirect(url)


def _sign_in_page(request, *, sso_form, status: int):
    context = {
        "form": forms.SignInForm(request),
        "sso_form": sso_form,
        "next": _next_url(request, ""),
    }
    return _forms_may_go_to_providers(
        render(request, "accounts/sign_in.html", context, status=status)
    )


def _sso_failed(request, message: str, *, status: int = 400):
    return render(request, "accounts/sso_failed.html", {"message": message}, status=status)


def sso_callback(request):
    """The provider sends the person back here (the redirect URI registered with it). The state
    must be one this browser started and has not used; then the code is exchanged, the ID
    token checked, and the person signed in as the account linked to their subject."""
    state = request.GET.get("state", "")
    waiting = dict(request.session.get(_PENDING, {}))
    saved = waiting.pop(state, None) if state else None
    request.session[_PENDING] = waiting
    if saved is None:
        return _sso_failed(
            request,
            gettext(
                "This sign-in link has already been used or was not started in this browser. "
                "Start again from the sign-in page."
            ),
        )
    pending = oidc.Pending.from_session(saved)
    provider = IdentityProvider.objects.filter(pk=pending.provider_id, is_active=True).first()
    if provider is None or pending.expired:
        return _sso_failed(
            request, gettext("The sign-in took too long. Start again from the sign-in page.")
        )
    if request.GET.get("error"):
        return _sso_failed(
            request,
            gettext("%(name)s did not sign you in (%(error)s). Start again from the sign-in page.")
            % {"name": provider.name, "error": request.GET["error"]},
        )
    try:
        claims = oidc.complete(
            provider,
            pending=pending,
            code=request.GET.get("code", ""),
            redirect_uri=_callback_uri(request),
        )
        user = services.external_identity_sign_in(provider=provider, claims=claims)
    except (oidc.SignInError, services.SingleSignOnRefused) as error:
        return _sso_failed(request, str(error), status=403)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SSO_PROVIDER] = provider.pk
    target = _safe_url(request, pending.next_url, "")
    if not all_memberships(user) and not _is_invitation(target):
        return redirect("accounts:no-access")
    return redirect(target or home_for(user))


def _is_invitation(url: str) -> bool:
    """Is `url` an invitation's link? Someone with no role yet who signed in with their
    organisation's provider to accept one goes back to it, not to "no access"."""
    try:
        return resolve(urlsplit(url).path).view_name == "accounts:invitation-accept"
    except Resolver404:
        return False


@login_required
def no_access(request):
    """Signed in, but with no role yet: what to do next."""
    if all_memberships(request.user):
        return redirect(home_for(request.user))
    return render(request, "accounts/no_access.html")


def signed_out(request):
    """After signing out of this service: the organisation's provider's sign-out, offered."""
    offer = request.session.pop(_SIGNED_OUT, None)
    if offer is None:
        return redirect("/")
    return render(
        request, "accounts/signed_out.html", {"provider_name": offer["name"], "url": offer["url"]}
    )


# --- passwords ---------------------------------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for an address and says the same thing whether or not an account has it. The work
    is recorded for every address (`password_reset_request`) and done in a worker, so the page
    takes the same time either way (sending it here would make a known address measurably
    slower); the email is a stored row, sent once (core/outbox.py)."""

    template_name = "accounts/password_reset.html"
    form_class = forms.PasswordResetForm
    success_url = reverse_lazy("accounts:password-reset-sent")

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        domain, use_https = self.request.get_host(), self.request.is_secure()
        services.password_reset_request(email=email, domain=domain, use_https=use_https)
        return redirect(self.get_success_url())


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = forms.SetPasswordForm
    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = forms.PasswordChangeForm
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, gettext("Your password has been changed."))
        return response


@login_required
def account(request):
    """The signed-in person's own page: who they are, their roles, password, two-factor."""
    return render(
        request,
        "accounts/account.html",
        {
            "memberships": all_memberships(request.user),
            "has_two_factor": _has_confirmed_device(request.user),
            "two_factor_required": bool(request.office and request.office.require_two_factor),
            "is_office_admin": bool(
                request.office
                and has_office_role(request.user, request.office, Membership.Role.OPCC_ADMIN)
            ),
        },
    )


@login_required
@require_POST
def sign_out_everywhere(request):
    """End every session the person has, on every device, this one included."""
    ended = services.user_sessions_end(user=request.user)
    logout(request)
    messages.success(
        request,
        ngettext(
            "You have signed out everywhere (%(ended)s session ended). Sign in again to carry on.",
            "You have signed out everywhere (%(ended)s sessions ended). Sign in again to carry on.",
            ended,
        )
        % {"ended": ended},
    )
    return redirect("accounts:sign-in")


@login_required
@require_POST
def office_switch(request):
    """Act for another of the person's offices (the header's switcher). Only an office where
    they hold a role now can be chosen; the choice is remembered in the session and a cookie.
    Goes to the dashboard: the page they were on may belong to the office they left."""
    office = next(
        (o for o in user_offices(request.user) if str(o.pk) == request.POST.get("office")), None
    )
    if office is None:
        return render(request, "accounts/office_switch_refused.html", status=400)
    response = redirect("responses:dashboard")
    remember_office(request, response, office)
    messages.success(
        request,
        gettext("You are now acting for %(office_name)s.") % {"office_name": office.office_name},
    )
    return response


# --- two-factor sign-in ------------------------------------------------------------------------


def _has_confirmed_device(user) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def _next_url(request, default: str) -> str:
    return _safe_url(request, request.POST.get("next") or request.GET.get("next") or "", default)


def _safe_url(request, target: str, default: str) -> str:
    """`target` if it stays on this site, else `default`."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_GET
def language(request, code: str):
    """The language switcher: remember Welsh or English (on the signed-in person, and in this
    browser's cookie) and go back to the page, whose address the switcher gave in the chosen
    language (core.i18n.language_links)."""
    if not i18n.is_supported(code):
        raise Http404("No such language")
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=code)
    response = redirect(_next_url(request, default=translate_url("/", code)))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE or request.is_secure(),
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


def _qr_svg(url: str) -> str:
    """The otpauth:// URL as an inline SVG QR code (drawn here: no request leaves the site)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg = image.to_string(encoding="unicode")
    # qrcode's SVG is generated from the URL's bits only (paths and numbers), never from text.
    return mark_safe(  # noqa: S308
        svg.replace(
            "<svg ",
            format_html(
                '<svg role="img" aria-label="{}" ',
                gettext("QR code for your authenticator app"),
            ),
            1,
        )
    )


@login_required
def two_factor_setup(request):
    """Add an authenticator app: start (a POST makes the key), scan the QR code (or type the
    key), then enter a code. A GET only reads: it never creates a device, so a link or a
    prefetch cannot replace the key someone is about to scan."""
    if _has_confirmed_device(request.user):
        messages.info(request, gettext("Two-factor sign-in is already set up for your account."))
        return redirect("accounts:account")
    next_url = _next_url(request, "")
    if request.method == "POST" and request.POST.get("action") == "start":
        services.two_factor_device_start(user=request.user)
        return redirect(
            f"{reverse('accounts:two-factor-setup')}?{urlencode({'next': next_url})}"
            if next_url
            else reverse("accounts:two-factor-setup")
        )
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("pk").first()
    context = {
        "next": next_url,
        "required": bool(request.office and request.office.require_two_factor),
    }
    if device is None:
        return render(request, "accounts/two_factor_start.html", context)
    form = forms.TwoFactorCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, gettext("Two-factor sign-in is set up."))
            return redirect(_next_url(request, reverse("accounts:account")))
        form.add_error("code", _WRONG_CODE)
    key = b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            **context,
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "secret_key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
        },
    )


_WRONG_CODE = gettext_lazy(
    "The code is not right. Enter the code the app shows now; if it still fails, check that the "
    "time on your phone is set automatically"
)


@login_required
def two_factor_verify(request):
    """Enter a code at sign-in, when two-factor sign-in is on for this person."""
    if request.user.is_verified():
        return redirect(_next_url(request, reverse("accounts:account")))
    devices = list(devices_for_user(request.user, confirmed=True))
    if not devices:
        return redirect(f"{reverse('accounts:two-factor-setup')}?next={request.path}")
    form = forms.TwoFactorCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        for device in devices:
            if device.verify_token(form.cleaned_data["code"]):
                otp_login(request, device)
                return redirect(_next_url(request, home_for(request.user)))
        form.add_error("code", _WRONG_CODE)
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": _next_url(request, "")},
    )


# --- the office admin's pages ------------------------------------------------------------------

_admin_required = office_required(Membership.Role.OPCC_ADMIN)


def _office_memberships(body):
    """The office's roles and the contributors of its force: the people an office admin sees
    and manages (who in the force answers the office's invitations to comment)."""
    return Membership.objects.filter(
        Q(policing_body=body) | Q(force=body.force_id, role=Membership.Role.FORCE_CONTRIBUTOR)
    )


@_admin_required
def office_users(request):
    body = request.office
    memberships = list(
        _office_memberships(body)
        .select_related("user", "force")
        .order_by("-is_active", "user__full_name", "user__username", "role")
    )
    with_two_factor = set(
        TOTPDevice.objects.filter(
            user__in={m.user_id for m in memberships}, confirmed=True
        ).values_list("user_id", flat=True)
    )
    return render(
        request,
        "accounts/office_users.html",
        {
            "body": body,
            "active": [m for m in memberships if m.is_active],
            "inactive": [m for m in memberships if not m.is_active],
            "with_two_factor": with_two_factor,
            "role_changes": _role_changes(body, viewer=request.user),
        },
    )


def _role_changes(body, *, viewer, limit: int = 50):
    """The latest changes of role in the office and its force, newest first, with who made
    each and why (the memberships' history); whoever made a change is named as the pages name
    people (`person_namer`: someone of another organisation as that organisation)."""
    history = Membership.history.model.objects.filter(
        Q(policing_body=body) | Q(force=body.force_id, role=Membership.Role.FORCE_CONTRIBUTOR)
    )
    changes = list(history.select_related("user", "history_user").order_by("-history_date")[:limit])
    name = person_namer(viewer=viewer, people={c.history_user for c in changes})
    for change in changes:
        change.by = name(change.history_user)
    return changes


@_admin_required
def office_user_add(request):
    """The old "Add a person" address. A person now joins an office by accepting an invitation
    (`accounts.invitations`): their own account, their consent, and an email sent once from its
    recorded row, never from a page. Bookmarks go to the invitation form."""
    return redirect("accounts:office-invitation-create")


@_admin_required
def office_user_deactivate(request, pk: int):
    membership = get_object_or_404(
        _office_memberships(request.office).select_related("user"), pk=pk
    )
    error = ""
    if request.method == "POST":
        try:
            services.membership_deactivate(membership=membership, acting_user=request.user)
        except services.MembershipError as refused:
            error = str(refused)
        else:
            messages.success(
                request,
                gettext("%(display_name)s no longer has the role %(get_role_display)s.")
                % {
                    "display_name": membership.user.display_name,
                    "get_role_display": membership.get_role_display(),
                },
            )
            return redirect("accounts:office-users")
    return render(
        request,
        "accounts/office_user_deactivate.html",
        {"membership": membership, "error": error},
        status=400 if error else 200,
    )


@_admin_required
@require_POST
def office_user_reset_two_factor(request, pk: int):
    membership = get_object_or_404(
        _office_memberships(request.office).select_related("user"), pk=pk
    )
    removed = services.two_factor_reset(user=membership.user)
    if removed:
        messages.success(
            request,
            gettext(
                "%(display_name)s's authenticator app has been removed. They will set up a new one when they next sign in."
            )
            % {"display_name": membership.user.display_name},
        )
    else:
        messages.info(
            request,
            gettext("%(display_name)s had no authenticator app.")
            % {"display_name": membership.user.display_name},
        )
    return redirect("accounts:office-users")


@body_limit(
    lambda: forms.LOGO_MAX_BYTES + 512 * 1024,
    message=gettext_lazy("The logo must be smaller than 1 MB: choose a smaller PNG or JPEG file."),
)
@_admin_required
def office_branding(request):
    body = request.office
    form = forms.BrandingForm(
        request.POST if request.method == "POST" else None, request.FILES or None, instance=body
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.policing_body_update_branding(
            body=body,
            acting_user=request.user,
            holder_name=data["holder_name"],
            holder_title=data["holder_title"],
            no_force_comments_text=data["no_force_comments_text"],
            accent_colour=data["accent_colour"],
            logo_alt_text=data["logo_alt_text"],
            force_email_language=data.get("force_email_language", ""),
            logo=form.new_logo,
            remove_logo=data.get("remove_logo", False),
        )
        messages.success(request, gettext("The office's branding has been saved."))
        return redirect("accounts:office-branding")
    if request.method == "POST":
        body.refresh_from_db()  # validating the form changed the instance in memory
    return render(request, "accounts/office_branding.html", {"form": form, "body": body})


# --- invitations ---------------------------------------------------------------------------------


@_admin_required
def office_invitations(request):
    """The office's invitations: pending, accepted, expired and withdrawn, newest first."""
    body = request.office
    now = timezone.now()
    invitations = list(
        Invitation.objects.filter(policing_body=body).select_related(
            "force", "invited_by", "accepted_by"
        )
    )
    failed = set(
        InvitationEmail.objects.filter(
            invitation__in=invitations, status=InvitationEmail.Status.FAILED
        ).values_list("invitation_id", flat=True)
    )
    for invitation in invitations:
        invitation.state = invitation.state_at(now)
        invitation.email_failed = invitation.pk in failed
    return render(
        request,
        "accounts/office_invitations.html",
        {
            "body": body,
            "invitations": invitations,
            "State": Invitation.State,
            "invitation_days": settings.S55_INVITATION_DAYS,
        },
    )


@_admin_required
def office_invitation_create(request):
    body = request.office
    form = forms.InvitationForm(request.POST if request.method == "POST" else None, body=body)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = invitation_create(
                body=body,
                email=data["email"],
                full_name=data["full_name"],
                role=data["role"],
                acting_user=request.user,
                language=data.get("language") or "",
            )
        except InvitationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                gettext("We have emailed an invitation to %(email)s.")
                % {"email": invitation.email},
            )
            return redirect("accounts:office-invitations")
    return render(request, "accounts/office_invitation_create.html", {"form": form, "body": body})


def _office_invitation(request, pk: int) -> Invitation:
    return get_object_or_404(Invitation, pk=pk, policing_body=request.office)


@_admin_required
@require_POST
def office_invitation_resend(request, pk: int):
    invitation = _office_invitation(request, pk)
    try:
        invitation_resend(invitation=invitation, acting_user=request.user)
    except InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            gettext("We have emailed a new link to %(email)s.") % {"email": invitation.email},
        )
    return redirect("accounts:office-invitations")


@_admin_required
@require_POST
def office_invitation_revoke(request, pk: int):
    invitation = _office_invitation(request, pk)
    try:
        invitation_revoke(invitation=invitation, acting_user=request.user)
    except InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            gettext("The invitation to %(email)s has been withdrawn.")
            % {"email": invitation.email},
        )
    return redirect("accounts:office-invitations")


def invitation_accept_view(request, token: str):
    """The link in the invitation email. A signed-in person accepts for their account (signed in
    with a password or their organisation's identity provider); someone without an account
    chooses a password. Either way the link then stops working."""
    invitation = invitation_for_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    state = invitation.state_at(timezone.now())
    context = {"invitation": invitation, "state": state, "State": Invitation.State}
    if state != Invitation.State.PENDING:
        return render(request, "accounts/invitation_invalid.html", context, status=410)
    signed_in = request.user.is_authenticated
    password_form = None
    if not signed_in and can_set_password(invitation):
        password_form = forms.InvitationPasswordForm(
            get_user_model()(email=invitation.email, full_name=invitation.full_name),
            request.POST if request.method == "POST" else None,
            initial={"full_name": invitation.full_name},
        )
    error = ""
    if request.method == "POST":
        try:
            if signed_in:
                membership = invitation_accept(token=token, user=request.user)
            elif password_form is not None and password_form.is_valid():
                membership = invitation_accept(
                    token=token,
                    password=password_form.cleaned_data["new_password1"],
                    full_name=password_form.cleaned_data["full_name"],
                )
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                membership = None
        except InvitationError as refused:
            error = str(refused)
        else:
            if membership is not None:
                response = redirect("responses:dashboard")
                if membership.policing_body_id:  # act for the office just joined
                    remember_office(request, response, membership.policing_body)
                messages.success(
                    request,
                    gettext("You are now %(get_role_display)s for %(organisation)s.")
                    % {
                        "get_role_display": membership.get_role_display(),
                        "organisation": membership.organisation,
                    },
                )
                return response
    sign_in_url = f"{reverse('accounts:sign-in')}?{urlencode({'next': request.path})}"
    return render(
        request,
        "accounts/invitation_accept.html",
        {
            **context,
            "signed_in": signed_in,
            "email_matches": signed_in and request.user.email.lower() == invitation.email.lower(),
            "password_form": password_form,
            "sign_in_url": sign_in_url,
            "error": error,
        },
        status=400 if error or (password_form is not None and password_form.errors) else 200,
    )


# --- Office logos ------------------------------------------------------------------------------

#: How long browsers and the proxy may keep a logo before asking again (with its ETag, so the
#: answer is a 304 while it is unchanged). A replaced logo usually gets a new file name too.
LOGO_MAX_AGE = 60 * 60


def office_logo(request, name):
    """An office's current logo, in production as in development (it is in the header, the
    branding page and the PDF). Only a file that is some office's logo now is served, never
    anything else in the media storage; its `Content-Type` comes from the image itself as
    Pillow reads it (PNG or JPEG, the only formats the branding form accepts, so never SVG),
    with `nosniff` so a browser never guesses otherwise."""
    body = PolicingBody.objects.filter(logo=f"{forms.LOGO_FOLDER}/{name}").only("logo").first()
    if body is None:
        raise Http404("No such logo.")
    try:
        with body.logo.open("rb") as file:
            content = file.read(forms.LOGO_MAX_BYTES + 1)
    except OSError as error:
        raise Http404("The logo file is missing.") from error
    content_type = forms.logo_content_type(content)
    if content_type is None:
        raise Http404("The stored logo is not a PNG or JPEG image.")
    etag = f'"{hashlib.sha256(content).hexdigest()[:32]}"'
    response = get_conditional_response(request, etag=etag) or HttpResponse(
        content, content_type=content_type
    )
    response["ETag"] = etag
    response["X-Content-Type-Options"] = "nosniff"
    # Opened on its own, the image can run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Content-Disposition"] = "inline"
    patch_cache_control(response, public=True, max_age=LOGO_MAX_AGE)
    return response


# --- the Police and Crime Plan's priorities and national sharing -----------------------------------


@_admin_required
def office_priorities(request):
    """The office's Police and Crime Plan priorities (to tag recommendations and tracker items
    with) and whether its open work is shared with national read-only staff."""
    body = request.office
    form = forms.PlanPriorityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_priority_create(
                body=body,
                acting_user=request.user,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
            )
        except services.OfficeSettingsError as error:
            form.add_error("title", error.problems[0])
        else:
            messages.success(request, gettext("The priority has been added."))
            return redirect("accounts:office-priorities")
    return render(
        request,
        "accounts/office_priorities.html",
        {
            "body": body,
            "form": form,
            "priorities": list(PlanPriority.objects.filter(policing_body=body)),
            "sharing_form": forms.NationalSharingForm(
                initial={"share": body.share_open_work_nationally}
            ),
            "copies_form": forms.CopiesOnPublicationForm(
                initial={"send": body.send_copies_on_publication}
            ),
        },
    )


@_admin_required
def office_priority_edit(request, pk: int):
    priority = get_object_or_404(PlanPriority, pk=pk, policing_body=request.office)
    form = forms.PlanPriorityEditForm(
        request.POST or None,
        initial={
            "title": priority.title,
            "description": priority.description,
            "is_active": priority.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_priority_update(
                priority=priority,
                acting_user=request.user,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                is_active=form.cleaned_data["is_active"],
            )
        except services.OfficeSettingsError as error:
            form.add_error("title", error.problems[0])
        else:
            messages.success(request, gettext("The priority has been saved."))
            return redirect("accounts:office-priorities")
    return render(
        request,
        "accounts/office_priority_edit.html",
        {"body": request.office, "form": form, "priority": priority},
    )


@require_POST
@_admin_required
def office_sharing(request):
    form = forms.NationalSharingForm(request.POST)
    form.is_valid()  # a checkbox: absent means no
    services.policing_body_set_national_sharing(
        body=request.office, acting_user=request.user, share=form.cleaned_data.get("share", False)
    )
    messages.success(request, gettext("What the office shares nationally has been saved."))
    return redirect("accounts:office-priorities")


@require_POST
@_admin_required
def office_copies(request):
    form = forms.CopiesOnPublicationForm(request.POST)
    form.is_valid()  # a checkbox: absent means no
    services.policing_body_set_copies_on_publication(
        body=request.office, acting_user=request.user, send=form.cleaned_data.get("send", False)
    )
    messages.success(request, gettext("How the s55(6) copies are sent has been saved."))
    return redirect("accounts:office-priorities")

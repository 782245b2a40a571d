"""Forms for signing in, passwords, two-factor codes and the office admin's pages. They render
through the shared GOV.UK templates (core.forms)."""

import io
import re

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import IdentityProvider, Membership, PolicingBody
from .selectors import (
    identity_provider_for_email,
    identity_providers_offered,
    password_refused_by,
)

STRENGTH_HINT = gettext_lazy(
    "At least 8 characters. Not only numbers, not a common password and not like your name or email address. A few unrelated words together make a good password."
)


class SignInForm(auth_forms.AuthenticationForm):
    """Username or email address, and password."""

    error_messages = {
        "invalid_login": (
            gettext_lazy(
                "The username or password is not right. Check them and try again, or reset your password. After 5 failed attempts signing in is paused for 15 minutes."
            )
        ),
        "inactive": gettext_lazy("This account has been closed. Ask your office's admin."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Username or email address")
        self.fields["username"].error_messages["required"] = _(
            "Enter your username or email address"
        )
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "spellcheck": "false", "autofocus": False}
        )
        self.fields["password"].error_messages["required"] = _("Enter your password")
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"

    def confirm_login_allowed(self, user):
        """After the password was right: refused if the person's organisation now signs in only
        through its own provider (`IdentityProvider.passwords_allowed` off)."""
        super().confirm_login_allowed(user)
        provider = password_refused_by(user)
        if provider is not None:
            raise forms.ValidationError(
                _(
                    '%(organisation)s signs in with its own accounts: use "Sign in with %(name)s" instead of a password.'
                )
                % {"organisation": provider.organisation, "name": provider.name},
                code="password_not_allowed",
            )

    def clean_username(self):
        """People may sign in with their email address: use that account's username, when
        exactly one active account has it."""
        value = self.cleaned_data["username"].strip()
        if "@" in value:
            matches = list(
                get_user_model()
                .objects.filter(email__iexact=value, is_active=True)
                .values_list("username", flat=True)[:2]
            )
            if len(matches) == 1:
                return matches[0]
        return value


class SingleSignOnForm(forms.Form):
    """Sign in with the organisation's own provider: found from the work email address's
    domain, or chosen from the list."""

    email = forms.EmailField(
        label=gettext_lazy("Work email address"),
        required=False,
        error_messages={
            "invalid": gettext_lazy(
                "Enter an email address in the correct format, like name@example.org"
            )
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    provider = forms.ModelChoiceField(
        label=gettext_lazy("Or choose your organisation"),
        queryset=IdentityProvider.objects.none(),
        required=False,
        empty_label=gettext_lazy("Choose your organisation"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = identity_providers_offered()

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        provider = cleaned.get("provider")
        email = cleaned.get("email") or ""
        if provider is None and email:
            provider = identity_provider_for_email(email)
            if provider is None:
                self.add_error(
                    "email",
                    _(
                        "Your organisation does not sign in to this service with its own accounts. Sign in with your username and password instead"
                    ),
                )
        elif provider is None:
            self.add_error("email", _("Enter your work email address, or choose your organisation"))
        cleaned["provider"] = provider
        return cleaned


class PasswordResetForm(auth_forms.PasswordResetForm):
    def get_users(self, email):
        """Active accounts with this address, including people invited by their office who
        have not chosen a password yet (Django leaves those out, for sites where such accounts
        sign in elsewhere; here an expired invitation must not lock them out for good)."""
        email_field = get_user_model().get_email_field_name()
        candidates = get_user_model()._default_manager.filter(
            **{f"{email_field}__iexact": email, "is_active": True}
        )
        # As Django does: the stored address must match the typed one under Unicode case
        # folding too, not only the database's idea of case-insensitive.
        return (
            user
            for user in candidates
            if auth_forms._unicode_ci_compare(email, getattr(user, email_field))
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.label = _("Email address")
        email.help_text = _("The address your office gave when your account was created.")
        email.error_messages.update(
            {
                "required": _("Enter your email address"),
                "invalid": _("Enter an email address in the correct format, like name@example.org"),
            }
        )


class _NewPasswordMixin:
    def _dress_new_password(self):
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password1"].help_text = STRENGTH_HINT
        self.fields["new_password1"].error_messages["required"] = _("Enter a new password")
        self.fields["new_password2"].label = _("Confirm the new password")
        self.fields["new_password2"].help_text = ""
        self.fields["new_password2"].error_messages["required"] = _("Enter the new password again")
        self.error_messages = {
            **self.error_messages,
            "password_mismatch": _("The two passwords do not match"),
        }


class SetPasswordForm(_NewPasswordMixin, auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._dress_new_password()


class PasswordChangeForm(_NewPasswordMixin, auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Current password")
        self.fields["old_password"].error_messages["required"] = _("Enter your current password")
        self.error_messages = {
            **self.error_messages,
            "password_incorrect": _("Your current password is not right"),
        }
        self._dress_new_password()


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        help_text=gettext_lazy("The 6-digit code the app shows now. It changes every 30 seconds."),
        error_messages={
            "required": gettext_lazy("Enter the 6-digit code from your authenticator app")
        },
        widget=forms.TextInput(
            attrs={
                "class": "govuk-input--width-5",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self):
        code = re.sub(r"\s+", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError(_("The code must be 6 numbers, like 123456"))
        return code


OFFICE_ROLE_CHOICES = [
    (Membership.Role.OPCC_DRAFTER, gettext_lazy("Drafter: writes responses")),
    (Membership.Role.OPCC_APPROVER, gettext_lazy("Approver: signs off and publishes responses")),
    (Membership.Role.OPCC_ADMIN, gettext_lazy("Admin: manages the office's people and branding")),
]


#: Logos: the formats every browser and the PDF renderer show, and a sensible size.
LOGO_FORMATS = {"PNG": ".png", "JPEG": ".jpg"}
LOGO_CONTENT_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
#: The media folder logos are uploaded to (and the only one served, by `views.office_logo`).
LOGO_FOLDER = PolicingBody._meta.get_field("logo").upload_to.strip("/")
LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_PIXELS = 2000
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def logo_content_type(content: bytes) -> str | None:
    """The content type of a logo's bytes as Pillow reads them (PNG or JPEG), else None: an
    SVG, a web page or anything else is never a logo."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content), formats=list(LOGO_FORMATS)) as image:
            image.verify()
            return LOGO_CONTENT_TYPES.get(image.format)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        return None


def contrast_with_white(colour: str) -> float:
    """WCAG 2 contrast ratio of `colour` (#rrggbb) against white."""

    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 1.05 / (luminance + 0.05)


class BrandingForm(forms.ModelForm):
    remove_logo = forms.BooleanField(label=gettext_lazy("Remove the current logo"), required=False)

    class Meta:
        model = PolicingBody
        fields = [
            "holder_name",
            "holder_title",
            "no_force_comments_text",
            "logo",
            "logo_alt_text",
            "accent_colour",
            "force_email_language",
        ]
        labels = {
            "holder_name": gettext_lazy("Name of the holder of the office"),
            "holder_title": gettext_lazy("Title of the holder of the office"),
            "no_force_comments_text": (
                gettext_lazy(
                    "What a published response says when the chief officer submitted no comments"
                )
            ),
            "logo": gettext_lazy("Logo"),
            "logo_alt_text": gettext_lazy("Text alternative for the logo"),
            "accent_colour": gettext_lazy("Accent colour"),
            "force_email_language": gettext_lazy("Language of the office's emails to its force"),
        }
        help_texts = {
            "force_email_language": gettext_lazy(
                "The invitations to comment on a response, and to join the service, sent to "
                "the force's contributors. If you choose none, each person gets them in the "
                "language they chose."
            ),
            "holder_name": (
                gettext_lazy(
                    "Filled in as the person signing each response, e.g. Giles Orpen-Smellie. A response cannot be published without a signatory."
                )
            ),
            "holder_title": gettext_lazy(
                "Shown under the signature, e.g. Police and Crime Commissioner."
            ),
            "no_force_comments_text": (
                gettext_lazy(
                    "Leave blank for: The Chief Constable did not submit comments. Drafts may say that comments are still awaited; a published response never does."
                )
            ),
            "logo": gettext_lazy("A PNG or JPEG file, up to 1 MB and 2000 by 2000 pixels."),
            "logo_alt_text": (
                gettext_lazy(
                    "What the logo says, for people who cannot see it, e.g. Norfolk Police and Crime Commissioner."
                )
            ),
            "accent_colour": (
                gettext_lazy(
                    "A # followed by 6 hexadecimal digits, like #1d70b8. Used for headings in the PDF, so it must be dark enough to read on white."
                )
            ),
        }
        widgets = {
            "accent_colour": forms.TextInput(
                attrs={"class": "govuk-input--width-10", "spellcheck": "false"}
            ),
            "logo": forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
            "force_email_language": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["force_email_language"].choices = [
            ("", gettext_lazy("Each person's own choice (English if they have made none)")),
            *settings.LANGUAGES,
        ]
        self.fields["holder_name"].required = False
        self.fields["holder_title"].error_messages["required"] = _(
            "Enter the title of the holder of the office"
        )
        self.fields["accent_colour"].error_messages["required"] = _("Enter the accent colour")
        if not (self.instance and self.instance.logo):
            del self.fields["remove_logo"]

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not logo or logo == self.instance.logo:
            return logo
        if logo.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(
                _("The logo must be smaller than 1 MB; this file is %(size)s MB")
                % {"size": f"{logo.size / 1048576:.1f}"}
            )
        image = getattr(logo, "image", None)
        image_format = getattr(image, "format", None)
        if image_format not in LOGO_FORMATS:
            raise forms.ValidationError(_("The logo must be a PNG or JPEG file"))
        width, height = image.size
        if width > LOGO_MAX_PIXELS or height > LOGO_MAX_PIXELS:
            raise forms.ValidationError(
                _(
                    "The logo must be at most %(max)s by %(max)s pixels; this one is %(width)s by %(height)s"
                )
                % {"max": LOGO_MAX_PIXELS, "width": width, "height": height}
            )
        logo.name = "logo" + LOGO_FORMATS[image_format]
        return logo

    def clean_accent_colour(self):
        colour = self.cleaned_data["accent_colour"].strip()
        if not HEX_COLOUR.fullmatch(colour):
            raise forms.ValidationError(
                _("Enter the accent colour as a # followed by 6 hexadecimal digits, like #1d70b8")
            )
        ratio = contrast_with_white(colour)
        if ratio < 4.5:
            raise forms.ValidationError(
                _(
                    "The accent colour is too light to read on white (contrast %(ratio)s to 1; "
                    "it must be at least 4.5 to 1). Choose a darker colour"
                )
                % {"ratio": f"{ratio:.1f}"}
            )
        return colour.lower()

    def clean(self):
        cleaned = super().clean()
        new_logo = self.files.get(self.add_prefix("logo"))
        keeps_logo = bool(self.instance.logo) and not cleaned.get("remove_logo")
        if (new_logo or keeps_logo) and not (cleaned.get("logo_alt_text") or "").strip():
            self.add_error("logo_alt_text", _("Enter a text alternative for the logo"))
        return cleaned

    @property
    def new_logo(self):
        """The uploaded file when a new logo was chosen, else None."""
        if self.files.get(self.add_prefix("logo")):
            return self.cleaned_data.get("logo")
        return None


class InvitationForm(forms.Form):
    """An office admin invites a person: office staff, or a contributor for the office's force."""

    full_name = forms.CharField(
        label=gettext_lazy("Full name"),
        max_length=200,
        error_messages={"required": gettext_lazy("Enter the person's full name")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label=gettext_lazy("Email address"),
        help_text=gettext_lazy("We will email a link to accept the invitation to this address."),
        error_messages={
            "required": gettext_lazy("Enter the person's email address"),
            "invalid": gettext_lazy(
                "Enter an email address in the correct format, like name@example.org"
            ),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose the person's role")},
    )

    language = forms.ChoiceField(
        label=gettext_lazy("Language of the invitation email"),
        choices=[
            (
                "",
                gettext_lazy(
                    "For a force contributor, the language chosen for the force's emails; "
                    "for office staff, English"
                ),
            ),
            *settings.LANGUAGES,
        ],
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, body: PolicingBody, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = ""
        self.fields["role"].choices = [
            *OFFICE_ROLE_CHOICES,
            (
                Membership.Role.FORCE_CONTRIBUTOR,
                # The force as a page names it (Force.name_for_page): marked on a Welsh page.
                mark_safe(  # noqa: S308 - the sentence escaped, the name's markup our own
                    conditional_escape(
                        _(
                            "Force contributor for %(force)s: answers the office's invitations to comment"
                        )
                    )
                    % {"force": body.force.name_for_page().html}
                ),
            ),
        ]


class InvitationPasswordForm(SetPasswordForm):
    """Accepting an invitation without an account: your name and a new password."""

    full_name = forms.CharField(
        label=gettext_lazy("Your full name"),
        max_length=200,
        error_messages={"required": gettext_lazy("Enter your full name")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    field_order = ["full_name", "new_password1", "new_password2"]


class PlanPriorityForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Priority"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PlanPriorityEditForm(PlanPriorityForm):
    is_active = forms.BooleanField(
        label=gettext_lazy("Offer this priority for tagging"),
        required=False,
        help_text=gettext_lazy("Untick to retire it: it stays on what it tagged."),
    )


class NationalSharingForm(forms.Form):
    share = forms.BooleanField(
        label=gettext_lazy("Share the status of our open work with national read-only staff"),
        required=False,
        help_text=(
            gettext_lazy(
                "They then see the status and dates of the office's open responses and tracker items, never draft text or notes. Published responses are public anyway."
            )
        ),
    )


class CopiesOnPublicationForm(forms.Form):
    send = forms.BooleanField(
        label=gettext_lazy("Send the s55(6) copies by email as soon as a version is published"),
        required=False,
        help_text=(
            gettext_lazy(
                "To HMICFRS, the Home Secretary, the scrutiny body and the chief officer, at the addresses each response's copies page lists, with the PDF attached; each copy's date is recorded when its email has gone. Untick if the office sends them itself."
            )
        ),
    )

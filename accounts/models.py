"""Organisations (police forces and their local policing bodies), people and their roles.

Body kinds and titles are data, not code: the statute speaks of "local policing bodies", which may
be a PCC, a PFCC, a combined-authority mayor, MOPAC or the Common Council of the City of London,
and PCC functions are due to move to mayors and councils from 2028.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from core.i18n import TextForPage, text_for_page


class User(AbstractUser):
    """A person who signs in. Their organisations and roles come from memberships."""

    full_name = models.CharField(max_length=200, blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    #: The language the person chose for the staff pages ("" until they choose: the browser's
    #: choice, else English). Set by `accounts.services.user_set_language`.
    language = models.CharField(max_length=10, blank=True, default="", choices=settings.LANGUAGES)

    class Meta:
        ordering = ["username"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class Force(models.Model):
    """A territorial police force of England and Wales."""

    class Country(models.TextChoices):
        ENGLAND = "england", gettext_lazy("England")
        WALES = "wales", gettext_lazy("Wales")

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=100)
    country = models.CharField(max_length=10, choices=Country.choices)
    chief_officer_title = models.CharField(
        max_length=100,
        default="Chief Constable",
        help_text=gettext_lazy(
            '"Chief Constable" everywhere except the Met and the City of London.'
        ),
    )
    chief_officer_name = models.CharField(max_length=200, blank=True)
    # Welsh forms, for documents a bilingual body publishes in Welsh (blank: not needed).
    name_cy = models.CharField("name in Welsh", max_length=200, blank=True)
    chief_officer_title_cy = models.CharField(
        "chief officer's title in Welsh", max_length=100, blank=True
    )
    chief_officer_email = models.EmailField(blank=True)
    idle_timeout_minutes = models.PositiveSmallIntegerField(
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(480)],
        help_text=(
            gettext_lazy(
                "Minutes without a request after which a signed-in member is signed out (5 to 480; the shortest of a person's organisations applies)."
            )
        ),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def name_for_page(self) -> TextForPage:
        """The force's name as a page or feed in the active language gives it: its Welsh name
        (`name_cy`) in Welsh where it has one, else its English name, marked "en-GB" in Welsh
        (`core.i18n.text_for_page`; `PolicingBody.name_for_page` says why)."""
        return text_for_page(self.name, self.name_cy)


class PolicingBody(models.Model):
    """The local policing body that oversees one force and owes it the s55 response."""

    class Kind(models.TextChoices):
        PCC = "pcc", gettext_lazy("Police and Crime Commissioner")
        PFCC = "pfcc", gettext_lazy("Police, Fire and Crime Commissioner")
        MAYOR = "mayor", gettext_lazy("Combined-authority mayor")
        MOPAC = "mopac", gettext_lazy("Mayor's Office for Policing and Crime")
        COMMON_COUNCIL = "common_council", gettext_lazy("Common Council of the City of London")

    force = models.OneToOneField(Force, on_delete=models.PROTECT, related_name="policing_body")
    slug = models.SlugField(unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(
        max_length=200,
        help_text=gettext_lazy(
            "The body as it signs, e.g. 'Norfolk Police and Crime Commissioner'."
        ),
    )
    office_name = models.CharField(
        max_length=200, help_text=gettext_lazy("The office that does the work.")
    )
    short_name = models.CharField(max_length=100)
    holder_title = models.CharField(
        max_length=100, help_text=gettext_lazy('e.g. "Police and Crime Commissioner".')
    )
    holder_name = models.CharField(
        max_length=200,
        blank=True,
        help_text=gettext_lazy("Who signs the office's responses by default."),
    )
    publishes_bilingually = models.BooleanField(
        "publishes in Welsh and English",
        default=False,
        help_text=(
            gettext_lazy(
                "The body is under a Welsh Language Standards compliance notice: every text it publishes needs a Welsh and an English version (docs/law.md). Reference data: the four Welsh bodies."
            )
        ),
    )
    name_cy = models.CharField("name in Welsh", max_length=200, blank=True)
    office_name_cy = models.CharField("office's name in Welsh", max_length=200, blank=True)
    holder_title_cy = models.CharField("holder's title in Welsh", max_length=100, blank=True)
    website = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    scrutiny_body_name = models.CharField(
        max_length=200,
        blank=True,
        help_text=(
            gettext_lazy(
                "The body that scrutinises this one and is sent its responses, e.g. 'Norfolk Police and Crime Panel', 'Essex Police, Fire and Crime Panel' or 'London Assembly Police and Crime Committee'. Blank where there is none (the City of London: the Common Council is itself the body)."
            )
        ),
    )
    panel_email = models.EmailField(
        blank=True, help_text=gettext_lazy("The scrutiny body's address.")
    )
    logo = models.ImageField(upload_to="logos/", blank=True)
    logo_alt_text = models.CharField(max_length=200, blank=True)
    accent_colour = models.CharField(
        max_length=7,
        default="#1d70b8",
        help_text=gettext_lazy("A hex colour such as #1d70b8, used in the PDF template."),
    )
    require_two_factor = models.BooleanField(default=False)
    idle_timeout_minutes = models.PositiveSmallIntegerField(
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(480)],
        help_text=(
            gettext_lazy(
                "Minutes without a request after which a signed-in member is signed out (5 to 480; the shortest of a person's organisations applies)."
            )
        ),
    )
    share_open_work_nationally = models.BooleanField(
        "share the status of open work with national read-only staff",
        default=False,
        help_text=(
            gettext_lazy(
                "When on, people with the national read-only role see the status and dates of this office's open responses and tracker items (never the draft text). Off by default."
            )
        ),
    )
    no_force_comments_text = models.CharField(
        "what a published response says when the chief officer submitted no comments",
        max_length=300,
        blank=True,
        help_text=gettext_lazy(
            'Blank: "The Chief Constable did not submit comments." (with the force\'s title for its chief officer).'
        ),
    )
    #: s55(6): the copies of each published version go by email as soon as it is published
    #: (`responses.services.copies_send_on_publication`), rather than when someone in the office
    #: asks from the response's copies page. Changed by the office's admin
    #: (`accounts.services.policing_body_set_copies_on_publication`).
    send_copies_on_publication = models.BooleanField(
        gettext_lazy("send the s55(6) copies by email when a version is published"),
        default=False,
        help_text=gettext_lazy(
            "When on, each published version is emailed to HMICFRS, the Home Secretary, the scrutiny body and the chief officer as soon as it is published. Off: the office sends them from each response's copies page, or sends them itself and records the dates."
        ),
    )
    #: The language of the office's emails to its force (the s55(4) invitation to comment, and
    #: invitations to the force's contributors): the office chooses it for its force; blank,
    #: each contributor's own choice (`User.language`), else English.
    force_email_language = models.CharField(
        gettext_lazy("language of emails to the force"),
        max_length=10,
        blank=True,
        default="",
        choices=settings.LANGUAGES,
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = gettext_lazy("policing bodies")

    def __str__(self):
        return self.name

    def name_for_page(self) -> TextForPage:
        """The body's name as a public page or feed in the active language gives it: in Welsh
        its Welsh name (`name_cy`) where it has one, unmarked; else its English name, marked
        "en-GB" (`.lang`, `.lang_attr`, `.html`) so screen readers read it as English; in
        English its English name. The one rule for naming a body in either language
        (`core.i18n.text_for_page`): the pages, the feeds and the subscription pages use it."""
        return text_for_page(self.name, self.name_cy)

    def short_name_for_page(self) -> TextForPage:
        """The body's short name ("Norfolk OPCC"), which is English, as `name_for_page` gives
        its name: in Welsh its Welsh name where it has one (there is no Welsh short name), else
        the short name marked "en-GB"."""
        return text_for_page(self.short_name, self.name_cy)

    @property
    def addressee_label(self) -> str:
        """How a report's recommendations "to police and crime commissioners" (to every local
        policing body) read for this body: by its kind, so a mayor is not called a PCC."""
        return ADDRESSEE_LABELS[self.kind]

    @property
    def no_force_comments_sentence(self) -> str:
        """What a published response says where the chief officer's comments are absent: the
        office's own words, or the default. The comments are optional in law (s55(5)(b): "any
        comments submitted"), so a published response states that none were submitted; it
        never says they are still awaited."""
        return (
            self.no_force_comments_text.strip()
            or f"The {self.force.chief_officer_title} did not submit comments."
        )


#: A report's recommendations to all local policing bodies, named for each kind of body.
ADDRESSEE_LABELS = {
    PolicingBody.Kind.PCC: gettext_lazy("Police and crime commissioners"),
    PolicingBody.Kind.PFCC: gettext_lazy("Police, fire and crime commissioners"),
    PolicingBody.Kind.MAYOR: gettext_lazy(
        "Mayors exercising police and crime commissioner functions"
    ),
    PolicingBody.Kind.MOPAC: gettext_lazy("The Mayor's Office for Policing and Crime"),
    PolicingBody.Kind.COMMON_COUNCIL: gettext_lazy("The Common Council of the City of London"),
}


class StatutoryRecipient(models.Model):
    """Where s55(6) copies go (HMICFRS, the Home Secretary). Addresses change: they are data."""

    code = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)

    history = HistoricalRecords()

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A person's role in an organisation: an office (OPCC roles), a force (force contributor),
    or the national register of reports (register maintainer, in no one office or force), or a
    national body's read-only view (national read-only, in no office or force either).

    The register maintainer keeps the facts of reports that every office shares (publication
    date, type, scope, forces, findings) for national reports, and decides the corrections
    offices propose (docs/decisions/0009-report-facts-ownership.md). It is granted in the
    Django admin, to people of the national body that hosts the service.

    The national read-only role is for staff of a national body (the association that hosts the
    service, an inspectorate liaison): they see what is published and, for the offices that
    opted in (`PolicingBody.share_open_work_nationally`), the status of their open responses and
    tracker items; they never draft or change anything (docs/decisions/0010-linked-recommendations-themes-national-role.md).
    """

    class Role(models.TextChoices):
        OPCC_DRAFTER = "opcc_drafter", gettext_lazy("OPCC drafter")
        OPCC_APPROVER = "opcc_approver", gettext_lazy("OPCC approver")
        OPCC_ADMIN = "opcc_admin", gettext_lazy("OPCC admin")
        FORCE_CONTRIBUTOR = "force_contributor", gettext_lazy("Force contributor")
        REGISTER_MAINTAINER = "register_maintainer", gettext_lazy("Register maintainer")
        NATIONAL_VIEWER = "national_viewer", gettext_lazy("National read-only")

    OFFICE_ROLES = (Role.OPCC_DRAFTER, Role.OPCC_APPROVER, Role.OPCC_ADMIN)
    #: Roles held in no office or force: the register maintainer's and the national read-only.
    NATIONAL_ROLES = (Role.REGISTER_MAINTAINER, Role.NATIONAL_VIEWER)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    policing_body = models.ForeignKey(
        PolicingBody, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    force = models.ForeignKey(
        Force, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="membership_org_matches_role",
                condition=(
                    models.Q(
                        role__in=["opcc_drafter", "opcc_approver", "opcc_admin"],
                        policing_body__isnull=False,
                        force__isnull=True,
                    )
                    | models.Q(
                        role="force_contributor", force__isnull=False, policing_body__isnull=True
                    )
                    | models.Q(
                        role__in=["register_maintainer", "national_viewer"],
                        force__isnull=True,
                        policing_body__isnull=True,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "policing_body"],
                condition=models.Q(policing_body__isnull=False),
                name="membership_unique_office_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "force"],
                condition=models.Q(force__isnull=False),
                name="membership_unique_force_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(role__in=["register_maintainer", "national_viewer"]),
                name="membership_unique_national_role",
            ),
        ]

    def __str__(self):
        return f"{self.user} - {self.get_role_display()} - {self.organisation}"

    @property
    def organisation(self):
        return self.policing_body or self.force or NATIONAL_REGISTER


#: What a national membership (the register maintainer's) belongs to, in words.
NATIONAL_REGISTER = "The national register of reports"


class PlanPriority(models.Model):
    """One priority of an office's Police and Crime Plan, as data the office admin maintains:
    recommendations and tracker items are tagged with them, the tracker filters by them and
    panel packs group by them. Retired priorities stay (their tags are history) but are no
    longer offered."""

    policing_body = models.ForeignKey(
        PolicingBody, on_delete=models.CASCADE, related_name="plan_priorities"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField("offered for tagging", default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["policing_body", "position", "title", "id"]
        verbose_name = gettext_lazy("Police and Crime Plan priority")
        verbose_name_plural = gettext_lazy("Police and Crime Plan priorities")
        constraints = [
            models.UniqueConstraint(
                fields=["policing_body", "title"], name="plan_priority_unique_title_per_office"
            )
        ]

    def __str__(self):
        return self.title


class IdentityProvider(models.Model):
    """An organisation's OpenID Connect provider (Microsoft Entra ID or another): how its people
    sign in with the account they already have. Set up by a superuser in the admin, as data.

    The client secret is never shown back: it is either read from the environment variable
    named in `client_secret_env`, or stored encrypted (`core.sealed`) in `client_secret_sealed`.
    """

    policing_body = models.OneToOneField(
        PolicingBody,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="identity_provider",
    )
    force = models.OneToOneField(
        Force, null=True, blank=True, on_delete=models.CASCADE, related_name="identity_provider"
    )
    name = models.CharField(
        max_length=200,
        help_text=gettext_lazy(
            'The organisation as people know it: the button reads "Sign in with <name>".'
        ),
    )
    issuer = models.URLField(
        help_text=(
            gettext_lazy(
                "The provider's issuer, exactly as in its discovery document, e.g. https://login.microsoftonline.com/<tenant id>/v2.0 for Entra ID."
            )
        )
    )
    client_id = models.CharField(
        max_length=255, help_text=gettext_lazy("The application (client) id.")
    )
    client_secret_env = models.CharField(
        max_length=100,
        blank=True,
        help_text=(
            gettext_lazy(
                "The name of an environment variable holding the client secret. Leave blank to store the secret (encrypted) instead."
            )
        ),
    )
    client_secret_sealed = models.TextField(blank=True, editable=False)
    allowed_email_domains = models.TextField(
        help_text=(
            gettext_lazy(
                "The email domains of the organisation's people, one a line (e.g. norfolk-pcc.gov.uk). Nobody else signs in through this provider."
            )
        )
    )
    passwords_allowed = models.BooleanField(
        default=True,
        help_text=gettext_lazy(
            "Untick once everyone signs in with the provider: passwords are then refused."
        ),
    )
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords(excluded_fields=["client_secret_sealed"])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="identity_provider_one_organisation",
                condition=(
                    models.Q(policing_body__isnull=False, force__isnull=True)
                    | models.Q(policing_body__isnull=True, force__isnull=False)
                ),
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        parts = urlsplit(self.issuer or "")
        loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
        if self.issuer and parts.scheme != "https" and not loopback:
            raise ValidationError(
                {"issuer": gettext_lazy("The issuer must be an https:// address.")}
            )
        if not self.email_domains:
            raise ValidationError(
                {
                    "allowed_email_domains": gettext_lazy(
                        "Enter at least one email domain, like example.gov.uk."
                    )
                }
            )

    @property
    def organisation(self):
        return self.policing_body or self.force

    @property
    def email_domains(self) -> list[str]:
        return [
            line.strip().lstrip("@").lower()
            for line in self.allowed_email_domains.replace(",", "\n").splitlines()
            if line.strip()
        ]

    def allows_email(self, email: str) -> bool:
        domain = email.rpartition("@")[2].strip().lower()
        return bool(domain) and "@" in email and domain in self.email_domains

    @property
    def has_client_secret(self) -> bool:
        return bool(self.client_secret_env or self.client_secret_sealed)


class ExternalIdentity(models.Model):
    """A person as an identity provider knows them: its issuer and the stable subject (`sub`) it
    gives them. Sign-in matches on these two, never on the email address alone, so an address
    given to someone else later does not bring them this person's account."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities"
    )
    provider = models.ForeignKey(
        IdentityProvider, on_delete=models.PROTECT, related_name="identities"
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    email = models.CharField(
        max_length=254,
        blank=True,
        help_text=gettext_lazy("The address the provider gave at the last sign-in."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_signed_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = gettext_lazy("external identities")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="external_identity_unique_subject"
            )
        ]

    def __str__(self):
        return f"{self.user} at {self.issuer}"


class Invitation(models.Model):
    """An office admin's invitation to a person, by email, to take a role: office staff in the
    office, or force contributor for the office's own force.

    The link carries a token of which only a hash is stored (`token_hash`): it works once
    (`accepted_at`), until `expires_at`, and not after it is withdrawn (`revoked_at`). Sending
    it again gives a new token, so the old link stops working. Each email is an
    `InvitationEmail` row, sent once by a task after the change is committed.
    """

    class State(models.TextChoices):
        PENDING = "pending", gettext_lazy("Pending")
        ACCEPTED = "accepted", gettext_lazy("Accepted")
        EXPIRED = "expired", gettext_lazy("Expired")
        REVOKED = "revoked", gettext_lazy("Withdrawn")

    policing_body = models.ForeignKey(
        PolicingBody,
        on_delete=models.CASCADE,
        related_name="invitations",
        help_text=gettext_lazy(
            "The office that invites (for a force contributor, the office of that force)."
        ),
    )
    force = models.ForeignKey(
        Force,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
        help_text=gettext_lazy("For a force contributor: the force, always the office's own."),
    )
    role = models.CharField(max_length=20, choices=Membership.Role.choices)
    email = models.EmailField()
    full_name = models.CharField(max_length=200)
    token_hash = models.CharField(
        max_length=64, unique=True, help_text=gettext_lazy("sha256 of the token.")
    )
    expires_at = models.DateTimeField()
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(help_text=gettext_lazy("When the current link was made."))
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invitations_accepted",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    #: The language of the invitation's email (the invited person has no account yet to hold a
    #: choice); becomes the person's language when they accept, if they have none.
    language = models.CharField(max_length=10, default="en-gb", choices=settings.LANGUAGES)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="invitation_force_matches_role",
                condition=(
                    models.Q(
                        role__in=["opcc_drafter", "opcc_approver", "opcc_admin"],
                        force__isnull=True,
                    )
                    | models.Q(role="force_contributor", force__isnull=False)
                ),
            ),
        ]

    def __str__(self):
        return f"{self.email} as {self.get_role_display()} ({self.organisation})"

    @property
    def organisation(self):
        return self.force or self.policing_body

    def state_at(self, now) -> str:
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.revoked_at:
            return self.State.REVOKED
        if now >= self.expires_at:
            return self.State.EXPIRED
        return self.State.PENDING


class InvitationEmail(models.Model):
    """One email of an invitation (the first, or a resend): a recorded row, sent once.

    `nonce` is what the link's token is made from, with the site's secret key
    (`accounts.invitation_emails.invitation_token`): the row alone does not give the link, and a row made
    before the invitation was sent again no longer matches its `token_hash`, so it is not sent.
    """

    class Status(models.TextChoices):
        READY = "ready", gettext_lazy("Ready to send")
        SENT = "sent", gettext_lazy("Sent")
        FAILED = "failed", gettext_lazy("Failed")
        CANCELLED = "cancelled", gettext_lazy("Not sent: the invitation changed")

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="emails")
    nonce = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.READY)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    attempted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Invitation email to {self.invitation.email} ({self.get_status_display()})"

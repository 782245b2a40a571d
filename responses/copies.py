"""The s55(6) copies sent from the product: one recorded email per recipient per published
version, with the version's frozen PDF attached, a link to its public page and the PDF's
SHA-256, to HMICFRS's and the Home Secretary's addresses (settings) and to the body's scrutiny
body and chief officer (reference data its admin keeps: `PolicingBody.panel_email`,
`Force.chief_officer_email`).

`response_send_copies` (responses/services.py) emits "response.copies_requested"; its
subscriber `send_copies` stores the emails (core/outbox.py: each sent once, retried, its
Message-ID kept). When each is sent, "email.sent.s55_copy" runs
`responses.services.record_copy_sent`, which sets
that recipient's copy date on the version from the actual sending (`response_record_copies`),
unless the office had already recorded one by hand.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.translation import gettext

from core.outbox import Email, emails_create

from .pdf import pdf_filename, version_freeze

#: The outbox's kind for these emails.
KIND = "s55_copy"


@dataclass(frozen=True)
class CopyAddress:
    key: str  # a key of services.COPY_FIELDS
    who: str  # in the reader's language
    address: str
    source: str  # where the address comes from, a sentence in the reader's language
    name: str = ""  # the recipient's own name from the reference data, as written


def copy_addresses(body) -> list[CopyAddress]:
    """Where each copy of the body's responses goes, and where that address comes from, for
    the office to check (its copies page) before anything is sent. Called for the page, in
    its reader's language."""
    addresses = [
        CopyAddress(
            "hmicfrs",
            gettext("HMICFRS (Section 55 responses)"),
            settings.S55_COPY_HMICFRS_EMAIL,
            gettext("From the service's settings (%(setting)s).")
            % {"setting": "S55_COPY_HMICFRS_EMAIL"},
        ),
        CopyAddress(
            "home_secretary",
            gettext("The Home Secretary"),
            settings.S55_COPY_HOME_SECRETARY_EMAIL,
            gettext("From the service's settings (%(setting)s).")
            % {"setting": "S55_COPY_HOME_SECRETARY_EMAIL"},
        ),
    ]
    if body.scrutiny_body_name:
        addresses.append(
            CopyAddress(
                "panel",
                gettext("The scrutiny body"),
                body.panel_email,
                gettext("From the office's details, kept by its admin."),
                name=body.scrutiny_body_name,
            )
        )
    addresses.append(
        CopyAddress(
            "chief_officer",
            gettext("The chief officer"),
            body.force.chief_officer_email,
            gettext("From the force's details, kept by the office's admin."),
            name=f"{body.force.chief_officer_title}, {body.force.name}",
        )
    )
    return addresses


def email_key(version_id: int, recipient: str) -> str:
    return f"version-{version_id}:{recipient}"


def parse_email_key(key: str) -> tuple[int, str]:
    """(version id, recipient) of `email_key`."""
    version_part, _, recipient = key.partition(":")
    return int(version_part.removeprefix("version-")), recipient


def _welsh_document_text(version) -> str:
    """A version published in Welsh and English (docs/decisions/0012) was published as two
    documents: the copy names the Welsh one too, with its page, PDF and SHA-256."""
    if not version.pdf_cy_sha256:
        return ""
    kwargs = {"pk": version.response_id, "number": version.number}
    page = settings.SITE_URL + translate_url(
        reverse("public:response", kwargs={"pk": version.response_id}), "cy"
    )
    pdf = settings.SITE_URL + reverse("pdf:version-cy", kwargs=kwargs)
    return (
        "The response was published in Welsh and English. The Welsh version (Y fersiwn "
        f"Gymraeg): {page}\nThe Welsh PDF: {pdf}\n"
        f"SHA-256 of the Welsh PDF: {version.pdf_cy_sha256}\n\n"
    )


def send_copies(version_id: int) -> list[int]:
    """Subscriber of "response.copies_requested" (config/events.py): store one email per
    recipient with an address, the version's PDF attached (rendered now if its task has not
    run), and send each after commit. Idempotent: an email already stored for a recipient of
    this version is not stored again (the outbox's kind, key and address are unique)."""
    version = version_freeze(version_id=version_id)
    response = version.response
    body = response.policing_body
    page = settings.SITE_URL + reverse("public:response", kwargs={"pk": response.pk})
    pdf = settings.SITE_URL + reverse(
        "pdf:version", kwargs={"pk": response.pk, "number": version.number}
    )
    title = response.report.title
    subject = f"Section 55 response: {body.name}, {title}"
    if version.number > 1:
        subject += f" (version {version.number})"
    text = (
        f"The {body.name} has published its response under section 55 of the Police Act 1996 "
        f"to the inspection report {title} (published {response.report.published_on:%-d %B %Y})"
        f". This is version {version.number}, published {version.published_on:%-d %B %Y}"
        + (f", amended because: {version.reason}" if version.number > 1 and version.reason else "")
        + ".\n\n"
        f"The response: {page}\nThe PDF (attached): {pdf}\n"
        f"SHA-256 of the PDF: {version.pdf_sha256}\n\n"
        + _welsh_document_text(version)
        + "This copy is sent under section 55(6) of the Police Act 1996.\n"
    )
    ids = []
    for recipient in copy_addresses(body):
        if not recipient.address:
            continue
        ids += emails_create(
            kind=KIND,
            key=email_key(version.pk, recipient.key),
            emails=[
                Email(
                    to=recipient.address,
                    subject=subject,
                    text=text,
                    attachment_name=pdf_filename(
                        body, response.report, version_number=version.number
                    ),
                    attachment_type="application/pdf",
                    attachment=bytes(version.pdf),
                )
            ],
            office_id=body.pk,
        )
    return ids

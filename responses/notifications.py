"""Emails about a response: subscribers of the events its services emit (config/events.py).

Each runs in a worker after the change has committed, so a refused or rolled-back change never
sends anything. It stores one `core.models.OutgoingEmail` per address, words and all, which is
sent once by its own task (core/outbox.py) and which the office can read on the emails page;
a mail server that is down delays the email, retried, never loses it or sends it twice.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext

from accounts.models import Membership
from accounts.selectors import body_members, force_contributors
from core.dates import long_date
from core.i18n import is_supported, recipient_language
from core.outbox import Email, emails_create

from . import deadlines
from .models import Response

#: A date written when the email is rendered, so in its recipient's language.
lazy_long_date = lazy(long_date, str)


def response_link(response: Response) -> str:
    return settings.SITE_URL + reverse("responses:detail", args=[response.pk])


def _send(
    *, template: str, key: str, subject, recipients, context: dict, language: str = ""
) -> int:
    """Store the email for each recipient with an address (once per `key`); returns how many.
    Each is in its person's language (core.i18n.recipient_language), or in `language` when the
    office chose one for these emails; `subject` is a function, called in that language."""
    people = {}
    for user in recipients:
        if user.email:
            people.setdefault(user.email, user)
    if not people:
        return 0
    rendered = {}
    emails = []
    for address, user in sorted(people.items()):
        code = language if is_supported(language) else recipient_language(user)
        if code not in rendered:
            with translation.override(code):
                rendered[code] = (
                    str(subject()),
                    render_to_string(f"emails/{template}.txt", context),
                    render_to_string(f"emails/{template}.html", context),
                )
        title, text, html = rendered[code]
        emails.append(Email(to=address, subject=title, text=text, html=html, recipient_id=user.pk))
    emails_create(
        kind=template, key=key, emails=emails, office_id=context["response"].policing_body_id
    )
    return len(people)


def force_invitation_recipients(response: Response):
    """The force contact the office named on the response, while they are still one of the
    force's contributors; otherwise every contributor of the force."""
    contributors = force_contributors(response.policing_body.force)
    if response.force_contact_id:
        named = contributors.filter(pk=response.force_contact_id)
        if named.exists():
            return named
    return contributors


def force_page_link(response: Response) -> str:
    """The force's own page for a response, where its contributors write the comments."""
    return settings.SITE_URL + reverse("responses:force-edit", args=[response.pk])


def send_force_invitation(response_id: int, lock_version: int | None = None) -> int:
    """s55(4): tell the force's contributors that the office invites the chief officer's
    comments, by when, with a link to the page where they write them."""
    response = Response.objects.select_related("report", "policing_body__force").get(pk=response_id)
    body = response.policing_body
    return _send(
        template="force_invitation",
        key=f"response-{response_id}-{lock_version}",
        subject=lambda: (
            gettext("%(body)s invites your comments on %(title)s by %(date)s")
            % {
                "body": body.short_name,
                "title": response.report.title,
                "date": long_date(response.force_reply_by, weekday=True),
            }
        ),
        recipients=force_invitation_recipients(response),
        # The language the office chose for its force's emails, if it chose one.
        language=body.force_email_language,
        context={
            "response": response,
            "body": body,
            "force": body.force,
            "report": response.report,
            "reply_by": lazy_long_date(response.force_reply_by, weekday=True),
            "link": force_page_link(response),
        },
    )


def send_force_comments_submitted(response_id: int, lock_version: int | None = None) -> int:
    """Tell the office's drafters that the force has submitted its comments."""
    response = Response.objects.select_related("report", "policing_body__force").get(pk=response_id)
    late = deadlines.is_late(due=response.force_reply_by, on=response.force_comments_received_on)
    force = response.policing_body.force
    return _send(
        template="force_comments_submitted",
        key=f"response-{response_id}-{lock_version}",
        subject=lambda: (
            (
                gettext("%(force)s has submitted its comments on %(title)s (late)")
                if late
                else gettext("%(force)s has submitted its comments on %(title)s")
            )
            % {"force": force.short_name, "title": response.report.title}
        ),
        recipients=body_members(response.policing_body, Membership.Role.OPCC_DRAFTER),
        context={
            "response": response,
            "force": force,
            "report": response.report,
            "late": late,
            "reply_by": lazy_long_date(response.force_reply_by, weekday=True)
            if response.force_reply_by
            else "",
            "link": response_link(response),
        },
    )


def send_sent_back(response: Response, *, reason: str) -> int:
    """Tell the drafter who submitted `response` that it is back in drafting, and why (called
    by `responses.services.responses_reopen_after_findings_change` inside its delivery, so the
    email is stored with the change; once per change: the key names the response's version)."""
    drafter = response.submitted_for_approval_by
    if drafter is None or not drafter.is_active:
        return 0
    return _send(
        template="response_sent_back",
        key=f"response-{response.pk}-{response.lock_version}",
        subject=lambda: (
            gettext("Sent back to drafting: %(title)s") % {"title": response.report.title}
        ),
        recipients=[drafter],
        context={
            "response": response,
            "report": response.report,
            "reason": reason,
            "link": response_link(response),
        },
    )

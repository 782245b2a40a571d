"""Emails about a response: subscribers of the events its services emit (config/events.py).

Each runs in a worker after the change has committed, so a refused or rolled-back change never
sends anything. It stores one `core.models.OutgoingEmail` per address, words and all, which is
sent once by its own task (core/outbox.py) and which the office can read on the emails page;
a mail server that is down delays the email, retried, never loses it or sends it twice.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import Membership
from accounts.selectors import body_members, force_contributors
from core.dates import long_date
from core.outbox import Email, emails_create

from . import deadlines
from .models import Response


def response_link(response: Response) -> str:
    return settings.SITE_URL + reverse("responses:detail", args=[response.pk])


def _send(*, template: str, key: str, subject: str, recipients, context: dict) -> int:
    """Store the email for each recipient with an address (once per `key`); returns how many."""
    people = {}
    for user in recipients:
        if user.email:
            people.setdefault(user.email, user)
    if not people:
        return 0
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    emails_create(
        kind=template,
        key=key,
        emails=[
            Email(to=address, subject=subject, text=text, html=html, recipient_id=user.pk)
            for address, user in sorted(people.items())
        ],
        office_id=context["response"].policing_body_id,
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
        subject=f"{body.short_name} invites your comments on {response.report.title} "
        f"by {long_date(response.force_reply_by, weekday=True)}",
        recipients=force_invitation_recipients(response),
        context={
            "response": response,
            "body": body,
            "force": body.force,
            "report": response.report,
            "reply_by": long_date(response.force_reply_by, weekday=True),
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
        subject=f"{force.short_name} has submitted its comments on {response.report.title}"
        + (" (late)" if late else ""),
        recipients=body_members(response.policing_body, Membership.Role.OPCC_DRAFTER),
        context={
            "response": response,
            "force": force,
            "report": response.report,
            "late": late,
            "reply_by": long_date(response.force_reply_by, weekday=True)
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
        subject=f"Sent back to drafting: {response.report.title}",
        recipients=[drafter],
        context={
            "response": response,
            "report": response.report,
            "reason": reason,
            "link": response_link(response),
        },
    )

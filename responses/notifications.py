"""Emails about a response, sent after the change that causes them has committed.

Each function is called with `transaction.on_commit` by the view that made the change, so a
refused or rolled-back change never sends anything. A mail server failure is logged and does not
undo the change (the change is already saved); the page the person sees says who was emailed.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import Membership
from accounts.selectors import body_members, force_contributors
from core.dates import long_date

from . import deadlines
from .models import Response

logger = logging.getLogger(__name__)


def response_link(response: Response) -> str:
    return settings.SITE_URL + reverse("responses:detail", args=[response.pk])


def _send(*, template: str, subject: str, recipients, context: dict) -> int:
    addresses = sorted({u.email for u in recipients if u.email})
    if not addresses:
        return 0
    body = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=None, to=addresses)
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception:  # a mail server failure must not turn a saved change into an error page
        logger.exception(
            "Could not send %s email for response %s", template, context["response"].pk
        )
        return 0
    return len(addresses)


def force_invitation_recipients(response: Response):
    return force_contributors(response.policing_body.force)


def send_force_invitation(response_id: int) -> int:
    """s55(4): tell the force's contributors that the office invites the chief officer's
    comments, by when, with a link to the page where they write them."""
    response = Response.objects.select_related("report", "policing_body__force").get(pk=response_id)
    body = response.policing_body
    return _send(
        template="force_invitation",
        subject=f"{body.short_name} invites your comments on {response.report.title} "
        f"by {long_date(response.force_reply_by, weekday=True)}",
        recipients=force_invitation_recipients(response),
        context={
            "response": response,
            "body": body,
            "force": body.force,
            "report": response.report,
            "reply_by": long_date(response.force_reply_by, weekday=True),
            "link": response_link(response),
        },
    )


def send_force_comments_submitted(response_id: int) -> int:
    """Tell the office's drafters that the force has submitted its comments."""
    response = Response.objects.select_related("report", "policing_body__force").get(pk=response_id)
    late = deadlines.is_late(due=response.force_reply_by, on=response.force_comments_received_on)
    force = response.policing_body.force
    return _send(
        template="force_comments_submitted",
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

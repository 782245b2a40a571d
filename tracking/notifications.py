"""Emails about tracked recommendations: subscribers of the events tracking's services emit
(config/events.py). Each runs in a worker after the change has committed and stores one
`core.models.OutgoingEmail` per address (core/outbox.py), sent once by its own task and shown
to the office on the emails page.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.selectors import force_contributors
from core.i18n import recipient_language
from core.outbox import Email, emails_create

from .models import ProgressUpdate, TrackerItem
from .rag import Status


def send_item_closed(*, item_id: int, update_id: int) -> int:
    """Tell the force that the office closed one of its items (complete, superseded or not
    accepted): its contributors, and the item's force lead if they are not one of them, so a
    force that proposed closure learns it was signed off. Once per closing update (the key).
    Returns how many emails were stored."""
    item = TrackerItem.objects.select_related(
        "finding__report", "policing_body__force", "force_lead"
    ).get(pk=item_id)
    update = ProgressUpdate.objects.get(pk=update_id, item=item)
    body = item.policing_body
    people = {}
    recipients = [*force_contributors(body.force)]
    if item.force_lead is not None and item.force_lead.is_active:
        recipients.append(item.force_lead)
    for user in recipients:
        if user.email:
            people.setdefault(user.email, user)
    status = Status(update.status_to)
    emails = []
    for address, user in sorted(people.items()):
        # In the language the person chose (core.i18n).
        with translation.override(recipient_language(user)):
            context = {
                "item": item,
                "body": body,
                "report": item.finding.report,
                "status": str(status.label).lower(),
                "link": settings.SITE_URL + reverse("tracking:item-detail", args=[item.pk]),
            }
            subject = _("%(body)s has closed %(label)s (%(status)s)") % {
                "body": body.short_name,
                "label": item.label,
                "status": context["status"],
            }
            emails.append(
                Email(
                    to=address,
                    subject=subject,
                    text=render_to_string("emails/tracker_item_closed.txt", context),
                    html=render_to_string("emails/tracker_item_closed.html", context),
                    recipient_id=user.pk,
                )
            )
    return len(
        emails_create(
            kind="tracker_item_closed", key=f"update-{update.pk}", emails=emails, office_id=body.pk
        )
    )

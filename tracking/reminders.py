"""Tracker items in the daily reminder digests (the registry in `reminders.emails`).

Two things are reminded about, for items still active (open, in progress, pending sign-off):

- **no update** for `S55_TRACKER_STALE_DAYS` days (default 30): on the day the item reaches that
  mark, then every `S55_TRACKER_REMINDER_REPEAT_DAYS` days (default 7) while it has no update;
- **past the target date**: the day after the target date, then every repeat period.

The cadence keeps a daily digest from naming the same item every day. Who is reminded: the
item's office lead and force lead (while they still hold a role for that office or force);
for an item with no office lead, the office's admins, so that no item is forgotten because
nobody was named. `TrackerDigestProvider` is registered in tracking/apps.py.
"""

from datetime import date

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy, ngettext

from accounts.models import Membership
from core.dates import long_date
from reminders.emails import DigestItem, DigestProvider

from .rag import Status
from .selectors import items_needing_reminders

SECTION = gettext_lazy("Recommendations to track")
DEFAULT_STALE_DAYS = 30
DEFAULT_REPEAT_DAYS = 7


def stale_days() -> int:
    return max(1, int(getattr(settings, "S55_TRACKER_STALE_DAYS", DEFAULT_STALE_DAYS)))


def repeat_days() -> int:
    return max(1, int(getattr(settings, "S55_TRACKER_REMINDER_REPEAT_DAYS", DEFAULT_REPEAT_DAYS)))


def _days(n: int) -> str:
    return ngettext("%(count)s day", "%(count)s days", n) % {"count": n}


def due_on(day: date) -> list[tuple]:
    """[(item, reasons, recipient ids)] of the items to remind about on `day` (two queries)."""
    due = items_needing_reminders(day=day, stale_days=stale_days(), repeat_days=repeat_days())
    if not due:
        return []
    bodies = {item.policing_body_id for item, _ in due}
    forces = {item.policing_body.force_id for item, _ in due}
    office_staff: dict[int, set[int]] = {}
    admins: dict[int, set[int]] = {}
    force_staff: dict[int, set[int]] = {}
    rows = (
        Membership.objects.filter(is_active=True, user__is_active=True)
        .filter(
            Q(policing_body_id__in=bodies, role__in=Membership.OFFICE_ROLES)
            | Q(force_id__in=forces, role=Membership.Role.FORCE_CONTRIBUTOR)
        )
        .values_list("user_id", "role", "policing_body_id", "force_id")
    )
    for user_id, role, body_id, force_id in rows:
        if role == Membership.Role.FORCE_CONTRIBUTOR:
            force_staff.setdefault(force_id, set()).add(user_id)
        else:
            office_staff.setdefault(body_id, set()).add(user_id)
            if role == Membership.Role.OPCC_ADMIN:
                admins.setdefault(body_id, set()).add(user_id)
    result = []
    for item, reasons in due:
        body_id, force_id = item.policing_body_id, item.policing_body.force_id
        recipients = set()
        if item.office_lead_id and item.office_lead_id in office_staff.get(body_id, set()):
            recipients.add(item.office_lead_id)
        else:
            recipients |= admins.get(body_id, set())
        if item.force_lead_id and item.force_lead_id in force_staff.get(force_id, set()):
            recipients.add(item.force_lead_id)
        if recipients:
            result.append((item, reasons, recipients))
    return result


def digest_item(item, reasons, *, day: date):
    """The digest entry for one item: which recommendation, and what is wrong, in words."""
    sentences = []
    urgent = False
    status = Status(item.status).label.lower()
    for reason, days in reasons:
        if reason == "overdue":
            urgent = True
            sentences.append(
                gettext(
                    "the target date (%(date)s) passed %(days)s ago and it is still %(status)s."
                )
                % {
                    "date": long_date(item.target_date, weekday=True),
                    "days": _days(days),
                    "status": status,
                }
            )
        else:
            since = item.last_update_on
            sentences.append(
                gettext("there has been no progress update for %(days)s") % {"days": _days(days)}
                + (
                    gettext(" (the last was dated %(date)s).")
                    % {"date": long_date(since, weekday=True)}
                    if since
                    else gettext(" (none since tracking started).")
                )
            )
    if len(sentences) > 1:
        sentences[1] = "Also, " + sentences[1]
    sentences.append(gettext("Add an update, or propose closure if the work is done."))
    return DigestItem(
        heading=f"{item.label}, {item.finding.report.title}",
        sentences=sentences,
        url=f"{settings.SITE_URL}/tracker/{item.pk}/",
        section=SECTION,
        urgent=urgent,
        sort_key=(0 if urgent else 1, item.target_date or day, item.pk),
    )


class TrackerDigestProvider(DigestProvider):
    """Tracker items for people's daily digests (see the module docstring)."""

    section = SECTION

    def recipient_ids(self, *, day: date) -> set[int]:
        ids: set[int] = set()
        for _, _, recipients in due_on(day):
            ids |= recipients
        return ids

    def items(self, *, user, day: date) -> list:
        return [
            digest_item(item, reasons, day=day)
            for item, reasons, recipients in due_on(day)
            if user.pk in recipients
        ]


provider = TrackerDigestProvider()

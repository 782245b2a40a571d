"""Reads for the reminders: who is reminded, what the reminders page shows, the calendar."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Q, Value
from django.utils import timezone

from accounts.models import Membership
from accounts.permissions import office_roles
from core.models import DeliveryStatus, EmailStatus, EventDelivery, OutgoingEmail
from core.outbox import STUCK_AFTER as EMAIL_STUCK_AFTER

from .models import Reminder, SendStatus

#: A SENDING row older than this was claimed by a worker that died before it could say how the
#: send went. It is never sent again automatically (it may have gone); staff see it as a failure.
STUCK_AFTER = timedelta(hours=1)

#: How far back the dashboard notice looks for failed sends.
NOTICE_DAYS = 14


@dataclass
class Recipients:
    """Active people by office role and by force, for the offices and forces of one sweep."""

    office: dict[tuple[int, str], list[int]] = field(default_factory=dict)
    force: dict[int, list[int]] = field(default_factory=dict)

    def for_role(self, *, body_id: int, force_id: int, role: str) -> list[int]:
        if role == Membership.Role.FORCE_CONTRIBUTOR:
            return self.force.get(force_id, [])
        return self.office.get((body_id, role), [])


def recipients_index(*, body_ids, force_ids) -> Recipients:
    """Everyone who can be reminded for these offices and forces, in one query.

    The same people as `accounts.selectors.body_members(body, role)` and
    `accounts.selectors.force_contributors(force)` (an active membership of an active user;
    tests/reminders/test_selectors.py holds them to that), but for every office and force of a
    sweep at once, so a sweep costs the same number of queries whatever the number of offices.
    """
    index = Recipients()
    if not body_ids and not force_ids:
        return index
    rows = (
        Membership.objects.filter(is_active=True, user__is_active=True)
        .filter(
            Q(policing_body_id__in=sorted(body_ids), role__in=Membership.OFFICE_ROLES)
            | Q(force_id__in=sorted(force_ids), role=Membership.Role.FORCE_CONTRIBUTOR)
        )
        .order_by("user_id")
        .values_list("user_id", "role", "policing_body_id", "force_id")
    )
    for user_id, role, body_id, force_id in rows:
        if role == Membership.Role.FORCE_CONTRIBUTOR:
            index.force.setdefault(force_id, []).append(user_id)
        else:
            index.office.setdefault((body_id, role), []).append(user_id)
    return index


def office_ids_of(user) -> list[int]:
    """The offices (policing body ids) where the user holds an active OPCC role: in a request,
    the office they act for (`accounts.permissions.office_roles`)."""
    if not user or not user.is_authenticated:
        return []
    return sorted(office_roles(user))


def reminders_for_office(body_id: int, *, status: str = ""):
    """The office's reminders, newest first, with what the page shows (fixed query count)."""
    qs = Reminder.objects.filter(response__policing_body_id=body_id).select_related(
        "rule", "recipient", "response__report", "digest"
    )
    if status == "problems":
        qs = qs.filter(_problem_filter())
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def _problem_filter(now=None) -> Q:
    now = now or timezone.now()
    return Q(status=SendStatus.FAILED) | Q(
        status=SendStatus.SENDING, claimed_at__lt=now - STUCK_AFTER
    )


def failed_reminders_summary(user, *, now=None) -> dict | None:
    """For the dashboard notice: failed (or stuck) sends in the user's offices in the last
    two weeks. None when there are none or the user is not office staff. Two queries."""
    body_ids = office_ids_of(user)
    if not body_ids:
        return None
    now = now or timezone.now()
    qs = _noticed_reminders(body_ids, now)
    return _reminders_notice(qs, qs.count())


def _noticed_reminders(body_ids, now):
    return Reminder.objects.filter(
        _problem_filter(now),
        response__policing_body_id__in=body_ids,
        created_at__gte=now - timedelta(days=NOTICE_DAYS),
    )


def _reminders_notice(qs, count: int) -> dict | None:
    if not count:
        return None
    latest = qs.select_related("response__report").order_by("-created_at", "-id").first()
    return {"count": count, "latest": latest}


def is_stuck(reminder, *, now=None) -> bool:
    now = now or timezone.now()
    return bool(
        reminder.status == SendStatus.SENDING
        and reminder.claimed_at
        and reminder.claimed_at < now - STUCK_AFTER
    )


# --- every other email, and the work that follows a change (core/events.py, core/outbox.py) ---


def _email_problems(now) -> Q:
    return Q(status=EmailStatus.FAILED) | Q(
        status=EmailStatus.SENDING, claimed_at__lt=now - EMAIL_STUCK_AFTER
    )


def emails_for_offices(office_ids, *, problems: bool = False, now=None):
    """The emails sent for these offices (invitations, the force's submissions, ...), newest
    first; with `problems`, only those that failed or are stuck."""
    qs = OutgoingEmail.objects.filter(office_id__in=list(office_ids)).select_related("recipient")
    if problems:
        qs = qs.filter(_email_problems(now or timezone.now()))
    return qs.order_by("-created_at", "-id")


def failed_work_for_offices(office_ids):
    """What failed after a change in these offices: a subscriber of an event that raised (and
    was retried), waiting for `manage.py events_replay` or "Try again"."""
    return EventDelivery.objects.filter(
        office_id__in=list(office_ids), status=DeliveryStatus.FAILED
    ).order_by("-created_at", "-id")


def failed_work_summary(user, *, now=None) -> dict | None:
    """For the dashboard notice: emails that failed or are stuck, and work after a change that
    failed, in the user's offices in the last two weeks. None when there are none or the user
    is not office staff. One query (`failed_notices`)."""
    return failed_notices(user, now=now)["work"]


def _noticed_work(body_ids, now) -> dict:
    since = now - timedelta(days=NOTICE_DAYS)
    return {
        "emails": emails_for_offices(body_ids, problems=True, now=now).filter(
            created_at__gte=since
        ),
        "work": failed_work_for_offices(body_ids).filter(created_at__gte=since),
    }


def _counts(querysets: dict) -> dict[str, int]:
    """{name: how many rows each queryset has}, in one query: a count of each, united."""
    counted = [
        qs.order_by()
        .annotate(name=Value(name))
        .values("name")
        .annotate(n=Count("pk"))
        .values_list("name", "n")
        for name, qs in querysets.items()
    ]
    return dict.fromkeys(querysets, 0) | dict(counted[0].union(*counted[1:], all=True).order_by())


def failed_notices(user, *, now=None) -> dict:
    """Both dashboard notices, {"reminders": failed_reminders_summary(user), "work":
    failed_work_summary(user)}, with the three counts in one query (and one more for the
    latest failed reminder when there is one): the failed-work notice is on the dashboard
    every request, and three counts cost three times the planning and round trips of one."""
    body_ids = office_ids_of(user)
    if not body_ids:
        return {"reminders": None, "work": None}
    now = now or timezone.now()
    reminders = _noticed_reminders(body_ids, now)
    counts = _counts({"reminders": reminders, **_noticed_work(body_ids, now)})
    work = {"emails": counts["emails"], "work": counts["work"]}
    return {
        "reminders": _reminders_notice(reminders, counts["reminders"]),
        "work": work if any(work.values()) else None,
    }

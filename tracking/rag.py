"""The RAG rating of a tracker item: worked out from its status and target date, never typed.

Pure: no ORM, no clock. `rag_for(status=..., target_date=..., today=...)` is the one rule; the
tracker list filters and sorts with a database expression built from the same constants
(`tracking.selectors.rag_expression`), and tests/tracking/test_rag.py holds the two to the
same answer for every status and every kind of date.

The rule, in words a panel member would use:

- **Complete** (blue): the office approved the item's closure.
- **Closed** (grey): superseded, or not accepted; no rating.
- **Red**: open or in progress, and the target date has passed.
- **Amber**: open or in progress with no target date, or a target date within
  `DUE_SOON_DAYS` days (today included); or awaiting the office's sign-off after the target date.
- **Green**: open or in progress with the target date more than `DUE_SOON_DAYS` days away; or
  awaiting sign-off on or before the target date (or with none).
"""

from datetime import date

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext


class Status(models.TextChoices):
    """Where a recommendation or AFI stands. HMICFRS's old register used awaiting review,
    being progressed and complete; offices also record superseded and not accepted."""

    OPEN = "open", gettext_lazy("Open")
    IN_PROGRESS = "in_progress", gettext_lazy("In progress")
    PENDING_SIGN_OFF = "pending_sign_off", gettext_lazy("Pending sign-off")
    COMPLETE = "complete", gettext_lazy("Complete")
    SUPERSEDED = "superseded", gettext_lazy("Superseded")
    NOT_ACCEPTED = "not_accepted", gettext_lazy("Not accepted")

    @property
    def colour(self) -> str:
        """The GOV.UK tag colour for the status; a tag's text always names the status too."""
        return {
            "open": "grey",
            "in_progress": "light-blue",
            "pending_sign_off": "purple",
            "complete": "green",
            "superseded": "grey",
            "not_accepted": "grey",
        }[self.value]


#: Statuses of items still being worked on (shown in panel packs, reminded about).
ACTIVE_STATUSES = frozenset({Status.OPEN, Status.IN_PROGRESS, Status.PENDING_SIGN_OFF})
#: Statuses in which work is still to be done (not yet put forward for sign-off).
WORKING_STATUSES = frozenset({Status.OPEN, Status.IN_PROGRESS})
CLOSED_STATUSES = frozenset({Status.SUPERSEDED, Status.NOT_ACCEPTED})


class Rag(models.TextChoices):
    RED = "red", gettext_lazy("Red")
    AMBER = "amber", gettext_lazy("Amber")
    GREEN = "green", gettext_lazy("Green")
    COMPLETE = "complete", gettext_lazy("Complete")
    CLOSED = "closed", gettext_lazy("Closed")

    @property
    def colour(self) -> str:
        """The GOV.UK tag colour for the rating; a tag's text always names the rating too."""
        return {
            "red": "red",
            "amber": "orange",
            "green": "green",
            "complete": "blue",
            "closed": "grey",
        }[self.value]


#: A target date this many days away or fewer (and not passed) makes a working item amber.
DUE_SOON_DAYS = 30

#: Sort order: the most urgent first.
RAG_ORDER = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2, Rag.COMPLETE: 3, Rag.CLOSED: 4}


def rag_for(*, status: str, target_date: date | None, today: date) -> Rag:
    """The RAG rating of an item with `status` and `target_date` on `today` (see the module
    docstring for the rule)."""
    status = Status(status)
    if status == Status.COMPLETE:
        return Rag.COMPLETE
    if status in CLOSED_STATUSES:
        return Rag.CLOSED
    passed = target_date is not None and target_date < today
    if status == Status.PENDING_SIGN_OFF:
        return Rag.AMBER if passed else Rag.GREEN
    if target_date is None:
        return Rag.AMBER
    if passed:
        return Rag.RED
    if (target_date - today).days <= DUE_SOON_DAYS:
        return Rag.AMBER
    return Rag.GREEN


def rag_reason(*, status: str, target_date: date | None, today: date) -> str:
    """Why the item has its rating, in one sentence (shown beside the tag on the item page)."""
    rag = rag_for(status=status, target_date=target_date, today=today)
    status = Status(status)
    if rag == Rag.COMPLETE:
        return _("The office approved its closure.")
    if rag == Rag.CLOSED:
        return _("It is %(lower)s, so it is not rated.") % {"lower": status.label.lower()}
    if status == Status.PENDING_SIGN_OFF:
        if rag == Rag.AMBER:
            return _("It is waiting for the office's sign-off and the target date has passed.")
        return _("It is waiting for the office's sign-off.")
    if target_date is None:
        return _("It has no target date.")
    days = (target_date - today).days
    if rag == Rag.RED:
        return ngettext(
            "The target date passed %(count)s day ago.",
            "The target date passed %(count)s days ago.",
            -days,
        ) % {"count": -days}
    if rag == Rag.AMBER:
        if days == 0:
            return _("The target date is today.")
        return ngettext(
            "The target date is %(count)s day away.",
            "The target date is %(count)s days away.",
            days,
        ) % {"count": days}
    return _("The target date is more than %(DUE_SOON_DAYS)s days away.") % {
        "DUE_SOON_DAYS": DUE_SOON_DAYS
    }


def is_overdue(*, status: str, target_date: date | None, today: date) -> bool:
    """Still active and past its target date."""
    return Status(status) in ACTIVE_STATUSES and target_date is not None and target_date < today

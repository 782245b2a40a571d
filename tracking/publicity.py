"""What of the tracker the public sees: one rule, used by the public response page, the item
page and the tests.

The office publishes; the force proposes. A progress update written by a force contributor
that would change anything public (text marked public, a change of status, a correction of a
public update) is recorded with a `PublicProposal` waiting for the office's decision, and has
no public effect until an office member decides:

- **approved**: it takes effect as written (its text, if marked public; its status; what it
  corrects);
- **edited**: the office published its own wording instead (an office update, which is the
  public text); the force's status change and correction take effect, the force's text never
  shows;
- **declined**: it never takes effect publicly (it stays on the staff timeline).

An update without a proposal (the office's own, or a force update that changes nothing public)
takes effect at once. So:

- the **public status** of an item is the status set by its latest status change that took
  effect (open if none): the force's "in progress" or "pending sign-off" is not shown until the
  office approves it, and the office's own changes and closure decisions are;
- a **public update** is one marked public whose text took effect, unless a correction that
  took effect withdrew it.

Pure: no ORM. `decisions` maps an update's id to its proposal's decision (absent: no proposal).
"""

from collections.abc import Iterable, Mapping
from typing import Protocol

from django.db import models
from django.utils.translation import gettext_lazy

from .rag import Status


class Decision(models.TextChoices):
    PENDING = "pending", gettext_lazy("Waiting for the office's approval")
    APPROVED = "approved", gettext_lazy("Approved for the public page")
    EDITED = "edited", gettext_lazy("Published in the office's words")
    DECLINED = "declined", gettext_lazy("Not published")


#: Decisions under which an update's status change and correction take effect.
EFFECTIVE = frozenset({Decision.APPROVED, Decision.EDITED})


class UpdateLike(Protocol):
    pk: int
    is_public: bool
    status_to: str
    corrects_id: int | None


def takes_effect(decision: str | None) -> bool:
    """Does an update with this proposal decision (None: no proposal) change what the public
    sees: its status, and which update it corrects?"""
    return decision is None or decision in EFFECTIVE


def text_is_public(update: UpdateLike, decision: str | None) -> bool:
    """Is the update's own text published (before any correction withdraws it)?"""
    return update.is_public and (decision is None or decision == Decision.APPROVED)


def public_status(updates: Iterable[UpdateLike], decisions: Mapping[int, str]) -> Status:
    """The item's status as the public sees it. `updates` oldest first."""
    status = Status.OPEN
    for update in updates:
        if update.status_to and takes_effect(decisions.get(update.pk)):
            status = Status(update.status_to)
    return status


def public_updates(updates: Iterable[UpdateLike], decisions: Mapping[int, str]) -> list:
    """The updates whose text the public reads, in the order given."""
    updates = list(updates)
    withdrawn = {
        u.corrects_id for u in updates if u.corrects_id and takes_effect(decisions.get(u.pk))
    }
    return [u for u in updates if text_is_public(u, decisions.get(u.pk)) and u.pk not in withdrawn]


def needs_office_approval(*, by_force: bool, is_public: bool, status: str, corrects) -> bool:
    """Would this new update change what the public sees without the office? Only the force's
    updates ever wait: text marked public, a change of status, or a correction of an update
    marked public."""
    if not by_force:
        return False
    return bool(is_public or status or (corrects is not None and corrects.is_public))

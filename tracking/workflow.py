"""Who may move a tracker item from one status to another: one table.

The item's status is always the status set by its latest status change, and every status
change is a progress update (append-only) written by a service in `tracking/services.py`:

- force contributors and office staff record progress (open <-> in progress) and propose
  closure (-> pending sign-off);
- only the office approves closure (-> complete) or refuses it (back to the status before the
  proposal), and never the person who proposed it;
- only the office closes an item without completing it (superseded, not accepted) or reopens
  a closed or completed one.

A refused change raises `TrackingError`, whose message says what to do instead.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError

from .rag import Status


class TrackingError(DomainError):
    """A change to a tracker item that the rules do not allow. `problems` lists each thing
    wrong, in words a person can act on."""


#: Actions, and who may take them: "any" (office staff or the force's contributors) or
#: "office" (the office's staff only).
RECORD_PROGRESS = "record progress"
PROPOSE_CLOSURE = "propose closure"
APPROVE_CLOSURE = "approve closure"
REFUSE_CLOSURE = "refuse closure"
CLOSE = "close without completing"
REOPEN = "reopen"

#: The actions in words, in the reader's language (the tables key on the English action).
ACTION_LABELS = {
    RECORD_PROGRESS: gettext_lazy("record progress"),
    PROPOSE_CLOSURE: gettext_lazy("propose closure"),
    APPROVE_CLOSURE: gettext_lazy("approve closure"),
    REFUSE_CLOSURE: gettext_lazy("refuse closure"),
    CLOSE: gettext_lazy("close without completing"),
    REOPEN: gettext_lazy("reopen"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


WHO = {
    RECORD_PROGRESS: "any",
    PROPOSE_CLOSURE: "any",
    APPROVE_CLOSURE: "office",
    REFUSE_CLOSURE: "office",
    CLOSE: "office",
    REOPEN: "office",
}

S = Status
#: (from, to) -> the action that makes that change.
TRANSITIONS: dict[tuple[Status, Status], str] = {
    (S.OPEN, S.IN_PROGRESS): RECORD_PROGRESS,
    (S.IN_PROGRESS, S.OPEN): RECORD_PROGRESS,
    (S.OPEN, S.PENDING_SIGN_OFF): PROPOSE_CLOSURE,
    (S.IN_PROGRESS, S.PENDING_SIGN_OFF): PROPOSE_CLOSURE,
    (S.PENDING_SIGN_OFF, S.COMPLETE): APPROVE_CLOSURE,
    (S.PENDING_SIGN_OFF, S.OPEN): REFUSE_CLOSURE,
    (S.PENDING_SIGN_OFF, S.IN_PROGRESS): REFUSE_CLOSURE,
    (S.OPEN, S.SUPERSEDED): CLOSE,
    (S.IN_PROGRESS, S.SUPERSEDED): CLOSE,
    (S.OPEN, S.NOT_ACCEPTED): CLOSE,
    (S.IN_PROGRESS, S.NOT_ACCEPTED): CLOSE,
    (S.COMPLETE, S.IN_PROGRESS): REOPEN,
    (S.SUPERSEDED, S.IN_PROGRESS): REOPEN,
    (S.NOT_ACCEPTED, S.IN_PROGRESS): REOPEN,
    (S.COMPLETE, S.OPEN): REOPEN,
    (S.SUPERSEDED, S.OPEN): REOPEN,
    (S.NOT_ACCEPTED, S.OPEN): REOPEN,
}

#: Actions a plain progress update may carry (closure has its own services and pages).
UPDATE_ACTIONS = frozenset({RECORD_PROGRESS, CLOSE, REOPEN})


def action_for(current: str, target: str) -> str | None:
    return TRANSITIONS.get((Status(current), Status(target)))


def may(action: str, *, is_office: bool) -> bool:
    return WHO[action] == "any" or is_office


def check_status_change(current: str, target: str, *, is_office: bool, via_update=True) -> str:
    """The action that moves an item from `current` to `target`, or TrackingError if the
    person (office staff or not) may not make that change here."""
    current, target = Status(current), Status(target)
    if current == target:
        raise TrackingError(_("The item is already %(lower)s.") % {"lower": target.label.lower()})
    if via_update and current == Status.PENDING_SIGN_OFF:
        raise TrackingError(
            _(
                "This item is waiting for the office's sign-off: approve or refuse the closure proposal first."
            )
        )
    action = TRANSITIONS.get((current, target))
    if action is None:
        raise TrackingError(
            _("An item that is %(lower)s cannot become %(lower2)s.")
            % {"lower": current.label.lower(), "lower2": target.label.lower()}
        )
    if via_update and action not in UPDATE_ACTIONS:
        if action == PROPOSE_CLOSURE:
            raise TrackingError(_("To say the work is complete, propose closure instead."))
        if target == Status.COMPLETE:
            raise TrackingError(
                _("An item becomes complete only when the office approves a closure proposal.")
            )
        raise TrackingError(
            _(
                "This item is waiting for the office's sign-off: approve or refuse the closure proposal first."
            )
        )
    if not may(action, is_office=is_office):
        raise TrackingError(
            _("Only the office's staff can %(action)s an item.") % {"action": action_label(action)}
        )
    return action


def statuses_open_to(current: str, *, is_office: bool) -> list[Status]:
    """The statuses a person can choose in a progress update, from `current`."""
    current = Status(current)
    return [
        target
        for (src, target), action in TRANSITIONS.items()
        if src == current and action in UPDATE_ACTIONS and may(action, is_office=is_office)
    ]

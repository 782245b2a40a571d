"""The Section 55 response workflow: one table of allowed status changes.

Each transition has exactly one guarded service in `responses/services.py`. A refused change
raises `WorkflowError`, whose message tells a person what to do about it.
"""

from core import locking
from core.errors import DomainError

from .models import Status


class WorkflowError(DomainError):
    """A change to a response that the workflow or the law does not allow.

    `problems` lists each thing that is missing or wrong, in words a person can act on.
    """


class ConcurrentEditError(WorkflowError, locking.ConcurrentEditError):
    """Somebody else saved the same response since this editor opened it."""


#: (from, to) -> the action that makes that change.
TRANSITIONS: dict[tuple[Status, Status], str] = {
    (Status.NOT_STARTED, Status.AWAITING_FORCE): "invite the force",
    (Status.DRAFTING, Status.AWAITING_FORCE): "invite the force",
    (Status.NOT_STARTED, Status.DRAFTING): "start drafting",
    (Status.AWAITING_FORCE, Status.DRAFTING): "start drafting",
    (Status.DRAFTING, Status.AWAITING_APPROVAL): "submit for approval",
    (Status.AWAITING_APPROVAL, Status.APPROVED): "approve",
    (Status.AWAITING_APPROVAL, Status.DRAFTING): "send back",
    (Status.APPROVED, Status.DRAFTING): "send back",
    (Status.APPROVED, Status.PUBLISHED): "publish",
    (Status.PUBLISHED, Status.DRAFTING): "amend",
    (Status.NOT_STARTED, Status.NOT_REQUIRED): "mark as not required",
    (Status.AWAITING_FORCE, Status.NOT_REQUIRED): "mark as not required",
    (Status.DRAFTING, Status.NOT_REQUIRED): "mark as not required",
    (Status.NOT_REQUIRED, Status.NOT_STARTED): "reinstate",
}

#: Statuses in which the office's own text can still be edited.
EDITABLE_STATUSES = frozenset({Status.NOT_STARTED, Status.AWAITING_FORCE, Status.DRAFTING})

#: Statuses in which the force's comments can still be recorded.
FORCE_COMMENT_STATUSES = frozenset({Status.AWAITING_FORCE, Status.DRAFTING})


def sources_for(target: Status, action: str) -> list[Status]:
    return [src for (src, dst), act in TRANSITIONS.items() if dst == target and act == action]


def check_transition(current: str, target: Status, action: str) -> None:
    """Raise WorkflowError unless `action` may move a response from `current` to `target`."""
    current = Status(current)
    if TRANSITIONS.get((current, target)) == action:
        return
    allowed = ", ".join(s.label.lower() for s in sources_for(target, action))
    raise WorkflowError(
        f"You cannot {action} a response that is {current.label.lower()}. "
        f"This is only possible when it is {allowed}."
    )


def allowed_actions(current: str) -> list[str]:
    current = Status(current)
    return sorted({act for (src, _dst), act in TRANSITIONS.items() if src == current})

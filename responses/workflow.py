"""The Section 55 response workflow: one table of allowed status changes, and beside it one
table of who may take each action.

Each transition has exactly one guarded service in `responses/services.py`, which checks both
tables through `check_action` with the acting user. A refused change raises `WorkflowError`
(`ActionNotAllowed` when the person lacks the role), whose message tells a person what to do.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Membership
from core import locking
from core.errors import DomainError

from .models import Status


class WorkflowError(DomainError):
    """A change to a response that the workflow or the law does not allow.

    `problems` lists each thing that is missing or wrong, in words a person can act on.
    """


class ConcurrentEditError(WorkflowError, locking.ConcurrentEditError):
    """Somebody else saved the same response since this editor opened it."""


class ActionNotAllowed(WorkflowError):
    """The acting person does not hold a role in the response's office that may take the action
    (`ACTION_ROLES`)."""


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
    (Status.PUBLISHED, Status.WITHDRAWN): "withdraw",
    (Status.WITHDRAWN, Status.DRAFTING): "amend",
    (Status.NOT_STARTED, Status.NOT_REQUIRED): "mark as not required",
    (Status.AWAITING_FORCE, Status.NOT_REQUIRED): "mark as not required",
    (Status.DRAFTING, Status.NOT_REQUIRED): "mark as not required",
    (Status.NOT_REQUIRED, Status.NOT_STARTED): "reinstate",
}

#: The actions in words, for refusals and pages ("You cannot publish a response ..."), in the
#: reader's language. The tables key on the English action (a stable code services pass);
#: a message names it with `action_label`.
ACTION_LABELS = {
    "invite the force": gettext_lazy("invite the force"),
    "start drafting": gettext_lazy("start drafting"),
    "submit for approval": gettext_lazy("submit for approval"),
    "approve": gettext_lazy("approve"),
    "send back": gettext_lazy("send back"),
    "publish": gettext_lazy("publish"),
    "amend": gettext_lazy("amend"),
    "withdraw": gettext_lazy("withdraw"),
    "mark as not required": gettext_lazy("mark as not required"),
    "reinstate": gettext_lazy("reinstate"),
    "record a published response": gettext_lazy("record a published response"),
    "mark redactions": gettext_lazy("mark redactions"),
    "send the copies": gettext_lazy("send the copies"),
}


def action_label(action: str) -> str:
    """An action of the tables in the reader's language."""
    return str(ACTION_LABELS.get(action, action))


Role = Membership.Role
#: Any member of the office's staff.
OFFICE_STAFF = frozenset({Role.OPCC_DRAFTER, Role.OPCC_APPROVER, Role.OPCC_ADMIN})
#: The office's sign-off: what the office publishes, or stops publishing, is its decision.
SIGN_OFF = frozenset({Role.OPCC_APPROVER, Role.OPCC_ADMIN})

#: action -> the roles, in the response's own office, that may take it. Drafters prepare the
#: response; approving it, sending it back, publishing it and reopening what was published are
#: the office's sign-off, and so is withdrawing what was published. A role held in another office, or a force contributor's, never counts.
#: (The force's submitting its comments moves a response awaiting them on to drafting: that is
#: the consequence of the force's reply, not an office action, and is not in this table.)
#: tests/responses/test_action_roles.py is generated from this table.
ACTION_ROLES: dict[str, frozenset[str]] = {
    "invite the force": OFFICE_STAFF,
    "start drafting": OFFICE_STAFF,
    "submit for approval": OFFICE_STAFF,
    "approve": SIGN_OFF,
    "send back": SIGN_OFF,
    "publish": SIGN_OFF,
    "amend": SIGN_OFF,
    "withdraw": SIGN_OFF,
    "mark as not required": OFFICE_STAFF,
    "reinstate": OFFICE_STAFF,
}

#: Recording a response the office published before it used the product
#: (`response_import_published`) puts its text on the public site as published: the office's
#: sign-off, like "publish", though it is outside the transition table.
RECORD_PUBLISHED = "record a published response"
RECORD_PUBLISHED_ROLES = SIGN_OFF

#: Marking a passage of the text to be published as redacted (`redaction_add`,
#: `redaction_remove`): the office's staff, while the text can change and while the approver
#: reads it; once approved, what the approver saw is fixed (send it back first).
REDACT = "mark redactions"
REDACT_ROLES = OFFICE_STAFF

#: Statuses in which the office's own text can still be edited.
EDITABLE_STATUSES = frozenset({Status.NOT_STARTED, Status.AWAITING_FORCE, Status.DRAFTING})

#: Sending the s55(6) copies of a published version by email from the product
#: (`response_send_copies`): any of the office's staff, as recording them by hand is.
SEND_COPIES = "send the copies"
SEND_COPIES_ROLES = OFFICE_STAFF

#: Statuses in which redactions can be marked or removed.
REDACTION_STATUSES = EDITABLE_STATUSES | {Status.AWAITING_APPROVAL}

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
        _(
            "You cannot %(action)s a response that is %(lower)s. This is only possible when it is %(allowed)s."
        )
        % {"action": action_label(action), "lower": current.label.lower(), "allowed": allowed}
    )


def allowed_actions(current: str) -> list[str]:
    current = Status(current)
    return sorted({act for (src, _dst), act in TRANSITIONS.items() if src == current})


def _office_roles(user, body_id: int) -> set[str]:
    if not (user and user.is_authenticated and user.is_active):
        return set()
    return set(
        Membership.objects.filter(user=user, policing_body_id=body_id, is_active=True).values_list(
            "role", flat=True
        )
    )


def actions_allowed(user, *, policing_body_id: int) -> frozenset[str]:
    """The actions `user` may take on a response of the office `policing_body_id`
    (`ACTION_ROLES`; whether the response's status allows them is the transition table's say).

    A superuser with no membership (the operator of the Django admin) may take the steps open to
    all office staff, never the sign-off."""
    held = _office_roles(user, policing_body_id)
    superuser = bool(getattr(user, "is_superuser", False))
    return frozenset(
        action
        for action, roles in ACTION_ROLES.items()
        if held & roles or (superuser and roles == OFFICE_STAFF)
    )


def may_take(user, action: str, *, policing_body_id: int) -> bool:
    """May `user` take `action` on a response of the office `policing_body_id`?"""
    return action in actions_allowed(user, policing_body_id=policing_body_id)


#: The office's roles that may take an action, in words, in the reader's language.
ROLES_IN_WORDS = {
    OFFICE_STAFF: gettext_lazy("a drafter, an approver or an admin"),
    SIGN_OFF: gettext_lazy("an approver or an admin"),
}


def _roles_in_words(roles: frozenset[str]) -> str:
    """ "an approver or an admin", in the order of `Membership.Role`."""
    if roles in ROLES_IN_WORDS:
        return str(ROLES_IN_WORDS[roles])
    labels = [role.label.removeprefix("OPCC ") for role in Role if role in roles]
    named = [f"an {label}" if label[0] in "aeiou" else f"a {label}" for label in labels]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " or " + named[-1]


def _only_roles(roles: frozenset[str], action: str) -> str:
    return _("Only %(roles)s in this office can %(action)s.") % {
        "roles": _roles_in_words(roles),
        "action": action_label(action),
    }


def check_may_record_published(*, user, policing_body_id: int) -> None:
    """Raise unless `user` holds a sign-off role in the office (`RECORD_PUBLISHED_ROLES`)."""
    if not _office_roles(user, policing_body_id) & RECORD_PUBLISHED_ROLES:
        raise ActionNotAllowed(_only_roles(RECORD_PUBLISHED_ROLES, RECORD_PUBLISHED))


def check_may(*, user, action: str, roles: frozenset[str], policing_body_id: int) -> None:
    """Raise unless `user` holds one of `roles` in the office (a superuser with no membership
    may take the steps open to all office staff, as in `actions_allowed`)."""
    superuser = bool(getattr(user, "is_superuser", False)) and roles == OFFICE_STAFF
    if not (_office_roles(user, policing_body_id) & roles or superuser):
        raise ActionNotAllowed(_only_roles(roles, action))


def check_may_redact(*, user, policing_body_id: int) -> None:
    """Raise unless `user` is on the office's staff (`REDACT_ROLES`)."""
    check_may(user=user, action=REDACT, roles=REDACT_ROLES, policing_body_id=policing_body_id)


def check_action(current: str, target: Status, action: str, *, user, policing_body_id: int) -> None:
    """Raise unless `action` may move a response from `current` to `target` (`TRANSITIONS`)
    and `user` holds a role that may take it in the response's office (`ACTION_ROLES`)."""
    check_transition(current, target, action)
    if not may_take(user, action, policing_body_id=policing_body_id):
        raise ActionNotAllowed(_only_roles(ACTION_ROLES[action], action))

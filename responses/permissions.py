"""Who may see and change a response, on top of the roles in `accounts.permissions`."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.permissions import has_office_role, is_force_contributor_for

from .selectors import responses_visible_to
from .workflow import FORCE_COMMENT_STATUSES


def can_edit_force_comments(user, response) -> bool:
    """A force contributor may write the force's comments while the office is waiting for them
    and until the force has submitted them to the office (submission locks them)."""
    return (
        is_force_contributor_for(user, response)
        and response.status in FORCE_COMMENT_STATUSES
        and response.force_comments_submitted_at is None
    )


def get_response_for(user, pk, *, for_write: bool = False):
    """The response `pk` if the user may see it, else 404 (never revealing that it exists).

    With `for_write`, the user must also be on the office's staff (drafter, approver or admin):
    a force contributor who can see the response gets 403. Force contributors' edits go through
    `can_edit_force_comments` instead.
    """
    response = get_object_or_404(
        responses_visible_to(user).select_related(
            "report", "policing_body", "policing_body__force"
        ),
        pk=pk,
    )
    if for_write and not has_office_role(user, response.policing_body_id):
        raise PermissionDenied(_("Only the office's staff can change this response."))
    return response

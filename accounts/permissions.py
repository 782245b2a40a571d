"""Who may do what, for every staff view. Roles come from active memberships.

- OPCC drafter, approver and admin work in an office (a `PolicingBody`) and see only that
  office's responses; the admin also manages the office's people and branding. A person in
  several offices acts for one at a time (`act_for_office`, set per request from the header's
  switcher by `accounts.middleware.CurrentOrganisationMiddleware`): every check below then sees
  only that office's roles, so nothing of the other office shows while acting for this one.
- A register maintainer (a national role, in no office) keeps the shared facts of national
  reports and decides the corrections offices propose (the correction pages only).
- National read-only staff (a national role, in no office) see published material and, for
  the offices that opted in (`PolicingBody.share_open_work_nationally`), the status and dates
  of their open responses and tracker items (the national view only); they never draft.
- A force contributor sees only the responses to their force that the office has invited the
  force to comment on (s55(4)), and only what the office shared: the report, the invitation, the
  reply-by date and the force's own comments, never the office's draft text or internal notes.

Every view that shows a response fetches it with `responses.permissions.get_response_for`
(responses sit above accounts, so the rules about a response live with them), so an id from
another organisation gives 404.
A superuser with no membership has the Django admin only, not the staff pages.

Anonymous users are sent to sign in; signed-in users without the role get 403.
"""

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .models import Membership

OFFICE_ROLES = frozenset(Membership.OFFICE_ROLES)
#: Roles that may approve and publish (the office's sign-off).
APPROVER_ROLES = frozenset({Membership.Role.OPCC_APPROVER, Membership.Role.OPCC_ADMIN})

_CACHE = "_s55_memberships"
_ACTING = "_s55_acting_office_id"


def all_memberships(user) -> list[Membership]:
    """Every active membership of the user, in every office and force, one query per user
    object. For the office switcher and the person's own account page only: permissions use
    `active_memberships`, which keeps the office the person is acting for."""
    if not user or not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, _CACHE, None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, is_active=True)
            .select_related("policing_body", "policing_body__force", "force")
            .order_by("policing_body__name", "force__name", "pk")
        )
        setattr(user, _CACHE, cached)
    return cached


def user_offices(user) -> list:
    """The offices (PolicingBody) in which the user holds an OPCC role, by name."""
    offices = {}
    for membership in all_memberships(user):
        if membership.policing_body_id and membership.role in OFFICE_ROLES:
            offices.setdefault(membership.policing_body_id, membership.policing_body)
    return list(offices.values())


def act_for_office(user, office_id) -> object | None:
    """Make the user act for the office `office_id` in this request, if they hold a role there
    now; otherwise (no choice, a stale cookie, a role since removed) for their first office.
    A choice can only pick among the person's current offices: it never widens access.
    Returns the office acted for, or None for someone in no office."""
    offices = user_offices(user)
    chosen = next((o for o in offices if str(o.pk) == str(office_id)), None)
    if chosen is None and offices:
        chosen = offices[0]
    setattr(user, _ACTING, chosen.pk if chosen else None)
    return chosen


def active_memberships(user) -> list[Membership]:
    """The memberships the user acts with now: their force memberships and, once an office has
    been chosen for them (`act_for_office`, on every request), only that office's roles.

    Outside a request (a task, a command) nobody has chosen, and a service checks the acting
    user's roles in every office they belong to, as before the switcher existed."""
    memberships = all_memberships(user)
    if not hasattr(user, _ACTING):
        return memberships
    acting = getattr(user, _ACTING)
    return [m for m in memberships if not m.policing_body_id or m.policing_body_id == acting]


def forget_memberships(user) -> None:
    """Drop the cached memberships (after a membership was added or deactivated)."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


def office_roles(user) -> dict[int, set[str]]:
    """{policing body id: {roles}} for the user's active OPCC memberships."""
    roles: dict[int, set[str]] = {}
    for membership in active_memberships(user):
        if membership.policing_body_id and membership.role in OFFICE_ROLES:
            roles.setdefault(membership.policing_body_id, set()).add(membership.role)
    return roles


def force_ids(user) -> set[int]:
    """Ids of the forces the user contributes for."""
    return {
        m.force_id
        for m in active_memberships(user)
        if m.force_id and m.role == Membership.Role.FORCE_CONTRIBUTOR
    }


def is_register_maintainer(user) -> bool:
    """Does the user hold the national register maintainer role?"""
    return any(m.role == Membership.Role.REGISTER_MAINTAINER for m in active_memberships(user))


def is_national_viewer(user) -> bool:
    """Does the user hold the national read-only role (staff of a national body: they see
    published material and, where offices opt in, the status of their open work; they never
    draft or change anything)?"""
    return any(m.role == Membership.Role.NATIONAL_VIEWER for m in active_memberships(user))


def user_office(user):
    """The office (PolicingBody) the user acts for, or None. A person in several offices acts
    for the one chosen in the header (`act_for_office`), else the first by name."""
    for membership in active_memberships(user):
        if membership.policing_body_id and membership.role in OFFICE_ROLES:
            return membership.policing_body
    return None


def user_force(user):
    """The force a force contributor works for, or None."""
    for membership in active_memberships(user):
        if membership.force_id and membership.role == Membership.Role.FORCE_CONTRIBUTOR:
            return membership.force
    return None


def has_office_role(user, body, *roles: str) -> bool:
    """Does the user hold one of `roles` (any OPCC role if none given) in `body`'s office?"""
    body_id = getattr(body, "pk", body)
    held = office_roles(user).get(body_id, set())
    return bool(held.intersection(roles or OFFICE_ROLES))


def is_force_contributor_for(user, response) -> bool:
    return response.policing_body.force_id in force_ids(user)


def can_see_office_drafts(user, response) -> bool:
    """May the user see the office's unpublished text (comments, reply to the force,
    explanations, internal notes)? Only the office's own staff. Force contributors never do,
    even after publication: what was published is on the public site."""
    return has_office_role(user, response.policing_body_id)


# --- view decorators and mixins ------------------------------------------------------------


def _check(request, test: Callable[[object], bool]):
    """None when allowed; otherwise the response that refuses (sign in, or 403)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not test(request.user):
        raise PermissionDenied
    return None


def _office_test(roles: Iterable[str]):
    wanted = frozenset(roles) or OFFICE_ROLES

    def test(user) -> bool:
        office = user_office(user)
        return office is not None and bool(office_roles(user).get(office.pk, set()) & wanted)

    return test


def _force_test(user) -> bool:
    return bool(force_ids(user))


def _member_test(user) -> bool:
    return user_office(user) is not None or bool(force_ids(user))


def _office_or_maintainer_test(user) -> bool:
    return user_office(user) is not None or is_register_maintainer(user)


def _national_viewer_test(user) -> bool:
    return is_national_viewer(user)


def _decorator(test):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            refusal = _check(request, test)
            if refusal is not None:
                return refusal
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def office_required(*roles: str):
    """View decorator: the user must hold one of `roles` (any OPCC role if none) in their office.

    @office_required()                                   # any office staff
    @office_required(Membership.Role.OPCC_ADMIN)         # the office's admin only
    """
    if len(roles) == 1 and callable(roles[0]):
        raise TypeError("Use @office_required() with parentheses.")
    return _decorator(_office_test(roles))


#: View decorator: the user must be a force contributor.
force_required = _decorator(_force_test)

#: View decorator: office staff or the register maintainer (the pages about a report's shared
#: facts and their corrections).
office_or_maintainer_required = _decorator(_office_or_maintainer_test)

#: View decorator: the national read-only role (the national view of offices' open work).
national_viewer_required = _decorator(_national_viewer_test)

#: View decorator: office staff or a force contributor (pages both may open, e.g. a response,
#: which then checks `can_see_office_drafts` for what to show).
member_required = _decorator(_member_test)


class _RoleMixin(AccessMixin):
    def allowed(self, user) -> bool:  # pragma: no cover - overridden
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        refusal = _check(request, self.allowed)
        if refusal is not None:
            return refusal
        return super().dispatch(request, *args, **kwargs)


class OfficeRequiredMixin(_RoleMixin):
    """Class-based views: `office_roles_required = (Membership.Role.OPCC_ADMIN,)`; empty means
    any OPCC role."""

    office_roles_required: tuple[str, ...] = ()

    def allowed(self, user) -> bool:
        return _office_test(self.office_roles_required)(user)


class ForceRequiredMixin(_RoleMixin):
    def allowed(self, user) -> bool:
        return _force_test(user)


class MemberRequiredMixin(_RoleMixin):
    def allowed(self, user) -> bool:
        return _member_test(user)
